/**
 * Findings already made, shared across the pairs of one diff. A leaf finding depends only on its
 * field, the two values and the pair's key (rules, learned volatility), and large captures repeat
 * the same differences thousands of times: each repeat becomes two map lookups.
 */
import type { JsonValue, RawFinding } from './finding.js';

/** Entries held before the memo is cleared (volatile values make most keys unique). */
const LIMIT = 200_000;
/** Misses after which a scope that (almost) never hits is no longer memoised. */
const ONE_OFF_AFTER_MISSES = 64;
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
  private readonly scopes = new Map<
    string,
    { oneOff: boolean; hits: number; misses: number; byValues: Map<string, RawFinding | null> }
  >();
  private readonly remembered = new Set<RawFinding>();
  private readonly keyed = new Map<string, RawFinding | null>();
  private entries = 0;

  /** True for a finding this memo hands out again: worth caching its rank and sentence by identity. */
  isShared(finding: RawFinding): boolean {
    return this.remembered.has(finding);
  }

  /** Like `resolve`, for findings that depend on one key alone (the header order). */
  resolveKeyed(key: string, make: () => RawFinding | undefined): RawFinding | undefined {
    if (this.keyed.has(key)) return this.keyed.get(key) ?? undefined;
    const made = make();
    if (this.keyed.size >= LIMIT) this.keyed.clear();
    this.keyed.set(key, made ?? null);
    if (made) this.remembered.add(made);
    return made;
  }

  /**
   * The memoised finding (`null`: nothing to report), or what `make` returns, remembered. `scope`
   * names the pair key, endpoint and field. A scope whose values keep changing (fresh ids, times)
   * stops being memoised after a few dozen misses: its findings never repeat.
   */
  resolve(
    scope: string,
    good: JsonValue | undefined,
    bad: JsonValue | undefined,
    make: () => RawFinding | undefined,
  ): RawFinding | undefined {
    let entry = this.scopes.get(scope);
    if (!entry) this.scopes.set(scope, (entry = { oneOff: false, hits: 0, misses: 0, byValues: new Map() }));
    if (entry.oneOff) return make();
    const g = valueKey(good);
    const b = g === undefined ? undefined : valueKey(bad);
    if (g === undefined || b === undefined) return make();
    // GOOD's key length first makes the pair unambiguous whatever characters the values hold.
    const key = `${g.length}:${g}${b}`;
    const hit = entry.byValues.get(key);
    if (hit !== undefined) {
      entry.hits += 1;
      return hit ?? undefined;
    }
    const made = make();
    entry.misses += 1;
    if (entry.misses >= ONE_OFF_AFTER_MISSES && entry.hits * 8 < entry.misses) {
      entry.oneOff = true;
      this.entries -= entry.byValues.size;
      entry.byValues = new Map();
      return made;
    }
    if (this.entries >= LIMIT) {
      // Start over, keeping what is known about each scope.
      for (const e of this.scopes.values()) e.byValues = new Map();
      this.remembered.clear();
      this.entries = 0;
    }
    entry.byValues.set(key, made ?? null);
    if (made) this.remembered.add(made);
    this.entries += 1;
    return made;
  }
}
