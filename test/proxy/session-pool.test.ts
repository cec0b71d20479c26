import { describe, expect, it } from 'vitest';
import { SessionPool, type SessionSpec } from '../../src/proxy/session-pool.js';

const spec = (label: string, extra: Partial<SessionSpec> = {}): SessionSpec => ({
  label,
  credentials: { token: `t-${label}` },
  ...extra,
});

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SessionPool', () => {
  it('spreads requests round-robin over the sessions', () => {
    const pool = new SessionPool([spec('a'), spec('b'), spec('c')]);
    expect([1, 2, 3, 4].map(() => pool.pick()?.label)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('sets a rate-limited session aside for the cool-down, then uses it again', () => {
    const c = clock();
    const pool = new SessionPool([spec('a'), spec('b')], { now: c.now, rateLimitCooldownMs: 10_000 });
    pool.coolDown('a', 'rate-limited');
    expect([1, 2].map(() => pool.pick()?.label)).toEqual(['b', 'b']);
    expect(pool.status()[0]).toMatchObject({
      label: 'a',
      available: false,
      reason: 'rate-limited',
      cooldownMs: 10_000,
    });
    c.advance(10_000);
    expect(pool.take('a')?.label).toBe('a');
  });

  it('skips excluded sessions and answers undefined when none is left', () => {
    const pool = new SessionPool([spec('a'), spec('b')]);
    pool.coolDown('b', 'auth');
    expect(pool.pick(new Set(['a']))).toBeUndefined();
    expect(pool.msUntilAvailable()).toBe(0);
  });

  it('reports when the first resting session is back', () => {
    const c = clock();
    const pool = new SessionPool([spec('a'), spec('b')], { now: c.now });
    pool.coolDown('a', 'rate-limited', 5_000);
    pool.coolDown('b', 'rate-limited', 2_000);
    expect(pool.pick()).toBeUndefined();
    expect(pool.msUntilAvailable()).toBe(2_000);
  });

  it('signs a refused session in again and brings it back with the new token', async () => {
    const pool = new SessionPool([spec('a', { refresh: async () => ({ token: 'fresh' }) })]);
    pool.coolDown('a', 'auth');
    await pool.settled();
    expect(pool.pick()?.credentials.token).toBe('fresh');
  });

  it('keeps the cool-down when signing in again fails', async () => {
    const pool = new SessionPool([spec('a', { refresh: async () => Promise.reject(new Error('no')) })]);
    pool.coolDown('a', 'auth');
    await pool.settled();
    expect(pool.pick()).toBeUndefined();
  });

  it('lends a session for side calls without moving the rotation', () => {
    const pool = new SessionPool([spec('a'), spec('b')]);
    expect(pool.peek()?.label).toBe('a');
    expect(pool.pick()?.label).toBe('a');
  });

  it('never puts credentials in its status', () => {
    const pool = new SessionPool([spec('a')]);
    expect(JSON.stringify(pool.status())).not.toContain('t-a');
  });
});
