import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer, type SetupServer } from 'msw/node';
import { afterEach, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { sendRequest } from '../../src/net/send-request.js';
import { learnProtocol } from '../../src/learn/index.js';
import { lintExchanges } from '../../src/lint/index.js';
import { qwenSimulator, readAnswer, shapeBody, type QwenSimulator, type QwenSimulatorOptions } from 'qwen-probe/msw';
import { turns } from '../learn/support.js';

let server: SetupServer | undefined;
let sim: QwenSimulator | undefined;

afterEach(async () => {
  server?.close();
  await sim?.close();
  server = undefined;
  sim = undefined;
});

/** A simulator behind msw, and a tiny fetch-based client of the kind a library's test has. */
async function start(options: QwenSimulatorOptions = {}) {
  sim = qwenSimulator({ chunkIntervalMs: 0, ...options });
  server = setupServer(...sim.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  const token = await sim.signIn();
  const origin = sim.origin;
  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    fetch(`${origin}/api/v2${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const newChat = async () =>
    ((await (await post('/chats/new', { models: ['qwen3-max'] })).json()) as { data: { id: string } }).data.id;
  const turn = async (shape: 'web' | 'seed-v4', headers: Record<string, string> = {}) => {
    const chatId = await newChat();
    return post(`/chat/completions?chat_id=${chatId}`, shapeBody(shape, chatId), headers);
  };
  return { sim, post, newChat, turn };
}

describe('qwen-probe/msw', () => {
  it('answers the web shape with a stream and the seed with its error, through the global fetch', async () => {
    const { turn } = await start();
    const web = await readAnswer(await turn('web'));
    expect(web).toMatchObject({ ok: true, status: 200 });
    expect(web.answer).toMatch(/^You said: "Hello!"/);
    expect(await readAnswer(await turn('seed-v4'))).toMatchObject({ ok: false, failure: 'Internal_Server_Error' });
    expect(sim!.state.requests).toMatchObject({ 'chat.completions': 2, 'chats.new': 2 });
  });

  it('streams event by event: the first events are read while the rest of the stream is still held back', async () => {
    const { turn } = await start({ faults: ['stall:times=1'] });
    let sawCreated!: () => void;
    const created = new Promise<void>((resolve) => (sawCreated = resolve));
    let settled = false;
    const answer = readAnswer(await turn('web'), { onUpdate: (u) => u.kind === 'created' && sawCreated() }).finally(
      () => (settled = true),
    );
    await created;
    expect(settled).toBe(false);
    await sim!.close(); // ends the stall
    expect(await answer).toMatchObject({ ok: false, failure: 'truncated' });
  });

  it("gives the reader's failure names for the simulator's faults", async () => {
    const { turn } = await start();
    const expected: [string, string][] = [
      ['json-error-200', 'Internal_Server_Error'],
      ['expired-token', 'auth'],
      ['waf-html', 'waf'],
      ['rate-limited', 'rate-limited'],
      ['malformed-sse', 'malformed'],
      ['reset-mid-stream', 'truncated'],
    ];
    for (const [fault, name] of expected) {
      sim!.setFaults([`${fault}:times=1`]);
      expect((await readAnswer(await turn('web'))).failure, fault).toBe(name);
    }
    sim!.setFaults([]);
    expect((await readAnswer(await turn('web'))).ok).toBe(true);
  });

  it('runs the 2026-06 era, whose WAF wants the browser headers, and a profile file', async () => {
    const { post } = await start({ profile: 'qwen-2026-06' });
    expect(await readAnswer(await post('/chats/new', { models: ['qwen3-max'] }))).toMatchObject({
      status: 405,
      failure: 'waf',
    });
    await sim!.close();
    server!.close();
    const file = await start({ profile: 'fixtures/profiles/two-hidden-culprits.json' });
    expect(file.sim.profile.name).not.toBe('qwen-2025-10');
  });

  it('answers only its origin; msw refuses the rest as unhandled', async () => {
    const { post } = await start({ origin: 'http://qwen.test:9999/ignored/path' });
    expect(sim!.origin).toBe('http://qwen.test:9999');
    expect((await post('/chats/new', {})).status).toBe(200);
    await expect(fetch('https://chat.qwen.ai/api/models')).rejects.toThrow();
  });

  it('records what the client sent, and lint reads the recording', async () => {
    const record = join(await mkdtemp(join(tmpdir(), 'qp-msw-record-')), 'library.har');
    const { turn } = await start({ record });
    await readAnswer(await turn('seed-v4'));
    await readAnswer(await turn('web'));
    await sim!.close();
    const capture = await readCapture(record);
    expect(capture.meta.redacted).toBe(true);
    expect(capture.exchanges.map((e) => e.endpoint)).toEqual([
      'chats.new',
      'chat.completions',
      'chats.new',
      'chat.completions',
    ]);
    expect(capture.exchanges[3]!.response?.body).toContain('"response.created"');
    const protocol = learnProtocol(turns('web', 2));
    const issues = lintExchanges(protocol, capture.exchanges).issues;
    expect(issues.find((i) => i.path === 'messages[0].chat_type')?.requests).toEqual(['msw-2']);
  });

  it("does not reach qwen-probe's net client: it sends with undici's request (its tests keep real ports)", async () => {
    await start({ origin: 'http://127.0.0.1:1' });
    const viaFetch = await fetch('http://127.0.0.1:1/api/models');
    expect(viaFetch.status).toBe(200);
    const viaNet = await sendRequest(
      { method: 'GET', url: 'http://127.0.0.1:1/api/models', headers: [] },
      { source: 'library', connectTimeoutMs: 5000 },
    );
    expect(viaNet.error?.code).toBe('ECONNREFUSED');
  });

  it('refuses a fault it does not know and an origin that is not a URL', () => {
    expect(() => qwenSimulator({ faults: ['meltdown'] })).toThrow(/unknown fault "meltdown"/);
    expect(() => qwenSimulator({ origin: 'not a url' })).toThrow(/is not a URL/);
  });
});
