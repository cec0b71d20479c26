/**
 * The simulator's faults during a bisect: a reset or a stall is not a verdict (retried once, then
 * reported), and a working capture that fails on replay is said to, with the likely reason.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange/exchange.js';
import { bisectAgainst, shapeCapture, startSession, type SimSession } from './simulator-support.js';

let session: SimSession;
let web: Exchange[];
let seed: Exchange[];

beforeAll(async () => {
  session = await startSession();
  web = await shapeCapture(session, 'web');
  seed = await shapeCapture(session, 'seed-v4');
});
beforeEach(() => session.sim.setFaults([]));
afterAll(async () => {
  await session?.sim.close();
});

describe('faults during a bisect', () => {
  it('retries a probe whose stream was reset, and still finds the culprits', async () => {
    session.sim.setFaults([{ name: 'reset-mid-stream', endpoint: 'chat.completions', after: 3, times: 1 }]);
    const { result, ids } = await bisectAgainst(session, web, seed);
    expect(ids).toEqual(['body:messages[0].chat_type', 'body:model']);
    const retried = result.log.find((e) => e.retry)!;
    expect(result.log[retried.n - 2]).toMatchObject({
      outcome: 'inconclusive',
      failure: expect.stringMatching(/^transport|truncated/),
    });
  });

  it('ends a stalled probe by its idle timeout and retries it', async () => {
    session.sim.setFaults([{ name: 'stall', endpoint: 'chat.completions', after: 2, times: 1 }]);
    const { result } = await bisectAgainst(session, web, seed, { idleTimeoutMs: 300 });
    expect(result.verdict).toBe('found');
    expect(result.log.filter((e) => e.outcome === 'inconclusive')).toHaveLength(1);
  });

  it('stops as inconclusive when the transport keeps failing, rather than guess', async () => {
    session.sim.setFaults([{ name: 'reset-mid-stream', endpoint: 'chat.completions', after: 3 }]);
    const { result } = await bisectAgainst(session, web, seed);
    expect(result.verdict).toBe('inconclusive');
    expect(result.explanation).toMatch(/twice in a row/);
  });

  it('says the working capture fails now, and why, when the session is refused', async () => {
    session.sim.setFaults([{ name: 'expired-token', endpoint: '*' }]);
    const { result } = await bisectAgainst(session, web, seed);
    expect(result.verdict).toBe('good-fails');
    expect(result.explanation).toMatch(/session expired/);
  });

  it('names a WAF block on the working request as such', async () => {
    session.sim.setFaults([{ name: 'waf-html', endpoint: 'chat.completions' }]);
    const { result } = await bisectAgainst(session, web, seed);
    expect(result).toMatchObject({ verdict: 'good-fails', baseline: { good: { failure: 'waf' } } });
    expect(result.explanation).toMatch(/WAF blocks the replay/);
  });
});
