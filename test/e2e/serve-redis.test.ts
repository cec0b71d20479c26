/**
 * Several `serve` instances sharing one real Redis behave as one service: a conversation started
 * through one continues through another with the right `parent_id`; a cool-down or a captcha met by one
 * is honoured by the other within 100 ms; killing an instance (SIGKILL, as a crash) loses no state;
 * Redis going away answers 503 `redis: ...` without a crash, and service resumes when it is back.
 * This file starts its own redis-server on a free loopback port and stops it.
 */
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { passwordRenewal, signInAccount } from '../../src/proxy/account-sign-in.js';
import {
  RedisState,
  startProxyServer,
  type AccountsView,
  type ProxyServer,
  type SessionSpec,
} from '../../src/proxy/index.js';
import { expectedAnswer, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { spawnCli, type SpawnedCli } from '../support/spawn-cli.js';

const USERS = ['ana', 'ben'].map((name) => ({ email: `${name}@team.test`, password: `${name}-password` }));
const KEY = 'shared-key';

let sim: RunningSimulator;
let redis: TestRedis;
const running: { proxy: ProxyServer; store: RedisState }[] = [];
const children: SpawnedCli[] = [];
let prefixes = 0;

async function specs(target: string): Promise<SessionSpec[]> {
  return Promise.all(
    USERS.map(async (u) => {
      const { warnings: _w, ...credentials } = await signInAccount(target, u.email, u.password);
      return { label: u.email, credentials, refresh: passwordRenewal(target, u.email, u.password) };
    }),
  );
}

/** One in-process instance on its own Redis connection; `prefix` keeps each test's keys apart. */
async function instance(prefix: string): Promise<{ proxy: ProxyServer; store: RedisState; client: OpenAI }> {
  const store = await RedisState.connect({ url: redis.url, prefix });
  const proxy = await startProxyServer({
    target: sim.url,
    port: 0,
    apiKeys: [KEY],
    sessions: await specs(sim.url),
    store,
  });
  running.push({ proxy, store });
  return { proxy, store, client: new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: KEY, maxRetries: 0 }) };
}

async function admin(url: string): Promise<AccountsView> {
  const res = await fetch(`${url}/admin/accounts`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as AccountsView;
}

const ask = (client: OpenAI, messages: OpenAI.ChatCompletionMessageParam[]) =>
  client.chat.completions.create({ model: 'qwen3-max', messages });

beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startSimulator({ port: 0, chunkIntervalMs: 1, users: USERS });
});
afterEach(async () => {
  sim.setFaults([]);
  for (const { proxy, store } of running.splice(0)) {
    await proxy.close();
    await store.close();
  }
  for (const child of children.splice(0)) {
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGTERM');
    await child.exit;
  }
});
afterAll(async () => {
  await sim?.close();
  await redis?.close();
});

describe('two serve instances with one Redis', () => {
  it('continues a conversation started through A through B, with the right parent_id', async () => {
    const prefix = `t${++prefixes}:`;
    const a = await instance(prefix);
    const b = await instance(prefix);
    const first = await ask(a.client, [{ role: 'user', content: 'started on A' }]);
    const chats = sim.state.chats.size;
    const history: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'started on A' },
      { role: 'assistant', content: first.choices[0]!.message.content! },
      { role: 'user', content: 'continued on B' },
    ];
    const second = await ask(b.client, history);
    // The simulator refuses a turn whose parent is not the chat's last response (rule parent-mismatch).
    expect(second.choices[0]?.message.content).toBe(expectedAnswer('continued on B').answer);
    expect(sim.state.chats.size).toBe(chats);
    // And back on A for a third turn.
    const third = await ask(a.client, [
      ...history,
      { role: 'assistant', content: second.choices[0]!.message.content! },
      { role: 'user', content: 'back on A' },
    ]);
    expect(third.choices[0]?.message.content).toBe(expectedAnswer('back on A').answer);
    expect(sim.state.chats.size).toBe(chats);
  });

  it.each([
    { fault: 'rate-limited', reason: 'rate-limited', state: 'cooling-down' },
    { fault: 'captcha', reason: 'captcha', state: 'captcha' },
  ] as const)('honours on B, within 100 ms, the $state that A set after a $fault answer', async (c) => {
    const prefix = `t${++prefixes}:`;
    const a = await instance(prefix);
    const b = await instance(prefix);
    sim.setFaults([{ name: c.fault, times: 1 }]);
    await ask(a.client, [{ role: 'user', content: `ana meets ${c.fault}, ben answers` }]);
    const setAside = a.proxy.handler.pool.status().find((s) => !s.available)!;
    expect(setAside).toMatchObject({ label: USERS[0]!.email, reason: c.reason });
    // A wrote and published the rest as it set it; B applies what A publishes.
    const seenBy = Date.now() + 100;
    while (b.proxy.handler.pool.status().every((s) => s.available) && Date.now() < seenBy)
      await new Promise((r) => setTimeout(r, 2));
    expect(b.proxy.handler.pool.status().find((s) => s.label === setAside.label)).toMatchObject({
      available: false,
      reason: c.reason,
    });
    // B sends nothing to the account set aside: ben takes the request (the fault is spent, so ana would answer too).
    await ask(b.client, [{ role: 'user', content: `B picks ben after ${c.fault}` }]);
    const view = await admin(b.proxy.url);
    expect(view.instances).toBe(2);
    expect(view.accounts.map((x) => [x.label, x.state, x.requests])).toEqual([
      [USERS[0]!.email, c.state, 1],
      [USERS[1]!.email, 'ready', 2],
    ]);
  });

  it('loses no state when an instance is killed: the others carry on, a new one sees it all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qwen-probe-accounts-'));
    try {
      const file = join(dir, 'team.yaml');
      await writeFile(
        file,
        `accounts:\n${USERS.map((u) => `  - email: ${u.email}\n    password: ${u.password}\n`).join('')}`,
        { mode: 0o600 },
      );
      const prefix = `t${++prefixes}:`;
      const start = () => {
        const cli = spawnCli([
          'serve',
          '--target',
          sim.url,
          '--accounts',
          file,
          '--redis',
          redis.url,
          '--redis-prefix',
          prefix,
          '--port',
          '0',
          '--api-key',
          KEY,
        ]);
        children.push(cli);
        return cli;
      };
      const [a, b] = [start(), start()];
      const urlA = (await a.waitForLine(/^listening on (\S+)/, 60_000))[1]!;
      const urlB = (await b.waitForLine(/^listening on (\S+)/, 60_000))[1]!;
      const clientA = new OpenAI({ baseURL: `${urlA}/v1`, apiKey: KEY, maxRetries: 0 });
      const clientB = new OpenAI({ baseURL: `${urlB}/v1`, apiKey: KEY, maxRetries: 0 });
      sim.setFaults([{ name: 'rate-limited', times: 1 }]);
      const first = await ask(clientA, [{ role: 'user', content: 'before the crash' }]);
      const chats = sim.state.chats.size;
      a.child.kill('SIGKILL');
      await a.exit;
      const second = await ask(clientB, [
        { role: 'user', content: 'before the crash' },
        { role: 'assistant', content: first.choices[0]!.message.content! },
        { role: 'user', content: 'after the crash' },
      ]);
      expect(second.choices[0]?.message.content).toBe(expectedAnswer('after the crash').answer);
      expect(sim.state.chats.size).toBe(chats);
      // A new instance reads the cool-down A set before it died, and the counters of both.
      const c = start();
      const urlC = (await c.waitForLine(/^listening on (\S+)/, 60_000))[1]!;
      const view = await admin(urlC);
      expect(view.accounts.map((x) => [x.label, x.state])).toEqual([
        [USERS[0]!.email, 'cooling-down'],
        [USERS[1]!.email, 'ready'],
      ]);
      expect(view.accounts.reduce((n, x) => n + x.requests, 0)).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers 503 "redis: ..." while Redis is down, does not crash, and resumes when it is back', async () => {
    const prefix = `t${++prefixes}:`;
    const a = await instance(prefix);
    const first = await ask(a.client, [{ role: 'user', content: 'before the outage' }]);
    await redis.stop();
    try {
      for (let i = 0; i < 100 && !a.store.problem(); i++) await new Promise((r) => setTimeout(r, 20));
      const error = await ask(a.client, [{ role: 'user', content: 'during the outage' }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      const api = error as InstanceType<typeof OpenAI.APIError>;
      expect(api.status).toBe(503);
      expect(api.message).toMatch(/redis: /);
      expect((await fetch(`${a.proxy.url}/health`)).status).toBe(200); // alive
    } finally {
      await redis.restart();
    }
    for (let i = 0; i < 250 && a.store.problem(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(a.store.problem()).toBeUndefined();
    // The conversation remembered before the outage is still there (Redis kept its data).
    const chats = sim.state.chats.size;
    const second = await ask(a.client, [
      { role: 'user', content: 'before the outage' },
      { role: 'assistant', content: first.choices[0]!.message.content! },
      { role: 'user', content: 'after the outage' },
    ]);
    expect(second.choices[0]?.message.content).toBe(expectedAnswer('after the outage').answer);
    expect(sim.state.chats.size).toBe(chats);
  });
});
