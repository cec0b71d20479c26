/**
 * Delta debugging (Zeller & Hildebrandt, "Simplifying and Isolating Failure-Inducing Input"), in the
 * form that minimises a set of changes: given changes C such that applying all of C makes the request
 * work, find a 1-minimal subset that still makes it work. Generic: it knows nothing of HTTP or Qwen.
 *
 * Each probe is costly (a live request), so results are cached by subset, a budget caps the probes,
 * and an `inconclusive` outcome (a reset, a stall) stops the search rather than guessing. Inside a
 * bisect the budget belongs to the probe runner: ddmin then gets none, and the probe ends the search
 * by throwing `Halt`, which ddmin returns as its result with the best subset seen.
 */
import { Halt, type HaltReason } from './halt.js';

/** What one probe says about a subset of changes. */
export type ProbeOutcome = 'works' | 'fails' | 'inconclusive';

export interface DdminOptions {
  /**
   * Most probes to spend (cached answers are free). Leave it out when the probe owns the budget and
   * throws `Halt` when it is spent (as a bisect's probe runner does).
   */
  readonly budget?: number | undefined;
  /** Called before each real probe, for progress output. */
  readonly onProbe?:
    | ((info: { readonly probe: number; readonly budget: number; readonly subset: readonly number[] }) => void)
    | undefined;
  /** Checked before each probe: stop early (Ctrl-C) and return what was learned. */
  readonly shouldStop?: (() => boolean) | undefined;
}

export type DdminResult =
  | { readonly kind: 'minimal'; readonly subset: readonly number[]; readonly probes: number }
  | { readonly kind: HaltReason; readonly best: readonly number[]; readonly probes: number };

/** Splits `items` into `n` nearly equal consecutive parts. */
export function split<T>(items: readonly T[], n: number): T[][] {
  const parts: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    parts.push(items.slice(start, end));
    start = end;
  }
  return parts.filter((p) => p.length > 0);
}

/**
 * Finds a 1-minimal subset of change indices `0..count-1` for which `probe` says `works`, assuming the
 * whole set works and the empty set fails (the caller checks both first). `probe` receives indices in
 * ascending order; it may throw `Halt` to end the search, which then returns what it learned.
 */
export async function ddmin(
  count: number,
  probe: (subset: readonly number[]) => Promise<ProbeOutcome>,
  options: DdminOptions = {},
): Promise<DdminResult> {
  const cache = new Map<string, ProbeOutcome>();
  const budget = options.budget ?? Infinity;
  let probes = 0;
  let best: readonly number[] = Array.from({ length: count }, (_, i) => i);

  const test = async (subset: readonly number[]): Promise<boolean> => {
    const key = subset.join(',');
    let outcome = cache.get(key);
    if (outcome === undefined) {
      if (options.shouldStop?.()) throw new Halt('stopped');
      if (probes >= budget) throw new Halt('budget-exhausted');
      options.onProbe?.({ probe: probes + 1, budget, subset });
      outcome = await probe(subset);
      // Counted once answered: a probe that halted the search was never sent.
      probes += 1;
      cache.set(key, outcome);
    }
    if (outcome === 'inconclusive') throw new Halt('inconclusive');
    if (outcome === 'works' && subset.length < best.length) best = subset;
    return outcome === 'works';
  };

  const search = async (changes: readonly number[], granularity: number): Promise<readonly number[]> => {
    let c = changes;
    let n = granularity;
    while (c.length > 1) {
      const parts = split(c, Math.min(n, c.length));
      let reduced = false;
      for (const part of parts) {
        if (await test(part)) {
          c = part;
          n = 2;
          reduced = true;
          break;
        }
      }
      if (!reduced && parts.length > 2) {
        for (const part of parts) {
          const complement = c.filter((x) => !part.includes(x));
          if (await test(complement)) {
            c = complement;
            n = Math.max(n - 1, 2);
            reduced = true;
            break;
          }
        }
      }
      if (!reduced) {
        if (n >= c.length) break;
        n = Math.min(c.length, n * 2);
      }
    }
    return c;
  };

  try {
    const subset = await search(best, 2);
    return { kind: 'minimal', subset, probes };
  } catch (error) {
    if (error instanceof Halt) return { kind: error.reason, best, probes };
    throw error;
  }
}

/**
 * The naive search the seed report suggests ("change one thing at a time"), kept as the baseline the
 * bench compares ddmin with: from the full working set, remove one change at a time; the changes whose
 * removal breaks the request are the culprits. Always `count` probes. Not part of the library's API
 * (bench/bisect.bench.ts imports it from this file).
 */
export async function leaveOneOut(
  count: number,
  probe: (subset: readonly number[]) => Promise<ProbeOutcome>,
): Promise<{ readonly culprits: readonly number[]; readonly probes: number }> {
  const all = Array.from({ length: count }, (_, i) => i);
  const culprits: number[] = [];
  for (const i of all) {
    if ((await probe(all.filter((x) => x !== i))) !== 'works') culprits.push(i);
  }
  return { culprits, probes: count };
}
