import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { createGzip } from 'node:zlib';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntercept, type InterceptProxy } from '../../src/capture/intercept/intercept-proxy.js';
import type { CaMaterial } from '../../src/capture/intercept/ca-store.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { headerValue, type Exchange } from '../../src/exchange/exchange.js';
import { exchangeSink, http2GetThroughProxy, proxyAgent, sharedTestCa, startUpstream } from './intercept-support.js';

/** Send times of each SSE event at the upstream, per path, to compare with arrival at the client. */
const sentAt = new Map<string, number[]>();

function upstreamHandler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://upstream');
  if (url.pathname === '/json') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Upstream-Case': 'Yes' });
    res.end(JSON.stringify({ host: req.headers.host }));
  } else if (url.pathname === '/echo-size') {
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (c: Buffer) => ((size += c.length), hash.update(c)));
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ size, sha: hash.digest('hex') })),
    );
  } else if (url.pathname === '/big') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.alloc(Number(url.searchParams.get('mb')) * 1024 * 1024, 7));
  } else if (url.pathname.startsWith('/sse')) {
    const gzip = url.pathname === '/sse-gzip';
    const reset = url.pathname === '/sse-reset';
    const n = Number(url.searchParams.get('n') ?? 5);
    res.writeHead(200, { 'content-type': 'text/event-stream', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    const zip = gzip ? createGzip() : undefined;
    zip?.pipe(res);
    const times: number[] = [];
    sentAt.set(url.pathname + url.search, times);
    let i = 0;
    const timer = setInterval(() => {
      const frame = `id: ${i}\nevent: delta\ndata: {"i":${i}}\n\n`;
      times.push(performance.now());
      if (zip) zip.write(frame, () => zip.flush());
      else res.write(frame);
      if (++i < n) return;
      clearInterval(timer);
      // Later, so the last frame leaves the socket before the reset does.
      if (reset) setTimeout(() => req.socket.destroy(), 30);
      else if (zip) zip.end();
      else res.end();
    }, 60);
  } else {
    res.writeHead(404).end();
  }
}

let upstream: Awaited<ReturnType<typeof startUpstream>>;
let proxy: InterceptProxy;
let ca: CaMaterial;
let dir: string;
const sink = exchangeSink();

beforeAll(async () => {
  ca = await sharedTestCa();
  dir = await mkdtemp(join(tmpdir(), 'qp-intercept-'));
  upstream = await startUpstream(upstreamHandler);
  proxy = await startIntercept({
    port: 0,
    ca,
    map: [`chat.qwen.ai=${upstream.url}`, `other.test=${upstream.url}`],
    include: ['chat.qwen.ai', 'nowhere.invalid'],
    out: join(dir, 'capture.har'),
    onExchange: (ex) => sink.push(ex),
  });
});
afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

/** The recorded exchange whose URL contains `path` (or that matches a predicate), once it is there. */
async function lastExchangeFor(path: string | ((e: Exchange) => boolean)) {
  const matches = typeof path === 'string' ? (e: Exchange) => e.request.url.includes(path) : path;
  for (let i = 0; i < 100; i++) {
    const found = sink.list.findLast(matches);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no exchange recorded for ${String(path)}`);
}

describe('startIntercept', () => {
  it('listens on 127.0.0.1 only and says so in its first settings line', () => {
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(proxy.settings()[0]).toBe(`listening on ${proxy.url}`);
  });

  it('refuses a port that is already taken with a usage error', async () => {
    await expect(startIntercept({ port: proxy.port, ca })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it(
    'records a mapped JSON exchange with the URL the client asked for and headers in wire order and ' + 'case',
    async () => {
      const agent = proxyAgent(proxy.url, ca.cert);
      const res = await request('https://chat.qwen.ai/json?x=1', {
        dispatcher: agent,
        headers: { 'X-Client-Case': 'Kept', accept: '*/*' },
      });
      // The target sees the original Host, as with a DNS override.
      expect(await res.body.json()).toEqual({ host: 'chat.qwen.ai' });
      const ex = await lastExchangeFor('/json?x=1');
      expect(ex.source).toBe('intercept');
      expect(ex.request.url).toBe('https://chat.qwen.ai/json?x=1');
      expect(ex.request.headers.map((h) => h.name)).toEqual(['host', 'connection', 'X-Client-Case', 'accept']);
      expect(ex.response?.headers.find((h) => h.name === 'X-Upstream-Case')?.value).toBe('Yes');
      expect(ex.tags).toContain(`mapped:chat.qwen.ai=${upstream.url}`);
      await agent.close();
    },
  );

  it('passes an event stream through event by event and records each event with its time', async () => {
    const agent = proxyAgent(proxy.url, ca.cert);
    const res = await request('https://chat.qwen.ai/sse?n=5', { dispatcher: agent });
    const arrivals: number[] = [];
    for await (const chunk of res.body) if (String(chunk).includes('data:')) arrivals.push(performance.now());
    const sent = sentAt.get('/sse?n=5')!;
    // The first event reached the client before the upstream had even sent the last one.
    expect(arrivals[0]!).toBeLessThan(sent.at(-1)!);
    const ex = await lastExchangeFor('/sse?n=5');
    expect(ex.response?.sse?.map((e) => e.data)).toEqual([0, 1, 2, 3, 4].map((i) => `{"i":${i}}`));
    expect(ex.response?.sse?.[0]).toMatchObject({ event: 'delta', id: '0' });
    const times = ex.response!.sse!.map((e) => e.t);
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(150);
    await agent.close();
  });

  it('decodes a gzip event stream chunk by chunk and keeps each event apart in time', async () => {
    const agent = proxyAgent(proxy.url, ca.cert);
    const res = await request('https://chat.qwen.ai/sse-gzip?n=3', { dispatcher: agent });
    await res.body.arrayBuffer();
    const ex = await lastExchangeFor('/sse-gzip?n=3');
    expect(ex.response?.body).toContain('data: {"i":2}');
    const times = ex.response!.sse!.map((e) => e.t);
    expect(times).toHaveLength(3);
    expect(times[2]! - times[0]!).toBeGreaterThan(60);
    await agent.close();
  });

  it('lets the client see an upstream reset mid-stream and records the cut stream', async () => {
    const agent = proxyAgent(proxy.url, ca.cert);
    const res = await request('https://chat.qwen.ai/sse-reset?n=2', { dispatcher: agent });
    await expect(res.body.text()).rejects.toThrow();
    const ex = await lastExchangeFor('/sse-reset?n=2');
    expect(ex.error?.code).toBe('ECONNRESET');
    expect(ex.tags).toEqual(expect.arrayContaining(['stream-cut', 'upstream-error:ECONNRESET']));
    expect(ex.response?.sse).toHaveLength(2);
    await agent.close();
  });

  it('fails a host that cannot be resolved at once and records why, with a hint to map it', async () => {
    const agent = proxyAgent(proxy.url, ca.cert);
    const started = Date.now();
    await expect(request('https://nowhere.invalid/', { dispatcher: agent })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    const ex = await lastExchangeFor('nowhere.invalid');
    expect(ex.error?.code).toBe('ENOTFOUND');
    expect(ex.notes).toContain('--map nowhere.invalid=');
    await agent.close();
  });

  it('passes hosts outside --include through without recording them', async () => {
    const agent = proxyAgent(proxy.url, ca.cert);
    const before = proxy.exchanges;
    const mapped = await request('https://other.test/json', { dispatcher: agent });
    expect(mapped.statusCode).toBe(200);
    await mapped.body.text();
    const direct = await request(`${upstream.url}/json`, { dispatcher: agent });
    expect(direct.statusCode).toBe(200);
    await direct.body.text();
    // Not intercepted at all (tunnelled raw), and with no such host it fails at once rather than hang.
    const started = Date.now();
    await expect(request('https://elsewhere.invalid/', { dispatcher: agent })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(proxy.exchanges).toBe(before);
    await agent.close();
  });

  it('records a client that does not trust the CA as a TLS failure with a hint', async () => {
    const agent = proxyAgent(proxy.url);
    await expect(request('https://chat.qwen.ai/json?untrusted', { dispatcher: agent })).rejects.toThrow();
    const tls = await lastExchangeFor((e) => e.error?.code === 'TLS');
    expect(tls.request.method).toBe('CONNECT');
    expect(tls.tags).toContain('tls-client-error');
    expect(tls.notes).toContain(ca.certPath);
    await agent.close();
  });

  it('serves an HTTP/2 client and records its pseudo-headers', async () => {
    const res = await http2GetThroughProxy(proxy.port, 'chat.qwen.ai', '/json?h2', ca.cert);
    expect(res.alpn).toBe('h2');
    expect(res.status).toBe(200);
    const ex = await lastExchangeFor('/json?h2');
    expect(ex.request.httpVersion).toBe('HTTP/2');
    expect(ex.tags).toContain('http2');
    expect(headerValue(ex.request.headers, ':authority')).toMatch(/^chat\.qwen\.ai(:443)?$/);
  });

  it('carries large bodies both ways intact', async () => {
    const agent = proxyAgent(proxy.url, ca.cert);
    const upload = Buffer.alloc(4 * 1024 * 1024, 'a');
    const res = await request('https://chat.qwen.ai/echo-size', {
      method: 'POST',
      body: upload,
      dispatcher: agent,
      headers: { 'content-type': 'text/plain' },
    });
    expect(await res.body.json()).toEqual({
      size: upload.length,
      sha: createHash('sha256').update(upload).digest('hex'),
    });
    const big = await request('https://chat.qwen.ai/big?mb=8', { dispatcher: agent });
    expect((await big.body.arrayBuffer()).byteLength).toBe(8 * 1024 * 1024);
    const ex = await lastExchangeFor('/big?mb=8');
    expect(Buffer.from(ex.response!.body!, 'base64').length).toBe(8 * 1024 * 1024);
    expect((await lastExchangeFor('/echo-size')).request.body).toHaveLength(upload.length);
    await agent.close();
  }, 60_000);

  it('writes every recorded exchange into a capture that reads back as an intercept capture', async () => {
    const recorded = proxy.exchanges;
    await proxy.close();
    const capture = await readCapture(proxy.capturePath!);
    expect(capture.meta.source).toBe('intercept');
    expect(capture.meta.repaired).toBe(false);
    expect(capture.exchanges).toHaveLength(recorded);
    expect(capture.exchanges.find((e) => e.request.url.endsWith('/sse?n=5'))?.response?.sse).toHaveLength(5);
  });
});
