/**
 * Request header wire order from a hand-made Chromium NetLog (fixtures/capture/netlog-sample.json,
 * shaped like what Chromium 156 writes with --log-net-log): parsing, also of an unfinished file,
 * and reordering recorded (CDP-sorted) headers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Exchange, Header } from '../../src/exchange/exchange.js';
import { applyNetLogHeaderOrder, applyWireOrder, orderHeadersByWire, parseNetLog } from '../../src/capture/net-log.js';

const FIXTURE = new URL('../../fixtures/capture/netlog-sample.json', import.meta.url);
const text = readFileSync(FIXTURE, 'utf8');
const BASE = 'http://127.0.0.1:8787';
/** The completion's header names as the fixture's NetLog says Chromium sent them. */
const COMPLETION_WIRE_ORDER = ['Host', 'Connection', 'Content-Length', 'x-request-id', 'Accept', 'Cookie'];
const h = (pairs: string[][]): Header[] => pairs.map(([name, value]) => ({ name: name!, value: value! }));

function exchange(id: string, method: string, url: string, headers: Header[], at: number, tags?: string[]): Exchange {
  return {
    id,
    source: 'browser',
    startedAt: new Date(1_795_000_000_000 + at).toISOString(),
    request: { method, url, headers },
    timings: { total: 1 },
    ...(tags ? { tags } : {}),
  };
}

describe('parseNetLog', () => {
  it('reads HTTP/1.1 and HTTP/2 sends in order, a resend replacing the first try', () => {
    const sent = parseNetLog(text);
    expect(sent.map((r) => [r.method, r.path, r.http2])).toEqual([
      ['POST', '/api/v2/chats/new', false],
      ['POST', '/api/v2/chat/completions?chat_id=c1', false],
      ['GET', '/api/models', true],
    ]);
    expect(sent[1]!.headers.map((x) => x.name)).toEqual(COMPLETION_WIRE_ORDER);
    expect(sent[2]!.headers[0]).toEqual({ name: ':method', value: 'GET' });
    expect(sent[2]!.url).toBe('https://chat.qwen.ai/api/models');
  });

  it('tolerates a file the browser is still writing (no closing `]}`, a half-written last line)', () => {
    const cut = text.slice(0, text.indexOf('"type": 4}') - 30);
    expect(() => JSON.parse(cut)).toThrow();
    expect(parseNetLog(cut).map((r) => r.path)).toEqual(['/api/v2/chats/new', '/api/v2/chat/completions?chat_id=c1']);
    expect(parseNetLog('')).toEqual([]);
    expect(parseNetLog('{"constants": {')).toEqual([]);
  });
});

describe('orderHeadersByWire', () => {
  it(
    'takes the wire order and name spelling, the recorded values, adds wire-only headers and keeps the rest ' + 'last',
    () => {
      const recorded = h([
        ['accept', '*/*'],
        ['cookie', 'recorded'],
        ['x-extra', '1'],
        ['x-dup', 'a'],
        ['x-dup', 'b'],
      ]);
      const wire = h([
        ['Host', 'h'],
        ['X-Dup', 'a'],
        ['Cookie', '[12 bytes were stripped]'],
        ['Accept', '*/*'],
        ['x-dup', 'b'],
      ]);
      expect(orderHeadersByWire(recorded, wire)).toEqual(
        h([
          ['Host', 'h'],
          ['X-Dup', 'a'],
          ['Cookie', 'recorded'],
          ['Accept', '*/*'],
          ['x-dup', 'b'],
          ['x-extra', '1'],
        ]),
      );
    },
  );
});

describe('applyWireOrder / applyNetLogHeaderOrder', () => {
  const sortedNew = h([
    ['Accept', '*/*'],
    ['authorization', 'Bearer tok'],
    ['Content-Length', '2'],
    ['content-type', 'application/json'],
    ['Cookie', 'token=tok'],
    ['Host', '127.0.0.1:8787'],
  ]);
  const exchanges = [
    exchange(
      'completion',
      'POST',
      `${BASE}/api/v2/chat/completions?chat_id=c1`,
      h([
        ['Accept', 'text/event-stream'],
        ['Cookie', 'token=tok'],
        ['x-request-id', 'r1'],
      ]),
      5,
    ),
    exchange('new', 'POST', `${BASE}/api/v2/chats/new`, sortedNew, 1),
    exchange(
      'models',
      'GET',
      'https://chat.qwen.ai/api/models',
      h([
        [':authority', 'chat.qwen.ai'],
        [':method', 'GET'],
        [':path', '/api/models'],
        [':scheme', 'https'],
        ['accept', 'application/json'],
        ['cookie', 'a=1'],
        ['user-agent', 'UA'],
      ]),
      9,
    ),
    exchange('again', 'POST', `${BASE}/api/v2/chats/new`, sortedNew, 10),
    exchange('cached', 'GET', `${BASE}/api/v1/auths/`, h([['Accept', '*/*']]), 11, ['request-headers:renderer']),
  ];

  it('reorders matched exchanges, tags them, and tags the unmatched as sorted, keeping the list order', async () => {
    const out = await applyNetLogHeaderOrder(exchanges, FIXTURE.pathname);
    expect(out.map((e) => e.id)).toEqual(['completion', 'new', 'models', 'again', 'cached']);
    expect(out.map((e) => e.tags)).toEqual([
      ['headers:wire-order'],
      ['headers:wire-order'],
      ['headers:wire-order'],
      ['headers:sorted'],
      ['request-headers:renderer'],
    ]);
    expect(out[1]!.request.headers.map((x) => x.name)).toEqual([
      'Host',
      'Connection',
      'Content-Length',
      'authorization',
      'content-type',
      'Accept',
      'Cookie',
    ]);
    expect(out[1]!.request.headers.find((x) => x.name === 'Connection')?.value).toBe('keep-alive');
    expect(out[0]!.request.headers.map((x) => x.name)).toEqual(COMPLETION_WIRE_ORDER);
    expect(out[2]!.request.headers.map((x) => x.name)).toEqual([
      ':method',
      ':authority',
      ':scheme',
      ':path',
      'accept',
      'user-agent',
      'cookie',
    ]);
    expect(out[3]!.request.headers).toEqual(sortedNew);
  });

  it('is idempotent and leaves everything sorted-tagged without a NetLog', async () => {
    const once = applyWireOrder(exchanges, parseNetLog(text));
    expect(applyWireOrder(once, parseNetLog(text))).toEqual(once);
    const none = await applyNetLogHeaderOrder(exchanges, '/nonexistent/netlog.json');
    expect(none.slice(0, 4).every((e) => e.tags?.includes('headers:sorted'))).toBe(true);
  });
});
