import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readMitmproxyFlows } from '../../../src/exchange/formats/mitmproxy-flows.js';

const MITM = resolve(import.meta.dirname, '../../../fixtures/foreign/mitmproxy');

/** A tnetstring writer for hand-made flows (dicts of unicode keys; Buffers as bytes). */
type V = null | number | string | Buffer | V[] | { [k: string]: V };
function dump(value: V): Buffer {
  const frame = (payload: Buffer, type: string) =>
    Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(type)]);
  if (value === null) return frame(Buffer.alloc(0), '~');
  if (typeof value === 'number') return frame(Buffer.from(String(value)), Number.isInteger(value) ? '#' : '^');
  if (typeof value === 'string') return frame(Buffer.from(value), ';');
  if (Buffer.isBuffer(value)) return frame(value, ',');
  if (Array.isArray(value)) return frame(Buffer.concat(value.map(dump)), ']');
  return frame(Buffer.concat(Object.entries(value).flatMap(([k, v]) => [dump(k), dump(v)])), '}');
}

function flow(overrides: { [k: string]: V } = {}, response: { [k: string]: V } | null = {}): { [k: string]: V } {
  return {
    version: 21,
    type: 'http',
    id: 'f-1',
    request: {
      method: 'POST',
      scheme: 'https',
      host: 'chat.qwen.ai',
      port: 443,
      path: '/api/v2/chats/new',
      authority: '',
      http_version: 'HTTP/1.1',
      headers: [[Buffer.from('Content-Type'), Buffer.from('application/json')]],
      content: Buffer.from('{"title":"New Chat"}'),
      timestamp_start: 1796644718.5,
      timestamp_end: 1796644718.6,
    },
    response:
      response === null
        ? null
        : {
            status_code: 200,
            reason: 'OK',
            http_version: 'HTTP/1.1',
            headers: [[Buffer.from('content-encoding'), Buffer.from('gzip')]],
            content: gzipSync('{"success":true}'),
            timestamp_start: 1796644718.7,
            timestamp_end: 1796644718.75,
            ...response,
          },
    ...overrides,
  };
}

describe('mitmproxy flow files', () => {
  it.each(['good.mitm', 'good.v18.mitm', 'good.v20.mitm', 'good.v21.mitm'])(
    'reads the flows of %s (mitmproxy 8 to 11) in order, as proxy-captured exchanges',
    (name) => {
      const { exchanges, notes } = readMitmproxyFlows(readFileSync(resolve(MITM, name)));
      expect(notes).toEqual([]);
      expect(exchanges.map((e) => `${e.request.method} ${new URL(e.request.url).pathname}`)).toEqual([
        'POST /api/v1/auths/signin',
        'POST /api/v2/chats/new',
        'POST /api/v2/chat/completions',
      ]);
      expect(exchanges.every((e) => e.source === 'intercept')).toBe(true);
      // Reverse mode: the URL names the upstream (host and port of the flow), headers keep wire case.
      expect(exchanges[0]!.request.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/auths\/signin$/);
      expect(exchanges[2]!.response?.body).toMatch(/^data: /);
    },
  );

  it('builds the URL, undoes content-encoding, keeps timings and the flow id', () => {
    const [exchange] = readMitmproxyFlows(dump(flow())).exchanges;
    expect(exchange).toMatchObject({
      id: 'f-1',
      startedAt: '2026-12-07T11:58:38.500Z',
      request: {
        url: 'https://chat.qwen.ai/api/v2/chats/new',
        headers: [{ name: 'Content-Type', value: 'application/json' }],
        body: '{"title":"New Chat"}',
      },
      response: { status: 200, statusText: 'OK', body: '{"success":true}' },
    });
    expect(exchange!.timings?.total).toBeCloseTo(250, 3);
  });

  it('keeps a body that is not text as base64, and a flow without response or with an error as such', () => {
    const binary = readMitmproxyFlows(dump(flow({}, { headers: [], content: Buffer.from([0xff, 0xfe, 0]) })));
    expect(binary.exchanges[0]!.response).toMatchObject({ body: '//4A', bodyEncoding: 'base64' });
    const failed = readMitmproxyFlows(dump(flow({ error: { msg: 'Connection reset by peer' } }, null)));
    expect(failed.exchanges[0]).not.toHaveProperty('response');
    expect(failed.exchanges[0]!.error).toEqual({ code: 'ECONNRESET', message: 'Connection reset by peer' });
  });

  it('skips flows that are not HTTP, with a note', () => {
    const { exchanges, notes } = readMitmproxyFlows(Buffer.concat([dump({ version: 21, type: 'tcp' }), dump(flow())]));
    expect(exchanges).toHaveLength(1);
    expect(notes).toEqual(['mitmproxy flow 1 is a tcp flow, not HTTP: skipped']);
  });

  it('refuses flow formats it does not know and damaged files, naming the flow and the byte', () => {
    expect(() => readMitmproxyFlows(dump(flow({ version: 7 })))).toThrow(/flow 1: flow format 7 is not read here/);
    const two = Buffer.concat([dump(flow()), dump(flow())]);
    expect(() => readMitmproxyFlows(two.subarray(0, two.length - 10))).toThrow(
      new RegExp(`mitmproxy flow 2: byte ${dump(flow()).length}: a value of \\d+ bytes runs past the end`),
    );
    expect(() => readMitmproxyFlows(dump([1, 2]))).toThrow(/flow 1: not a dictionary/);
  });
});
