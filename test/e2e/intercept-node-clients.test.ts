/**
 * Node clients through `intercept` with `--map chat.qwen.ai=<simulator>`: a library speaking the web
 * protocol over undici's ProxyAgent, and the official openai SDK against `serve`, itself behind the
 * proxy. No real DNS: every host the clients name is mapped to a loopback server.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntercept, type InterceptProxy } from '../../src/capture/intercept/intercept-proxy.js';
import type { CaMaterial } from '../../src/capture/intercept/ca-store.js';
import { signinRequest } from '../../src/client/credentials.js';
import { runShapeTurn, shapeSender } from '../../src/client/run-shape.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { sendRequest } from '../../src/net/index.js';
import { startProxyServer } from '../../src/proxy/index.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { SHAPES, systemIdClock } from '../../src/upstream/shapes.js';
import { proxyAgent, sharedTestCa } from '../capture/intercept-support.js';

const TARGET = 'https://chat.qwen.ai';
const INTERVAL_MS = 40;

let sim: RunningSimulator;
let proxy: InterceptProxy;
let ca: CaMaterial;
let dir: string;
const recorded: Exchange[] = [];

beforeAll(async () => {
  ca = await sharedTestCa();
  dir = await mkdtemp(join(tmpdir(), 'qp-e2e-intercept-'));
  sim = await startSimulator({ port: 0, chunkIntervalMs: INTERVAL_MS });
  proxy = await startIntercept({
    port: 0,
    ca,
    map: [`chat.qwen.ai=${sim.url}`],
    out: join(dir, 'library.har'),
    onExchange: (e) => recorded.push(e),
  });
});
afterAll(async () => {
  await proxy?.close();
  await sim?.close();
});

/** Signs in through the proxy and returns the token. */
async function signIn(dispatcher: ReturnType<typeof proxyAgent>): Promise<string> {
  const ex = await sendRequest(signinRequest(TARGET, sim.demoUser.email, sim.demoUser.password), {
    source: 'library',
    dispatcher,
  });
  expect(ex.response?.status).toBe(200);
  return (JSON.parse(ex.response!.body!) as { token: string }).token;
}

async function waitForRecorded(predicate: (e: Exchange) => boolean): Promise<Exchange> {
  for (let i = 0; i < 100; i++) {
    const found = recorded.findLast(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('exchange not recorded');
}

describe('intercept with Node clients', () => {
  it('captures a library that hard-codes chat.qwen.ai, its stream arriving spread over time', async () => {
    const dispatcher = proxyAgent(proxy.url, ca.cert);
    const token = await signIn(dispatcher);
    const arrivals: number[] = [];
    const turn = await runShapeTurn(
      SHAPES.web,
      { baseUrl: TARGET, token, idClock: systemIdClock, prompt: 'Count to five, please.' },
      {},
      {
        send: shapeSender({ dispatcher }),
        onEvent: () => arrivals.push(performance.now()),
      },
    );
    expect(turn.result.ok).toBe(true);
    expect(arrivals.length).toBeGreaterThan(3);
    // Delivered one by one as the simulator sent them, not in one piece at the end.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan((arrivals.length - 1) * INTERVAL_MS * 0.5);
    const completion = await waitForRecorded((e) => e.endpoint === 'chat.completions');
    expect(completion.request.url).toMatch(/^https:\/\/chat\.qwen\.ai\/api\/v2\/chat\/completions\?chat_id=/);
    expect(completion.response?.sse?.length).toBe(arrivals.length);
    const times = completion.response!.sse!.map((e) => e.t);
    expect(times.at(-1)! - times[0]!).toBeGreaterThan((times.length - 1) * INTERVAL_MS * 0.5);
    await dispatcher.close();
  });

  it('lets the client see a reset mid-stream and records the cut stream', async () => {
    const dispatcher = proxyAgent(proxy.url, ca.cert);
    const token = await signIn(dispatcher);
    sim.setFaults([{ name: 'reset-mid-stream', times: 1 }]);
    const turn = await runShapeTurn(
      SHAPES.web,
      { baseUrl: TARGET, token, idClock: systemIdClock },
      {},
      { send: shapeSender({ dispatcher }) },
    );
    sim.setFaults([]);
    const clientSide = turn.exchanges.at(-1)!;
    expect(clientSide.error?.code).toBe('ECONNRESET');
    const captured = await waitForRecorded((e) => e.endpoint === 'chat.completions' && e.error !== undefined);
    expect(captured.tags).toEqual(expect.arrayContaining(['stream-cut', 'upstream-error:ECONNRESET']));
    expect(captured.response?.sse?.length).toBeGreaterThan(0);
    await dispatcher.close();
  });

  it('captures the openai SDK streaming from serve, with serve itself talking upstream through the proxy', async () => {
    const dispatcher = proxyAgent(proxy.url, ca.cert);
    const token = await signIn(dispatcher);
    // serve -> intercept -> simulator: serve's upstream requests land in the capture too.
    const serve = await startProxyServer({
      port: 0,
      target: TARGET,
      sessions: [{ label: 'demo', credentials: { token } }],
      dispatcher,
      // The SDK reaches serve under a made-up name: serve refuses names it was not told (DNS rebinding).
      allowedHosts: ['serve.test'],
    });
    // openai SDK -> intercept -> serve, under a made-up https host mapped to serve.
    const sdkProxy = await startIntercept({
      port: 0,
      ca,
      map: [`serve.test=${serve.url}`],
      onExchange: (e) => recorded.push(e),
    });
    const sdkDispatcher = proxyAgent(sdkProxy.url, ca.cert);
    const client = new OpenAI({
      baseURL: 'https://serve.test/v1',
      apiKey: 'unused',
      // undici's own fetch, so that the dispatcher comes from the same undici as the ProxyAgent.
      fetch: undiciFetch as unknown as typeof fetch,
      fetchOptions: { dispatcher: sdkDispatcher } as unknown as NonNullable<
        ConstructorParameters<typeof OpenAI>[0]
      >['fetchOptions'],
    });
    try {
      const stream = await client.chat.completions.create({
        model: 'qwen3-max',
        stream: true,
        messages: [{ role: 'user', content: 'Say hello.' }],
      });
      const arrivals: number[] = [];
      let text = '';
      for await (const chunk of stream) {
        arrivals.push(performance.now());
        text += chunk.choices[0]?.delta?.content ?? '';
      }
      expect(text.length).toBeGreaterThan(0);
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(INTERVAL_MS);
      const sdkSide = await waitForRecorded((e) => e.request.url === 'https://serve.test/v1/chat/completions');
      expect(sdkSide.response?.sse?.at(-1)?.data).toBe('[DONE]');
      const upstreamSide = await waitForRecorded(
        (e) =>
          e.endpoint === 'chat.completions' &&
          e.request.headers.some((h) => /authorization/i.test(h.name)) &&
          e.startedAt >= sdkSide.startedAt,
      );
      expect(upstreamSide.response?.sse?.length).toBeGreaterThan(0);
    } finally {
      await sdkProxy.close();
      await serve.close();
      await sdkDispatcher.close();
      await dispatcher.close();
    }
  });

  it('leaves a capture file that reads back with every recorded exchange', async () => {
    await proxy.close();
    const capture = await readCapture(proxy.capturePath!);
    expect(capture.meta.source).toBe('intercept');
    expect(capture.exchanges.map((e) => e.endpoint)).toEqual(
      expect.arrayContaining(['auths.signin', 'chats.new', 'chat.completions']),
    );
  });
});
