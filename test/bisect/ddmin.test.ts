import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddmin, leaveOneOut, split, type ProbeOutcome } from '../../src/bisect/ddmin.js';
import { Halt } from '../../src/bisect/halt.js';

/** A probe that works when every culprit is in the subset (interacting culprits). */
function needsAll(culprits: readonly number[]) {
  const calls: number[][] = [];
  const probe = async (subset: readonly number[]): Promise<ProbeOutcome> => {
    calls.push([...subset]);
    return culprits.every((c) => subset.includes(c)) ? 'works' : 'fails';
  };
  return { probe, calls };
}

describe('split', () => {
  it('cuts a list into nearly equal consecutive parts', () => {
    expect(split([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(split([1, 2, 3], 3)).toEqual([[1], [2], [3]]);
  });
});

describe('ddmin', () => {
  it('finds a single culprit among forty changes in few probes', async () => {
    const { probe } = needsAll([17]);
    const result = await ddmin(40, probe, { budget: 64 });
    expect(result).toMatchObject({ kind: 'minimal', subset: [17] });
    expect(result.probes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(40)) + 2);
  });

  it('finds two interacting culprits that only work together', async () => {
    const { probe } = needsAll([3, 31]);
    const result = await ddmin(40, probe, { budget: 64 });
    expect(result).toMatchObject({ kind: 'minimal', subset: [3, 31] });
  });

  it('returns every culprit for any hidden set, and the subset it returns works', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 30 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: Math.min(n, 5) }),
            ),
          ),
        async ([n, culprits]) => {
          const { probe } = needsAll(culprits);
          const result = await ddmin(n, probe, { budget: 10_000 });
          expect(result.kind).toBe('minimal');
          if (result.kind === 'minimal')
            expect([...result.subset].sort((a, b) => a - b)).toEqual([...culprits].sort((a, b) => a - b));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never probes the same subset twice', async () => {
    const { probe, calls } = needsAll([0, 5, 9]);
    await ddmin(12, probe, { budget: 1000 });
    const keys = calls.map((c) => c.join(','));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('stops at the budget and reports the smallest working subset seen so far', async () => {
    const { probe } = needsAll([1, 2, 3, 4]);
    const result = await ddmin(40, probe, { budget: 3 });
    expect(result.kind).toBe('budget-exhausted');
    expect(result.probes).toBe(3);
    if (result.kind !== 'minimal') expect(result.best.length).toBeGreaterThanOrEqual(4);
  });

  it('stops on an inconclusive probe instead of guessing', async () => {
    const result = await ddmin(8, async (s) => (s.length < 8 ? 'inconclusive' : 'works'), { budget: 10 });
    expect(result.kind).toBe('inconclusive');
  });

  it('stops when asked to and keeps what it learned', async () => {
    let n = 0;
    const result = await ddmin(16, async () => 'fails', { budget: 100, shouldStop: () => ++n > 2 });
    expect(result).toMatchObject({ kind: 'stopped', probes: 2 });
  });

  it('without a budget of its own, ends when the probe halts it and keeps the best subset', async () => {
    const { probe } = needsAll([1, 30]);
    let left = 3;
    const result = await ddmin(40, async (subset) => {
      if (left-- === 0) throw new Halt('budget-exhausted');
      return probe(subset);
    });
    expect(result).toMatchObject({ kind: 'budget-exhausted', probes: 3 });
    if (result.kind !== 'minimal') expect(result.best).toEqual(expect.arrayContaining([1, 30]));
  });

  it('reports each probe before it is sent', async () => {
    const seen: number[] = [];
    await ddmin(4, needsAll([2]).probe, { budget: 10, onProbe: ({ probe }) => seen.push(probe) });
    expect(seen).toEqual(seen.map((_, i) => i + 1));
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('leaveOneOut', () => {
  it('finds interacting culprits with one probe per change', async () => {
    const result = await leaveOneOut(10, needsAll([2, 7]).probe);
    expect(result).toEqual({ culprits: [2, 7], probes: 10 });
  });
});
