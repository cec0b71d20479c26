/**
 * Debian's nginx (scripts/setup.sh installs it) with the configuration of docs/serve.md,
 * taken from the page as written (only ports and paths swapped for the test's), in front of three
 * `serve` instances sharing one Redis (a redis-server of this file's own), in front of the
 * simulator. Streams come through event by event, a conversation continues whichever instance
 * nginx picks, every instance takes requests, and a stopped instance is routed around.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { passwordRenewal, signInAccount } from '../../src/proxy/account-sign-in.js';
import { RedisState, startProxyServer, type AccountsView, type ProxyServer } from '../../src/proxy/index.js';
import { expectedAnswer, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/** Debian's nginx (scripts/setup.sh installs it); /usr/sbin is not on every user's PATH. */
const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const DOC = new URL('../../docs/serve.md', import.meta.url);
const KEY = 'nginx-key';
const USERS = ['ana', 'ben'].map((n) => ({ email: `${n}@team.test`, password: `${n}-password` }));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The ```nginx block of docs/serve.md with the instance ports and the listen port replaced. */
async function docConfig(instancePorts: readonly number[], listen: number, prefix: string): Promise<string> {
  const doc = await readFile(DOC, 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/serve.md has no nginx block');
  let config = block;
  [3001, 3002, 3003].forEach(
    (port, i) => (config = config.replace(`127.0.0.1:${port}`, `127.0.0.1:${instancePorts[i]}`)),
  );
  config = config.replace('listen 8080;', `listen 127.0.0.1:${listen};`);
  // Run as this user, with its pid, logs and temporary files in the test's folder.
  return `pid ${prefix}/nginx.pid;\nerror_log ${prefix}/error.log;\n${config.replace(
    'http {',
    `http {\n    access_log ${prefix}/access.log;\n    client_body_temp_path ${prefix}/body;\n    proxy_temp_path ${prefix}/proxy;\n    fastcgi_temp_path ${prefix}/fastcgi;\n    uwsgi_temp_path ${prefix}/uwsgi;\n    scgi_temp_path ${prefix}/scgi;`,
  )}`;
}

describe('the nginx set-up of docs/serve.md', () => {
  let sim: RunningSimulator;
  let redis: TestRedis;
  let dir: string;
  let nginx: ChildProcess;
  let base: string;
  const instances: { proxy: ProxyServer; store: RedisState }[] = [];

  beforeAll(async () => {
    if (!existsSync(NGINX))
      throw new Error(`no nginx at ${NGINX}: install it with scripts/setup.sh (or set NGINX_BIN)`);
    redis = await startTestRedis();
    sim = await startSimulator({ port: 0, chunkIntervalMs: 5, users: USERS });
    for (let i = 0; i < 3; i++) {
      const store = await RedisState.connect({ url: redis.url });
      const sessions = await Promise.all(
        USERS.map(async (u) => {
          const { warnings: _w, ...credentials } = await signInAccount(sim.url, u.email, u.password);
          return { label: u.email, credentials, refresh: passwordRenewal(sim.url, u.email, u.password) };
        }),
      );
      instances.push({
        proxy: await startProxyServer({ target: sim.url, port: 0, apiKeys: [KEY], sessions, store }),
        store,
      });
    }
    dir = await mkdtemp(join(tmpdir(), 'qwen-probe-nginx-'));
    const listen = await freePort();
    const ports = instances.map((x) => Number(new URL(x.proxy.url).port));
    await writeFile(join(dir, 'nginx.conf'), await docConfig(ports, listen, dir));
    const check = spawn(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
    let checkOutput = '';
    check.stderr!.on('data', (d: Buffer) => (checkOutput += d.toString()));
    expect(await new Promise((r) => check.once('exit', r)), checkOutput).toBe(0);
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    base = `http://127.0.0.1:${listen}`;
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterEach(() => sim.setFaults([]));
  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGQUIT');
      await new Promise((r) => nginx.once('exit', r));
    }
    for (const { proxy, store } of instances) {
      await proxy.close();
      await store.close();
    }
    await sim?.close();
    await redis?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes each event on as it comes: the first words reach the client while the upstream is still answering', async () => {
    // The upstream sends its first events, then holds the stream open with nothing more: through a
    // proxy that held the response back the client would see nothing until serve gave up on the silence (60 s).
    sim.setFaults([{ name: 'stall', times: 1 }]);
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0 });
    const prompt = 'through nginx [[words=40]]';
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'qwen3-max', stream: true, messages: [{ role: 'user', content: prompt }] },
      { signal: controller.signal },
    );
    let text = '';
    try {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (text !== '') controller.abort();
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
    expect(text).not.toBe('');
    expect(expectedAnswer(prompt).answer.startsWith(text)).toBe(true);
  });

  it('streams a whole answer through nginx', async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0 });
    let text = '';
    const stream = await client.chat.completions.create({
      model: 'qwen3-max',
      stream: true,
      messages: [{ role: 'user', content: 'whole answer [[words=40]]' }],
    });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(expectedAnswer('whole answer [[words=40]]').answer);
  });

  it('continues a conversation whichever instance nginx picks, with all three instances registered', async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [];
    const chats = sim.state.chats.size;
    for (const turn of ['one', 'two', 'three', 'four', 'five', 'six']) {
      messages.push({ role: 'user', content: turn });
      const answer = await client.chat.completions.create({ model: 'qwen3-max', messages });
      expect(answer.choices[0]?.message.content).toBe(expectedAnswer(turn).answer);
      messages.push({ role: 'assistant', content: answer.choices[0]!.message.content! });
    }
    expect(sim.state.chats.size).toBe(chats + 1);
    const view = (await (
      await fetch(`${base}/admin/accounts`, { headers: { 'x-api-key': KEY } })
    ).json()) as AccountsView;
    expect(view.instances).toBe(3);
  });

  it('routes around a stopped instance', async () => {
    const stopped = instances.pop()!;
    await stopped.proxy.close();
    await stopped.store.close();
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0 });
    for (const n of [1, 2, 3, 4]) {
      const answer = await client.chat.completions.create({
        model: 'qwen3-max',
        messages: [{ role: 'user', content: `after the stop ${n}` }],
      });
      expect(answer.choices[0]?.message.content).toBe(expectedAnswer(`after the stop ${n}`).answer);
    }
  });
});
