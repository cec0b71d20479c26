import { describe, expect, it } from 'vitest';
import { bisectRequests, type BisectOptions } from '../../src/bisect/bisect-requests.js';
import type { BisectChange, ProbeVerdict } from '../../src/bisect/bisect-result.js';

/** Forty changes `c0`..`c39`; a "request" is the set of change ids applied. */
const changes: BisectChange[] = Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, label: `field ${i}` }));
type Req = ReadonlySet<string>;

/**
 * A server that checks culprits in order, like the simulator's rules: the first culprit missing
 * names the failure. `good` is every change applied.
 */
function orderedServer(culprits: readonly string[]) {
  const sent: Req[] = [];
  const probe = async (request: Req): Promise<ProbeVerdict> => {
    sent.push(request);
    const missing = culprits.find((c) => !request.has(c));
    return missing
      ? { outcome: 'fails', failure: `needs-${missing}`, explanation: `${missing} is missing.` }
      : { outcome: 'works', explanation: 'It answered.' };
  };
  return { probe, sent };
}

function options(
  probe: (r: Req) => Promise<ProbeVerdict>,
  extra: Partial<BisectOptions<BisectChange, Req>> = {},
): BisectOptions<BisectChange, Req> {
  return {
    changes,
    apply: (subset) => new Set(subset.map((c) => c.id)),
    probe,
    good: new Set(changes.map((c) => c.id)),
    ...extra,
  };
}

describe('bisectRequests', () => {
  it('finds and confirms a single culprit among forty changes', async () => {
    const { probe } = orderedServer(['c17']);
    const result = await bisectRequests(options(probe));
    expect(result.verdict).toBe('found');
    expect(result.culprits.map((c) => c.id)).toEqual(['c17']);
    expect(result.withoutEach).toEqual({ c17: 'needs-c17' });
    expect(result.explanation).toMatch(/The culprit is field 17/);
  });

  it('finds interacting culprits and shows how the failure moves as each is added', async () => {
    const { probe } = orderedServer(['c30', 'c4', 'c12']);
    const result = await bisectRequests(options(probe, { budget: 128, required: undefined }));
    expect(result.verdict).toBe('found');
    expect(result.culprits.map((c) => c.id)).toEqual(['c4', 'c12', 'c30']);
    expect(result.transitions.map((t) => [t.added, t.from, t.to])).toEqual([
      ['c30', 'needs-c30', 'needs-c4'],
      ['c4', 'needs-c4', 'needs-c12'],
      ['c12', 'needs-c12', 'works'],
    ]);
    expect(result.transitions[0]!.explanation).toBe('Adding field 30 moved the failure from needs-c30 to needs-c4.');
  });

  it('spends far fewer probes on the culprits than trying each change alone', async () => {
    const { probe } = orderedServer(['c3', 'c31']);
    const result = await bisectRequests(options(probe, { required: undefined }));
    expect(result.culpritProbes).toBeLessThan(result.naiveProbes);
    expect(result.naiveProbes).toBe(40);
  });

  it('says good-fails, with a hint, when the working request fails now', async () => {
    const probe = async (): Promise<ProbeVerdict> => ({
      outcome: 'fails',
      failure: 'auth',
      explanation: 'Token refused.',
    });
    const result = await bisectRequests(options(probe));
    expect(result).toMatchObject({ verdict: 'good-fails', probes: 1, culprits: [] });
    expect(result.explanation).toMatch(/session expired/);
  });

  it('says bad-passes when the failing request already works', async () => {
    const probe = async (): Promise<ProbeVerdict> => ({ outcome: 'works', explanation: 'It answered.' });
    const result = await bisectRequests(options(probe));
    expect(result).toMatchObject({ verdict: 'bad-passes', probes: 2 });
  });

  it('says not-found when even all changes together fail', async () => {
    const probe = async (r: Req): Promise<ProbeVerdict> =>
      r.has('good')
        ? { outcome: 'works', explanation: '' }
        : { outcome: 'fails', failure: 'waf', explanation: 'Blocked.' };
    const result = await bisectRequests(options(probe, { good: new Set([...changes.map((c) => c.id), 'good']) }));
    expect(result.verdict).toBe('not-found');
    expect(result.explanation).toMatch(/outside the compared fields/);
  });

  it('stops at the budget with the best set seen so far', async () => {
    const { probe, sent } = orderedServer(['c3', 'c31']);
    const result = await bisectRequests(options(probe, { budget: 6 }));
    expect(result.verdict).toBe('budget-exhausted');
    expect(sent).toHaveLength(6);
    expect(result.explanation).toMatch(/Raise --budget/);
  });

  it('retries an inconclusive probe once and goes on when the retry answers', async () => {
    const { probe: server } = orderedServer(['c5']);
    let flaky = 2;
    const probe = async (r: Req): Promise<ProbeVerdict> =>
      r.size < 40 && r.size > 1 && flaky-- > 1
        ? { outcome: 'inconclusive', failure: 'transport:ECONNRESET', explanation: 'Reset.' }
        : server(r);
    const result = await bisectRequests(options(probe, { required: undefined }));
    expect(result.verdict).toBe('found');
    expect(result.log.filter((e) => e.retry)).toHaveLength(1);
  });

  it('stops as inconclusive when a probe fails twice without a verdict', async () => {
    const { probe: server } = orderedServer(['c5']);
    const probe = async (r: Req): Promise<ProbeVerdict> =>
      r.size > 1 && r.size < 40 ? { outcome: 'inconclusive', failure: 'truncated', explanation: 'Cut.' } : server(r);
    const result = await bisectRequests(options(probe));
    expect(result.verdict).toBe('inconclusive');
    expect(result.explanation).toMatch(/twice in a row \(truncated\)/);
  });

  it('returns what was learned when asked to stop mid-search', async () => {
    const { probe, sent } = orderedServer(['c3']);
    const result = await bisectRequests(options(probe, { shouldStop: () => sent.length >= 5 }));
    expect(result.verdict).toBe('stopped');
    expect(result.log).toHaveLength(5);
  });

  it('keeps the best set seen so far when the stop comes during the pause between probes', async () => {
    const { probe, sent } = orderedServer(['c3']);
    let stop = false;
    const result = await bisectRequests(
      options(probe, {
        delayMs: 100,
        shouldStop: () => stop,
        // Ctrl-C while waiting before probe 5: probe 4 (half the changes) has worked.
        sleep: async () => void (stop = sent.length >= 4),
      }),
    );
    expect(result.verdict).toBe('stopped');
    expect(sent).toHaveLength(4);
    expect(result.culprits.map((c) => c.id)).toEqual(changes.slice(0, 20).map((c) => c.id));
  });

  it('ends as stopped, not inconclusive, when the stop cuts a probe short', async () => {
    const { probe: server, sent } = orderedServer(['c3']);
    let stop = false;
    const probe = async (r: Req): Promise<ProbeVerdict> => {
      if (sent.length < 4) return server(r);
      stop = true; // the abort lands while the probe is in flight
      return { outcome: 'inconclusive', failure: 'transport:ABORTED', explanation: 'Aborted.' };
    };
    const result = await bisectRequests(options(probe, { shouldStop: () => stop }));
    expect(result.verdict).toBe('stopped');
    expect(result.log.filter((e) => e.retry)).toHaveLength(0);
    expect(result.culprits).toHaveLength(20);
  });

  it('pauses between probes, never before the first', async () => {
    const { probe } = orderedServer(['c3']);
    const pauses: number[] = [];
    const result = await bisectRequests(
      options(probe, { delayMs: 250, required: undefined, sleep: async (ms) => void pauses.push(ms) }),
    );
    expect(pauses.reduce((a, b) => a + b, 0)).toBe(250 * (result.probes - 1));
  });

  it('finds the fields the working request needs by removing groups of them', async () => {
    const { probe } = orderedServer(['c3']);
    const fields = Array.from({ length: 32 }, (_, i) => ({ id: `f${i}`, label: `f${i}` }));
    const needed = new Set(['f2', 'f20']);
    const withFields = async (r: Req): Promise<ProbeVerdict> => {
      const removed = [...needed].filter((f) => r.has(`-${f}`));
      return removed.length > 0 ? { outcome: 'fails', failure: `needs-${removed[0]}`, explanation: '' } : probe(r);
    };
    const result = await bisectRequests(
      options(withFields, {
        required: {
          candidates: fields,
          without: (ids) => new Set([...changes.map((c) => c.id), ...ids.map((id) => `-${id}`)]),
        },
      }),
    );
    expect(result.required.map((r) => r.id)).toEqual(['f2', 'f20']);
    expect(result.requiredStatus).toBe('complete');
    expect(result.probes - result.culpritProbes).toBeLessThan(fields.length);
  });
});
