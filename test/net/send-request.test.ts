import { afterEach, describe, expect, it } from 'vitest';
import { sendRequest } from '../../src/net/index.js';
import { ProbeError } from '../../src/exchange/errors.js';
import type { ExchangeRequest, SseEvent } from '../../src/exchange/exchange.js';
import { freePort, readBody, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = (url: string): ExchangeRequest => ({ method: 'GET', url, headers: [] });
const sse = (data: string) => `data: ${data}\n\n`;

describe('sendRequest streaming', () => {
  it('delivers each SSE event through onEvent before the server ends the response', async () => {
    let ack!: () => void;
    const acked = new Promise<'ack'>((resolve) => (ack = () => resolve('ack')));
    server = await startLoopbackServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(sse('{"n":1}'));
      // A buffering client never acknowledges the first event; the fallback makes that visible.
      const outcome = await Promise.race([acked, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 3000))]);
      res.end(sse(outcome === 'ack' ? '{"n":2}' : '"buffered"'));
    });
    const live: SseEvent[] = [];
    const ex = await sendRequest(get(`${server.url}/stream`), {
      source: 'library',
      onEvent: (event) => {
        live.push(event);
        if (live.length === 1) ack();
      },
    });
    expect(live.map((e) => e.data)).toEqual(['{"n":1}', '{"n":2}']);
    expect(ex.response?.sse).toEqual(live);
    expect(ex.response?.body).toBe(sse('{"n":1}') + sse('{"n":2}'));
    expect(ex.response?.chunks?.length).toBeGreaterThanOrEqual(2);
    expect(live[1]!.t).toBeGreaterThanOrEqual(live[0]!.t);
    expect(ex.error).toBeUndefined();
    expect(ex.timings?.wait).toBeGreaterThanOrEqual(0);
    expect(ex.timings?.total).toBeGreaterThanOrEqual(ex.timings?.wait ?? 0);
  });

  it('keeps named events, ids and a multi-byte character split across chunks', async () => {
    server = await startLoopbackServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
      const bytes = Buffer.from('event: delta\nid: 7\ndata: héllo 你好\n\n', 'utf8');
      const cut = bytes.indexOf(Buffer.from('你')) + 1;
      res.write(bytes.subarray(0, cut));
      await new Promise((r) => setTimeout(r, 20));
      res.end(bytes.subarray(cut));
    });
    const ex = await sendRequest(get(server.url), { source: 'library' });
    expect(ex.response?.sse).toEqual([expect.objectContaining({ event: 'delta', id: '7', data: 'héllo 你好' })]);
  });

  it('keeps what arrived and tags stream-cut when the socket is reset mid-body', async () => {
    server = await startLoopbackServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(sse('first'));
      await new Promise((r) => setTimeout(r, 30));
      res.socket?.destroy();
    });
    const ex = await sendRequest(get(server.url), { source: 'replay' });
    expect(ex.error?.code).toBe('ECONNRESET');
    expect(ex.response?.status).toBe(200);
    expect(ex.response?.sse?.map((e) => e.data)).toEqual(['first']);
    expect(ex.tags).toEqual(expect.arrayContaining(['stream-cut', 'upstream-error:ECONNRESET']));
  });

  it('stops a stalled body after the idle timeout with ETIMEDOUT and keeps the response', async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(sse('only'));
    });
    const ex = await sendRequest(get(server.url), { source: 'library', idleTimeoutMs: 150 });
    expect(ex.error).toEqual({ code: 'ETIMEDOUT', message: expect.stringContaining('150 ms') });
    expect(ex.response?.sse?.map((e) => e.data)).toEqual(['only']);
    expect(ex.tags).toContain('stream-cut');
  });

  it('does not time out a body whose chunks keep coming, however long it lasts', async () => {
    // Ten gaps of 30 ms under a 150 ms idle limit: 300 ms in all, never 150 ms of silence.
    server = await startLoopbackServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      for (let i = 0; i < 10; i++) {
        res.write(sse(String(i)));
        await new Promise((r) => setTimeout(r, 30));
      }
      res.end();
    });
    const ex = await sendRequest(get(server.url), { source: 'library', idleTimeoutMs: 150 });
    expect(ex.error).toBeUndefined();
    expect(ex.response?.sse?.map((e) => e.data)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('times out a stall that follows a run of chunks', async () => {
    server = await startLoopbackServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      for (let i = 0; i < 4; i++) {
        res.write(sse(String(i)));
        await new Promise((r) => setTimeout(r, 30));
      }
    });
    const started = performance.now();
    const ex = await sendRequest(get(server.url), { source: 'library', idleTimeoutMs: 150 });
    expect(ex.error).toEqual({ code: 'ETIMEDOUT', message: expect.stringContaining('150 ms') });
    expect(ex.response?.sse?.map((e) => e.data)).toEqual(['0', '1', '2', '3']);
    // The limit counts from the last chunk (~90 ms in), not from the headers.
    expect(performance.now() - started).toBeGreaterThanOrEqual(230);
  });

  it("with keep 'none' reports everything live and keeps no body, events or chunks", async () => {
    server = await startLoopbackServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(sse('one'));
      await new Promise((r) => setTimeout(r, 20));
      res.end(sse('two'));
    });
    const texts: string[] = [];
    const events: string[] = [];
    const ex = await sendRequest(get(server.url), {
      source: 'library',
      keep: 'none',
      onChunk: (text) => texts.push(text),
      onEvent: (event) => events.push(event.data),
    });
    expect(texts.join('')).toBe(sse('one') + sse('two'));
    expect(events).toEqual(['one', 'two']);
    expect(ex.response?.status).toBe(200);
    expect(ex.response?.headers.length).toBeGreaterThan(0);
    expect(ex.response).not.toHaveProperty('body');
    expect(ex.response).not.toHaveProperty('sse');
    expect(ex.response).not.toHaveProperty('chunks');
    expect(ex.tags).toContain('body-not-kept');
    expect(ex.tags).toContain('request-not-kept');
    expect(ex.request).toEqual({ method: 'GET', url: server.url, httpVersion: 'HTTP/1.1', headers: [] });
    expect(ex.error).toBeUndefined();
  });

  it("with keep 'none' still hands over a multi-byte character cut at the end and tags a cut stream", async () => {
    server = await startLoopbackServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      const bytes = Buffer.from('héllo 你', 'utf8');
      res.write(bytes.subarray(0, bytes.length - 1));
      await new Promise((r) => setTimeout(r, 20));
      res.socket?.destroy();
    });
    const texts: string[] = [];
    const ex = await sendRequest(get(server.url), {
      source: 'library',
      keep: 'none',
      onChunk: (text) => texts.push(text),
    });
    expect(texts.join('')).toBe('héllo \uFFFD');
    expect(ex.error?.code).toBe('ECONNRESET');
    expect(ex.tags).toEqual(expect.arrayContaining(['body-not-kept', 'stream-cut']));
    expect(ex.response).not.toHaveProperty('body');
  });

  it('gives up waiting for headers after the connect timeout', async () => {
    server = await startLoopbackServer(() => undefined);
    const ex = await sendRequest(get(server.url), { source: 'library', connectTimeoutMs: 100 });
    expect(ex.error?.code).toBe('ETIMEDOUT');
    expect(ex.response).toBeUndefined();
    expect(ex.tags).not.toContain('stream-cut');
  });

  it('ends with ABORTED when the caller aborts mid-stream', async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(sse('one'));
    });
    const controller = new AbortController();
    const ex = await sendRequest(get(server.url), {
      source: 'library',
      signal: controller.signal,
      onEvent: () => controller.abort(),
    });
    expect(ex.error?.code).toBe('ABORTED');
    expect(ex.response?.sse).toHaveLength(1);
  });

  it('does not send at all when the signal is already aborted', async () => {
    let hits = 0;
    server = await startLoopbackServer((_req, res) => {
      hits += 1;
      res.end();
    });
    const ex = await sendRequest(get(server.url), { source: 'library', signal: AbortSignal.abort() });
    expect(ex.error?.code).toBe('ABORTED');
    expect(hits).toBe(0);
  });
});

describe('sendRequest plain responses and failures', () => {
  it('records a JSON 500 as a normal response, not an error', async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"success":false,"data":{"code":"Internal_Server_Error","details":"Internal error"}}');
    });
    const ex = await sendRequest(
      { method: 'POST', url: `${server.url}/api`, headers: [], body: '{}' },
      { source: 'library', endpoint: 'chat.completions' },
    );
    expect(ex.error).toBeUndefined();
    expect(ex.response?.status).toBe(500);
    expect(ex.response?.sse).toBeUndefined();
    expect(JSON.parse(ex.response?.body ?? '')).toMatchObject({ success: false });
    expect(ex.endpoint).toBe('chat.completions');
    expect(ex.tags).toBeUndefined();
  });

  it('reports ECONNREFUSED when nothing listens', async () => {
    const port = await freePort();
    const ex = await sendRequest(get(`http://127.0.0.1:${port}/`), { source: 'library' });
    expect(ex.error?.code).toBe('ECONNREFUSED');
    expect(ex.response).toBeUndefined();
    expect(ex.timings?.wait).toBe(-1);
  });

  it(
    'sends headers in the given order and case, duplicates included, and keeps the response header ' + 'order',
    async () => {
      let received: string[] = [];
      let receivedBody = '';
      server = await startLoopbackServer(async (req, res) => {
        received = req.rawHeaders;
        receivedBody = await readBody(req);
        res.writeHead(200, ['X-Zeta', '1', 'content-type', 'text/plain', 'X-Alpha', '2', 'X-Alpha', '3']);
        res.end('ok');
      });
      const headers = [
        { name: 'X-First', value: 'a' },
        { name: 'accept', value: '*/*' },
        { name: 'X-Dup', value: '1' },
        { name: 'X-Mixed-CASE', value: 'b' },
        { name: 'X-Dup', value: '2' },
        { name: 'Connection', value: 'keep-alive' },
      ];
      const ex = await sendRequest({ method: 'POST', url: server.url, headers, body: 'hi' }, { source: 'library' });
      const names = received.filter((_, i) => i % 2 === 0).filter((n) => n.startsWith('X-') || n === 'accept');
      expect(names).toEqual(['X-First', 'accept', 'X-Dup', 'X-Mixed-CASE', 'X-Dup']);
      expect(receivedBody).toBe('hi');
      expect(ex.response?.headers.filter((h) => h.name.startsWith('X-'))).toEqual([
        { name: 'X-Zeta', value: '1' },
        { name: 'X-Alpha', value: '2' },
        { name: 'X-Alpha', value: '3' },
      ]);
      expect(ex.request.headers.map((h) => h.name)).not.toContain('Connection');
      expect(ex.tags).toContain('net-dropped-header:connection');
    },
  );

  it('reads a large body whole and accounts for every byte in chunks', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(big);
    });
    const ex = await sendRequest(get(server.url), { source: 'library' });
    expect(ex.response?.body?.length).toBe(big.length);
    expect(ex.response?.chunks?.reduce((n, c) => n + c.size, 0)).toBe(big.length);
  });

  it('keeps a binary body as base64', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.end(bytes);
    });
    const ex = await sendRequest(get(server.url), { source: 'library' });
    expect(ex.response?.bodyEncoding).toBe('base64');
    expect(Buffer.from(ex.response?.body ?? '', 'base64')).toEqual(bytes);
  });

  it('throws E_INPUT for a URL it cannot send to', async () => {
    await expect(sendRequest(get('not a url'), { source: 'library' })).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(sendRequest(get('ftp://127.0.0.1/'), { source: 'library' })).rejects.toBeInstanceOf(ProbeError);
  });

  it('rethrows an exception from a callback instead of recording it as a network error', async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end(sse('x'));
    });
    await expect(
      sendRequest(get(server.url), {
        source: 'library',
        onEvent: () => {
          throw new Error('bug in consumer');
        },
      }),
    ).rejects.toThrow('bug in consumer');
  });
});
