/**
 * A pool of three accounts on the simulator, through the official openai SDK: one gets rate-limited,
 * one gets the captcha, one is fine. Requests go to the fine one, `/admin/accounts` (and `qwen-probe
 * accounts`) say why the others are out, and they come back when their time is up (the pool's clock
 * is injected, so "4 hours later" is one call). Also: quotas read from `entitlement_quota` in the
 * 2026 era and routing away from an account with none left, token renewal by `auths/refresh`, and
 * the chats of expired conversations deleted upstream.
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderAccounts, runAccounts } from '../../src/cli/accounts.js';
import { passwordRenewal, signInAccount } from '../../src/proxy/account-sign-in.js';
import { startProxyServer, type AccountsView, type ProxyServer, type SessionSpec } from '../../src/proxy/index.js';
import {
  expectedAnswer,
  QWEN_2025_10,
  startSimulator,
  TURN_RULES_2026_09,
  type RunningSimulator,
} from '../../src/simulator/index.js';
import type { SimulatorProfile } from '../../src/simulator/profile-schema.js';

const USERS = ['ana', 'ben', 'cy'].map((name) => ({ email: `${name}@team.test`, password: `${name}-password` }));
const KEY = 'team-key';

let sim: RunningSimulator;
let proxy: ProxyServer | undefined;

async function specs(target: string, users = USERS): Promise<SessionSpec[]> {
  return Promise.all(
    users.map(async (u) => {
      const { warnings: _w, ...credentials } = await signInAccount(target, u.email, u.password);
      return { label: u.email, credentials, refresh: passwordRenewal(target, u.email, u.password) };
    }),
  );
}

function clock() {
  let t = Date.now();
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function admin(url: string): Promise<AccountsView> {
  const res = await fetch(`${url}/admin/accounts`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as AccountsView;
}

const byLabel = (view: AccountsView, label: string) => view.accounts.find((a) => a.label === label)!;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 1, users: USERS });
});
afterEach(async () => {
  sim.setFaults([]);
  await proxy?.close();
  proxy = undefined;
});
afterAll(async () => {
  await sim?.close();
});

describe('a pool of three accounts: one rate-limited, one captcha’d, one fine', () => {
  it('sends requests to the fine one, shows why the others are out, and takes them back when their time is up', async () => {
    const c = clock();
    proxy = await startProxyServer({
      target: sim.url,
      port: 0,
      apiKeys: [KEY],
      sessions: await specs(sim.url),
      cooldowns: { now: c.now, captchaCooldownMs: 30 * 60_000 },
    });
    // The first completion (ana's, first in the rotation) is rate-limited (`num` 4 hours), the second
    // (ben's, the retry) gets the captcha JSON; cy answers.
    sim.setFaults([
      { name: 'rate-limited', times: 1 },
      { name: 'captcha', after: 1, times: 1 },
    ]);
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const first = await client.chat.completions.create({
      model: 'qwen3-max',
      messages: [{ role: 'user', content: 'who answers?' }],
    });
    expect(first.choices[0]?.message.content).toBe(expectedAnswer('who answers?').answer);

    let view = await admin(proxy.url);
    const [ana, ben, cy] = USERS.map((u) => byLabel(view, u.email));
    expect(ana).toMatchObject({ state: 'cooling-down', lastFailure: { kind: 'rate-limited' } });
    expect(Date.parse(ana!.until!) - c.now()).toBe(4 * 3600_000);
    expect(ben).toMatchObject({ state: 'captcha', lastFailure: { kind: 'waf' } });
    expect(ben!.lastFailure!.message).toContain('FAIL_SYS_USER_VALIDATE');
    expect(ben!.hint).toContain('qwen-probe login');
    expect(ben!.hint).toContain('--headed');
    expect(cy).toMatchObject({ state: 'ready', requests: 1, failures: 0 });
    expect(JSON.stringify(view)).not.toMatch(/password|eyJ/); // no secret, no token

    // Every further request goes to cy, the one in the rotation.
    for (const n of [1, 2, 3]) {
      const answer = await client.chat.completions.create({
        model: 'qwen3-max',
        messages: [{ role: 'user', content: `again ${n}` }],
      });
      expect(answer.choices[0]?.message.content).toBe(expectedAnswer(`again ${n}`).answer);
    }
    view = await admin(proxy.url);
    expect(byLabel(view, USERS[2]!.email).requests).toBe(4);
    expect(byLabel(view, USERS[0]!.email).requests).toBe(1);
    expect(byLabel(view, USERS[1]!.email).requests).toBe(1);

    // `qwen-probe accounts` prints the same, one line each, and why the others are out.
    const lines: string[] = [];
    const code = await runAccounts(
      { serve: proxy.url, 'api-key': KEY, json: false },
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    );
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^ACCOUNT\s+STATE\s+QUOTA LEFT\s+IN FLIGHT\s+LAST FAILURE$/);
    expect(lines.find((l) => l.startsWith('ana@team.test '))).toMatch(
      /cooling-down \(back in (4h 0m|3h 59m)\).*rate-limited/,
    );
    expect(lines.find((l) => l.startsWith('ben@team.test '))).toMatch(/captcha \(back in (30m 0s|29m 5\ds)\).*waf/);
    expect(lines.find((l) => l.startsWith('cy@team.test '))).toMatch(/ready/);
    expect(lines.some((l) => l.startsWith('ben@team.test: hint: solve the captcha'))).toBe(true);

    // Their time is up: the captcha'd account after its rest, the rate-limited one after 4 hours.
    c.advance(30 * 60_000);
    view = await admin(proxy.url);
    expect(byLabel(view, USERS[1]!.email).state).toBe('ready');
    expect(byLabel(view, USERS[0]!.email).state).toBe('cooling-down');
    c.advance(4 * 3600_000);
    view = await admin(proxy.url);
    expect(view.accounts.map((a) => a.state)).toEqual(['ready', 'ready', 'ready']);
    // And the rotation uses them again.
    for (const n of [1, 2, 3])
      await client.chat.completions.create({ model: 'qwen3-max', messages: [{ role: 'user', content: `back ${n}` }] });
    view = await admin(proxy.url);
    expect(view.accounts.map((a) => a.requests)).toEqual([2, 2, 5]);
  });

  it('disables an account after repeated auth failures, and says so', async () => {
    proxy = await startProxyServer({
      target: sim.url,
      port: 0,
      apiKeys: [KEY],
      sessions: [
        // A token the upstream refuses and a sign-in that keeps failing.
        { label: 'broken', credentials: { token: 'not-a-jwt' }, refresh: () => Promise.reject(new Error('refused')) },
        ...(await specs(sim.url)).slice(0, 1),
      ],
      cooldowns: { authCooldownMs: 0 },
    });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: KEY, maxRetries: 0 });
    // Each request that meets the broken account counts one refusal and one failed sign-in.
    for (let n = 0; n < 6; n++) {
      await client.chat.completions.create({ model: 'qwen3-max', messages: [{ role: 'user', content: `try ${n}` }] });
      await proxy.handler.pool.settled();
    }
    const broken = byLabel(await admin(proxy.url), 'broken');
    expect(broken).toMatchObject({ state: 'disabled', authFailures: 3 });
    expect(broken.hint).toContain('restart serve');
  });

  it('refuses /admin/accounts without the key, and when serve has no key at all', async () => {
    proxy = await startProxyServer({ target: sim.url, port: 0, apiKeys: [KEY], sessions: await specs(sim.url) });
    expect((await fetch(`${proxy.url}/admin/accounts`)).status).toBe(401);
    expect((await fetch(`${proxy.url}/admin/accounts`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
    await proxy.close();
    proxy = await startProxyServer({ target: sim.url, port: 0, sessions: await specs(sim.url) });
    const res = await fetch(`${proxy.url}/admin/accounts`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('admin_needs_api_key');
  });
});

describe('chats of expired conversations', () => {
  it('deletes the upstream chat once its conversation TTL is over, and the history then starts a new chat', async () => {
    const c = clock();
    proxy = await startProxyServer({
      target: sim.url,
      port: 0,
      sessions: (await specs(sim.url)).slice(0, 1),
      chatTtlMs: 60_000,
      chatReapIntervalMs: 3_600_000, // swept by hand below
      cooldowns: { now: c.now },
    });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const first = await client.chat.completions.create({
      model: 'qwen3-max',
      messages: [{ role: 'user', content: 'ttl' }],
    });
    const chats = sim.state.chats.size;
    expect(await proxy.handler.reaper.sweep()).toBe(0);
    c.advance(60_000);
    expect(await proxy.handler.reaper.sweep()).toBe(1);
    expect(sim.state.chats.size).toBe(chats - 1);
    // The conversation is forgotten with its chat: the next turn opens a new, folded chat.
    const second = await client.chat.completions.create({
      model: 'qwen3-max',
      messages: [
        { role: 'user', content: 'ttl' },
        { role: 'assistant', content: first.choices[0]!.message.content! },
        { role: 'user', content: 'still there?' },
      ],
    });
    expect(second.choices[0]?.message.content).toContain('User: ttl');
    expect(sim.state.chats.size).toBe(chats);
  });
});

/** The 2026-09 era's endpoints (quota, refresh) with the 2025-10 rules, so the `web` shape is answered. */
const QUOTA_PROFILE: SimulatorProfile = {
  ...QWEN_2025_10,
  name: 'quota-test',
  era: 'qwen-2026-09',
  quota: { timesPerModel: 2, userTier: 'free' },
  rules: [...TURN_RULES_2026_09.filter((r) => r.name === 'quota-exhausted'), ...QWEN_2025_10.rules],
};

describe('quotas and token renewal in the 2026 era', () => {
  let sim26: RunningSimulator;
  beforeAll(async () => {
    sim26 = await startSimulator({ port: 0, chunkIntervalMs: 1, users: USERS.slice(0, 2), profile: QUOTA_PROFILE });
  });
  afterAll(async () => {
    await sim26?.close();
  });

  it('reads each account’s quota, counts it down, and routes away from an account with none left', async () => {
    const sessions = await specs(sim26.url, USERS.slice(0, 2));
    proxy = await startProxyServer({ target: sim26.url, port: 0, apiKeys: [KEY], sessions });
    let view = await admin(proxy.url);
    expect(view.accounts[0]!.quota).toMatchObject({ tier: 'free', models: { 'qwen3-max': { left: 2, limit: 2 } } });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const ask = (n: number) =>
      client.chat.completions.create({ model: 'qwen3-max', messages: [{ role: 'user', content: `quota ${n}` }] });
    for (const n of [1, 2, 3, 4]) await ask(n);
    view = await admin(proxy.url);
    expect(view.accounts.map((a) => a.quota?.models['qwen3-max']?.left)).toEqual([0, 0]);
    expect(view.accounts.map((a) => a.requests)).toEqual([2, 2]);
    // No quota left anywhere: a 429 that says so, and the upstream is not asked.
    const before = sim26.state.requests['chat.completions'];
    const error = await ask(5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('quota_exhausted');
    expect(sim26.state.requests['chat.completions']).toBe(before);
  });

  it('renews a token with auths/refresh before it expires', async () => {
    const short = await startSimulator({
      port: 0,
      chunkIntervalMs: 1,
      users: USERS.slice(0, 1),
      profile: QUOTA_PROFILE,
      tokenTtlSeconds: 3,
    });
    try {
      const sessions = await specs(short.url, USERS.slice(0, 1));
      expect(sessions[0]!.credentials.refreshToken).toBeDefined();
      proxy = await startProxyServer({ target: short.url, port: 0, sessions, readQuota: false });
      const before = short.state.requests['auths.refresh'] ?? 0;
      // The first token lives 3 s; renewal comes a fifth of its life before that.
      for (let i = 0; i < 100 && (short.state.requests['auths.refresh'] ?? 0) === before; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(short.state.requests['auths.refresh']).toBeGreaterThan(before);
      await new Promise((r) => setTimeout(r, 1_000)); // past the first token's expiry
      const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const answer = await client.chat.completions.create({
        model: 'qwen3-max',
        messages: [{ role: 'user', content: 'still signed in' }],
      });
      expect(answer.choices[0]?.message.content).toBe(expectedAnswer('still signed in').answer);
      expect(short.state.requests['auths.signin'] ?? 0).toBe(0);
    } finally {
      await proxy?.close();
      proxy = undefined;
      await short.close();
    }
  });
});

describe('renderAccounts', () => {
  it('prints one line per account and the hint of each account that is out', () => {
    const now = Date.parse('2026-09-01T10:00:00Z');
    const lines = renderAccounts(
      {
        state: 'redis',
        instances: 2,
        accounts: [
          {
            label: 'a@x',
            state: 'cooling-down',
            weight: 1,
            until: '2026-09-01T17:00:00.000Z',
            inFlight: 0,
            requests: 3,
            failures: 1,
            authFailures: 0,
            quota: { tier: 'free', readAt: '2026-09-01T09:00:00.000Z', models: { m1: { left: 0, limit: 100 } } },
            lastFailure: {
              kind: 'rate-limited',
              message: 'Upstream rate-limited the account.',
              at: '2026-09-01T09:59:00.000Z',
            },
            hint: 'back later',
          },
          { label: 'b@x', state: 'ready', weight: 2, inFlight: 3, requests: 9, failures: 0, authFailures: 0 },
        ],
      },
      now,
    );
    expect(lines).toEqual([
      'ACCOUNT  STATE                         QUOTA LEFT  IN FLIGHT  LAST FAILURE',
      'a@x      cooling-down (back in 7h 0m)  0/100       0          rate-limited 1m 0s ago',
      'b@x      ready                         -           3          -',
      'a@x: Upstream rate-limited the account.',
      'a@x: hint: back later',
      '2 accounts, 1 ready; state in redis, shared by 2 instances',
    ]);
  });
});
