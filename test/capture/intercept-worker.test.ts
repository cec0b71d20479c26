/**
 * The worker side of `intercept --workers N`, run in this process on a fake channel: it says ready,
 * starts the proxy when told, sends finished exchanges in batches, and on stop drains, sends the
 * rest, says stopped and exits.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaMaterial } from '../../src/capture/intercept/ca-store.js';
import type { PrimaryMessage, WorkerMessage } from '../../src/capture/intercept/cluster-messages.js';
import { serveInterceptWorker, type PrimaryChannel } from '../../src/capture/intercept/intercept-worker.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { proxyAgent, sharedTestCa, startUpstream } from './intercept-support.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
let ca: CaMaterial;

beforeAll(async () => {
  ca = await sharedTestCa();
  upstream = await startUpstream((req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"path":"${req.url}"}`),
  );
});
afterAll(async () => {
  await upstream?.close();
});

/** A channel that records what the worker sends and lets the test play the primary. */
function fakePrimary() {
  const received: WorkerMessage[] = [];
  const waiters: (() => void)[] = [];
  let deliver: (message: unknown) => void = () => undefined;
  let exitCode: number | undefined;
  const channel: PrimaryChannel = {
    send: (message, sent) => {
      received.push(message);
      for (const w of waiters.splice(0)) w();
      setImmediate(() => sent?.());
    },
    onMessage: (listener) => (deliver = listener),
    exit: (code) => {
      exitCode = code;
      for (const w of waiters.splice(0)) w();
    },
  };
  const until = async (check: () => boolean): Promise<void> => {
    while (!check()) await new Promise<void>((done) => waiters.push(done));
  };
  return {
    channel,
    received,
    tell: (message: PrimaryMessage | Record<string, unknown>) => deliver(message),
    exitCode: () => exitCode,
    until,
    exchanges: (): Exchange[] => received.flatMap((m) => (m.kind === 'exchanges' ? m.exchanges : [])),
  };
}

describe('an intercept worker', () => {
  it('starts on request, sends exchanges in batches rather than one message each, and drains on stop', async () => {
    const primary = fakePrimary();
    serveInterceptWorker(primary.channel);
    expect(primary.received).toEqual([{ kind: 'ready' }]);
    primary.tell({ cmd: 'NODE_CLUSTER' }); // not ours: ignored
    primary.tell({
      kind: 'start',
      options: { host: '127.0.0.1', port: 0, ca, map: [`api.example=${upstream.url}`], include: [] },
    });
    await primary.until(() => primary.received.length > 1);
    const listening = primary.received[1]!;
    expect(listening).toMatchObject({ kind: 'listening', port: expect.any(Number) });
    const port = (listening as { port: number }).port;

    const dispatcher = proxyAgent(`http://127.0.0.1:${port}`, ca.cert);
    const responses = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const res = await request(`https://api.example/item/${i}`, { dispatcher });
        return res.body.text();
      }),
    );
    expect(responses[3]).toBe('{"path":"/item/3"}');
    await primary.until(() => primary.exchanges().length === 8);
    const batches = primary.received.filter((m) => m.kind === 'exchanges');
    expect(batches.length).toBeLessThan(8);

    primary.tell({ kind: 'stop' });
    await primary.until(() => primary.exitCode() !== undefined);
    expect(primary.received.at(-1)).toEqual({ kind: 'stopped' });
    expect(primary.exitCode()).toBe(0);
    expect(
      primary
        .exchanges()
        .map((e) => e.request.url)
        .sort(),
    ).toEqual(Array.from({ length: 8 }, (_, i) => `https://api.example/item/${i}`).sort());
    await dispatcher.close();
  });

  it('stops promptly with a stream still open, after sending the exchanges finished just before', async () => {
    const upstreamWithStall = await startUpstream((req, res) => {
      if (req.url === '/quick') return void res.writeHead(200).end('ok');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n'); // and never ends
    });
    const primary = fakePrimary();
    serveInterceptWorker(primary.channel);
    primary.tell({
      kind: 'start',
      options: { host: '127.0.0.1', port: 0, ca, map: [`stall.example=${upstreamWithStall.url}`], include: [] },
    });
    await primary.until(() => primary.received.some((m) => m.kind === 'listening'));
    const port = (primary.received.find((m) => m.kind === 'listening') as { port: number }).port;
    const dispatcher = proxyAgent(`http://127.0.0.1:${port}`, ca.cert);
    const stalled = await request('https://stall.example/sse', { dispatcher });
    const cut = stalled.body.text().catch((error: unknown) => error);
    await (await request('https://stall.example/quick', { dispatcher })).body.text();

    // Within the send interval: the quick exchange is still waiting for company when the stop comes.
    primary.tell({ kind: 'stop' });
    await primary.until(() => primary.exitCode() !== undefined);
    expect(primary.received.map((m) => m.kind).slice(-2)).toEqual(['exchanges', 'stopped']);
    expect(primary.exchanges().map((e) => e.request.url)).toEqual(['https://stall.example/quick']);
    await cut;
    await dispatcher.close();
    await upstreamWithStall.close();
  });

  it('reports a failed start (a busy port) as a usage error and exits', async () => {
    const blocker = await startUpstream((_req, res) => res.end());
    const primary = fakePrimary();
    serveInterceptWorker(primary.channel);
    primary.tell({ kind: 'start', options: { host: '127.0.0.1', port: blocker.port, ca, map: [], include: [] } });
    await primary.until(() => primary.exitCode() !== undefined);
    expect(primary.received.at(-1)).toEqual({
      kind: 'failed',
      error: {
        code: 'E_USAGE',
        message: `port ${blocker.port} on 127.0.0.1 is already in use`,
        hint: 'Pick another --port (0 picks a free one).',
      },
    });
    await blocker.close();
  });
});
