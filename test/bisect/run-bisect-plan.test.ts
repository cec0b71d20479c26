/** The bisect of two captures as a library runs it, against the simulator: no CLI, no output, progress as events. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { planCaptures } from '../../src/bisect/bisect-captures.js';
import { runBisectPlan, type LiveBisectProgress } from '../../src/bisect/run-bisect-plan.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { shapeCapture, startSession, type SimSession } from './simulator-support.js';

let session: SimSession;
let web: Exchange[];
let seed: Exchange[];

beforeAll(async () => {
  session = await startSession();
  web = await shapeCapture(session, 'web');
  seed = await shapeCapture(session, 'seed-v4');
});
afterAll(async () => {
  await session?.sim.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('runBisectPlan', () => {
  it('finds the culprits of two captures, telling its progress as events and printing nothing', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    const events: LiveBisectProgress[] = [];
    const sent: Exchange[] = [];
    const { plan } = planCaptures(web, seed);
    const result = await runBisectPlan(plan, [...web, ...seed], {
      target: session.sim.url,
      credentials: session.credentials,
      required: false,
      onProgress: (event) => events.push(event),
      onExchange: (exchange) => sent.push(exchange),
    });

    expect(result.verdict).toBe('found');
    expect(result.culprits.map((c) => c.id).sort()).toEqual(['body:messages[0].chat_type', 'body:model']);
    expect(events[0]).toEqual({ kind: 'plan', plan });
    const ends = events.flatMap((e) => (e.kind === 'probe-end' ? [e.entry] : []));
    expect(ends).toEqual(result.log);
    const starts = events.flatMap((e) => (e.kind === 'probe-start' ? [e.n] : []));
    expect(starts).toEqual(result.log.map((e) => e.n));
    expect(events).toContainEqual({ kind: 'phase', message: 'checking that the working request still works' });
    // Every probe in a fresh chat: a chats/new and a completion each.
    expect(sent.filter((e) => e.endpoint === 'chats.new')).toHaveLength(result.probes);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
  });

  it('ends as stopped, with the best set seen so far, when its signal aborts a probe in flight', async () => {
    const controller = new AbortController();
    const { plan } = planCaptures(web, seed);
    const result = await runBisectPlan(plan, [...web, ...seed], {
      target: session.sim.url,
      credentials: session.credentials,
      signal: controller.signal,
      // Probe 4 (the first search probe) works with half the differences; abort probe 5 as it goes out.
      onProgress: (event) => {
        if (event.kind === 'probe-start' && event.n === 5) controller.abort();
      },
    });

    expect(result.verdict).toBe('stopped');
    expect(result.log).toHaveLength(5);
    expect(result.log[4]).toMatchObject({ outcome: 'inconclusive' });
    expect(result.culprits.length).toBeGreaterThan(2);
    expect(result.culprits.map((c) => c.id)).toEqual(
      expect.arrayContaining(['body:messages[0].chat_type', 'body:model']),
    );
    expect(result.explanation).toMatch(/^Stopped on request after 5 probes of 64; best set so far: /);
  });
});
