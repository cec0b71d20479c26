/**
 * Findings already made, shared across the pairs of one diff. A leaf finding depends only on its
 * field, the two values and the pair's key (rules, learned volatility), and large captures repeat
 * the same differences thousands of times: each repeat becomes two map lookups.
 */
import type { JsonValue, RawFinding } from './finding.js';

/** Entries held before the memo is cleared (volatile values make most keys unique). */
const LIMIT = 200_000;
/** Values longer than this (as text) are not memoised: hashing them costs more than the work. */
const MAX_VALUE_CHARS = 2_000;

/**
 * One string per value, distinct for distinct values: a plain string stands for itself unless it
 * starts with U+0000; everything else is U+0000 plus a type tag. Undefined when too long.
 */
function valueKey(value: JsonValue | undefined): string | undefined {
  if (value === undefined) return '\u0000u';
  if (typeof value === 'string') {
    if (value.length > MAX_VALUE_CHARS) return undefined;
    return value.startsWith('\u0000') ? `\u0000s${value}` : value;
  }
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? undefined : `\u0000j${text}`;
}

/** A per-diff memo of leaf findings (see the file comment). */
export class FindingMemo {
  private readonly scopes = new Map<string, { readonly oneOff: boolean; byValues: Map<string, RawFinding | null> }>();
  private entries = 0;

  /**
   * The memoised finding (`null`: nothing to report), or what `make` returns, remembered. `scope`
   * names the pair key, endpoint and field; `oneOff` (asked once per scope) says the field holds
   * fresh values (a volatile field), which never repeat and are not worth remembering.
   */
  resolve(scope: string, good: JsonValue | undefined, bad: JsonValue | undefined, make: () => RawFinding | undefined, oneOff: () => boolean): RawFinding | undefined {
    let entry = this.scopes.get(scope);
    if (!entry) this.scopes.set(scope, (entry = { oneOff: oneOff(), byValues: new Map() }));
    if (entry.oneOff) return make();
    const g = valueKey(good);
    const b = g === undefined ? undefined : valueKey(bad);
    if (g === undefined || b === undefined) return make();
    // GOOD's key length first makes the pair unambiguous whatever characters the values hold.
    const key = `${g.length}:${g}${b}`;
    const hit = entry.byValues.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const made = make();
    if (this.entries >= LIMIT) {
      // Start over, keeping what is known about each scope.
      for (const e of this.scopes.values()) e.byValues = new Map();
      this.entries = 0;
    }
    entry.byValues.set(key, made ?? null);
    this.entries += 1;
    return made;
  }
}
