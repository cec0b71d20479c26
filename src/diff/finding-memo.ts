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

export class FindingMemo {
  private readonly scopes = new Map<string, Map<string, RawFinding | null>>();
  private entries = 0;

  /**
   * The memoised finding (`null`: nothing to report), or what `make` returns, remembered. `scope`
   * names the pair key, endpoint and field.
   */
  resolve(scope: string, good: JsonValue | undefined, bad: JsonValue | undefined, make: () => RawFinding | undefined): RawFinding | undefined {
    const g = valueKey(good);
    const b = g === undefined ? undefined : valueKey(bad);
    if (g === undefined || b === undefined) return make();
    // GOOD's key length first makes the pair unambiguous whatever characters the values hold.
    const key = `${g.length}:${g}${b}`;
    let byValues = this.scopes.get(scope);
    if (!byValues) this.scopes.set(scope, (byValues = new Map()));
    const hit = byValues.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const made = make();
    if (this.entries >= LIMIT) {
      // Clearing drops the map this entry belongs in too: start that one again.
      this.scopes.clear();
      this.entries = 0;
      this.scopes.set(scope, (byValues = new Map()));
    }
    byValues.set(key, made ?? null);
    this.entries += 1;
    return made;
  }
}
