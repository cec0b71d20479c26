/**
 * CDP event sequences (shaped like what Chromium 156 sends, see toolchain.md) → Exchanges, without
 * a browser: the assembler is fed `(method, params)` pairs and answers its commands from a script.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange/exchange.js';
import { CdpExchangeAssembler } from '../../src/capture/cdp-recorder.js';
import type { CdpCommands } from '../../src/capture/cdp-events.js';

const BASE = 'http://127.0.0.1:8787';
const T0 = 100; // CDP monotonic seconds at the request start
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

interface Harness {
  readonly assembler: CdpExchangeAssembler;
  readonly exchanges: Exchange[];
  /** Resolves pending `streamResourceContent` calls with this buffered data. */
  answerStream(requestId: string, buffered: string): void;
  /** Lets queued promise callbacks run. */
  settle(): Promise<void>;
}

function harness(bodies: Record<string, string> = {}, options: { streamFails?: boolean } = {}): Harness {
  const exchanges: Exchange[] = [];
  const streamWaiters = new Map<string, (value: { bufferedData: string }) => void>();
  const commands: CdpCommands = {
    streamResourceContent: (id) =>
      options.streamFails
        ? Promise.reject(new Error('No resource with given identifier found'))
        : new Promise((resolve) => streamWaiters.set(id, resolve)),
    getResponseBody: async (id) => {
      const body = bodies[id];
      if (body === undefined) throw new Error('No data found for resource with given identifier');
      return { body, base64Encoded: false };
    },
    getRequestPostData: async () => ({ postData: '{"late":true}' }),
  };
  let n = 0;
  const assembler = new CdpExchangeAssembler({
    commands,
    shouldRecord: (url) => new URL(url).pathname.startsWith('/api/'),
    onExchange: (ex) => exchanges.push(ex),
    newId: () => `ex-${++n}`,
  });
  return {
    assembler,
    exchanges,
    answerStream: (id, buffered) => streamWaiters.get(id)?.({ bufferedData: b64(buffered) }),
    settle: () => new Promise((resolve) => setTimeout(resolve, 5)),
  };
}

function request(h: Harness, id: string, path: string, method = 'GET', extra: Record<string, unknown> = {}): void {
  h.assembler.handle('Network.requestWillBeSent', {
    requestId: id,
    request: { url: `${BASE}${path}`, method, headers: { 'User-Agent': 'renderer-view' }, ...extra },
    timestamp: T0,
    wallTime: 1_795_000_000,
  });
}

function response(h: Harness, id: string, at: number, mimeType: string, status = 200): void {
  h.assembler.handle('Network.responseReceivedExtraInfo', {
    requestId: id,
    headers: { 'Content-Type': mimeType },
    headersText: `HTTP/1.1 ${status} OK\r\nContent-Type: ${mimeType}\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n`,
  });
  h.assembler.handle('Network.responseReceived', {
    requestId: id,
    timestamp: T0 + at,
    response: {
      url: `${BASE}/x`,
      status,
      statusText: 'OK',
      headers: { 'Content-Type': mimeType },
      mimeType,
      protocol: 'http/1.1',
    },
  });
}

const data = (h: Harness, id: string, at: number, text: string, withBytes: boolean) =>
  h.assembler.handle('Network.dataReceived', {
    requestId: id,
    timestamp: T0 + at,
    dataLength: Buffer.byteLength(text),
    ...(withBytes ? { data: b64(text) } : {}),
  });

describe('CdpExchangeAssembler', () => {
  it('gives each event the arrival time of its chunk, including chunks that came before streaming began', async () => {
    const h = harness();
    request(h, '1', '/api/v2/chat/completions?chat_id=c1', 'POST', { postData: '{"stream":true}' });
    h.assembler.handle('Network.requestWillBeSentExtraInfo', {
      requestId: '1',
      headers: { Cookie: 'token=abc', Host: '127.0.0.1:8787' },
    });
    response(h, '1', 0.05, 'text/event-stream');
    data(h, '1', 0.06, 'data: {"a":1}\n\n', false); // before streamResourceContent answered
    data(h, '1', 0.08, 'data: {"a":2}\n\nda', false);
    h.answerStream('1', 'data: {"a":1}\n\ndata: {"a":2}\n\nda');
    await h.settle();
    data(h, '1', 0.2, 'ta: {"a":3}\n\n', true);
    h.assembler.handle('Network.loadingFinished', { requestId: '1', timestamp: T0 + 0.21 });
    await h.settle();

    const [ex] = h.exchanges;
    expect(ex?.endpoint).toBe('chat.completions');
    expect(ex?.response?.sse?.map((e) => [e.t, e.data])).toEqual([
      [60, '{"a":1}'],
      [80, '{"a":2}'],
      [200, '{"a":3}'],
    ]);
    expect(ex?.response?.chunks?.map((c) => c.t)).toEqual([60, 80, 200]);
    expect(ex?.response?.body).toBe('data: {"a":1}\n\ndata: {"a":2}\n\ndata: {"a":3}\n\n');
    expect(ex?.request.body).toBe('{"stream":true}');
    expect(ex?.timings).toEqual({ wait: 50, receive: 160, total: 210 });
  });

  it('keeps request headers as sent on the wire, cookies included, over the renderer view', async () => {
    const h = harness({ '2': '{"ok":true}' });
    h.assembler.handle('Network.requestWillBeSentExtraInfo', {
      requestId: '2',
      headers: { Cookie: 'token=abc\nother=1', 'X-Case': 'Kept' },
    });
    request(h, '2', '/api/models');
    response(h, '2', 0.01, 'application/json');
    h.assembler.handle('Network.loadingFinished', { requestId: '2', timestamp: T0 + 0.02 });
    await h.settle();
    const ex = h.exchanges[0]!;
    expect(ex.request.headers).toEqual([
      { name: 'Cookie', value: 'token=abc' },
      { name: 'Cookie', value: 'other=1' },
      { name: 'X-Case', value: 'Kept' },
    ]);
    expect(ex.response?.headers.filter((x) => x.name === 'Set-Cookie').map((x) => x.value)).toEqual(['a=1', 'b=2']);
    expect(ex.response?.body).toBe('{"ok":true}');
    expect(ex.response?.chunks).toBeUndefined();
    expect(ex.tags).toBeUndefined();
  });

  it('records a stream reset mid-way as an error with what arrived, tagged stream-cut', async () => {
    const h = harness();
    request(h, '3', '/api/v2/chat/completions', 'POST');
    response(h, '3', 0.01, 'text/event-stream');
    h.answerStream('3', '');
    await h.settle();
    data(h, '3', 0.05, 'data: {"a":1}\n\n', true);
    h.assembler.handle('Network.loadingFailed', {
      requestId: '3',
      timestamp: T0 + 0.06,
      errorText: 'net::ERR_INCOMPLETE_CHUNKED_ENCODING',
      canceled: false,
    });
    await h.settle();
    const ex = h.exchanges[0]!;
    expect(ex.error).toEqual({ code: 'ECONNRESET', message: 'net::ERR_INCOMPLETE_CHUNKED_ENCODING' });
    expect(ex.response?.sse).toHaveLength(1);
    expect(ex.tags).toContain('stream-cut');
  });

  it('records a request the browser blocked as an exchange without a response', async () => {
    const h = harness();
    request(h, '4', '/api/v2/chats/new', 'POST');
    h.assembler.handle('Network.loadingFailed', {
      requestId: '4',
      timestamp: T0 + 0.001,
      errorText: 'net::ERR_FAILED',
      corsErrorStatus: { corsError: 'MissingAllowOriginHeader' },
    });
    await h.settle();
    const ex = h.exchanges[0]!;
    expect(ex.response).toBeUndefined();
    expect(ex.error?.code).toBe('BLOCKED');
    expect(ex.tags).toContain('cors:MissingAllowOriginHeader');
  });

  it('saves a stream still open when recording stops, as cut and with every event so far', async () => {
    const h = harness();
    request(h, '5', '/api/v2/chat/completions', 'POST');
    response(h, '5', 0.01, 'text/event-stream');
    h.answerStream('5', '');
    await h.settle();
    data(h, '5', 0.1, 'data: {"a":1}\n\ndata: {"a":2}\n\n', true);
    expect(h.assembler.openCount).toBe(1);
    await h.assembler.finish(50);
    const ex = h.exchanges[0]!;
    expect(ex.response?.sse).toHaveLength(2);
    expect(ex.tags).toEqual(expect.arrayContaining(['stream-cut', 'capture-stopped']));
    expect(ex.error?.code).toBe('ABORTED');
    expect(h.assembler.openCount).toBe(0);
  });

  it('falls back to the whole body, spread over the chunk times, when streaming came too late', async () => {
    const h = harness({ '6': 'data: {"a":1}\n\ndata: {"a":2}\n\n' }, { streamFails: true });
    request(h, '6', '/api/v2/chat/completions', 'POST');
    response(h, '6', 0.01, 'text/event-stream');
    data(h, '6', 0.02, 'data: {"a":1}\n\n', false);
    data(h, '6', 0.03, 'data: {"a":2}\n\n', false);
    h.assembler.handle('Network.loadingFinished', { requestId: '6', timestamp: T0 + 0.03 });
    await h.settle();
    expect(h.exchanges[0]?.response?.sse?.map((e) => e.t)).toEqual([20, 30]);
  });

  it('ignores requests outside the filter and fetches post data CDP left out', async () => {
    const h = harness({ '8': '{}' });
    request(h, '7', '/static/app.js');
    request(h, '8', '/api/v2/chats/new', 'POST', { hasPostData: true });
    response(h, '8', 0.01, 'application/json');
    h.assembler.handle('Network.loadingFinished', { requestId: '7', timestamp: T0 + 0.02 });
    h.assembler.handle('Network.loadingFinished', { requestId: '8', timestamp: T0 + 0.02 });
    await h.settle();
    expect(h.exchanges.map((e) => e.request.url)).toEqual([`${BASE}/api/v2/chats/new`]);
    expect(h.exchanges[0]?.request.body).toBe('{"late":true}');
    expect(h.exchanges[0]?.tags).toEqual(['request-headers:renderer']);
  });

  it('splits a redirect into one exchange per hop', async () => {
    const h = harness({ '9': '[]' });
    request(h, '9', '/api/models');
    h.assembler.handle('Network.requestWillBeSent', {
      requestId: '9',
      request: { url: `${BASE}/api/v2/models/`, method: 'GET', headers: {} },
      timestamp: T0 + 0.01,
      wallTime: 1_795_000_000.01,
      redirectResponse: {
        url: `${BASE}/api/models`,
        status: 301,
        statusText: 'Moved',
        headers: { Location: '/api/v2/models/' },
        mimeType: '',
      },
    });
    response(h, '9', 0.02, 'application/json');
    h.assembler.handle('Network.loadingFinished', { requestId: '9', timestamp: T0 + 0.03 });
    await h.settle();
    expect(h.exchanges.map((e) => [e.endpoint, e.response?.status])).toEqual([
      ['models', 301],
      ['models.v2', 200],
    ]);
  });
});
