/**
 * ExchangeRecorder on hand-made mockttp events: the orders and gaps that real traffic produces only
 * under load (a chunk before its head, an abort with no request event, an excluded host).
 */
import type { AbortedRequest, BodyData, InitiatedRequest, InitiatedResponse, TlsHandshakeFailure } from 'mockttp';
import { describe, expect, it } from 'vitest';
import { ExchangeRecorder } from '../../src/capture/intercept/exchange-recorder.js';
import { parseMapping } from '../../src/capture/intercept/host-rules.js';
import type { Exchange } from '../../src/exchange/exchange.js';

const START = 1000;

function requestHead(id: string, url = 'https://chat.qwen.ai/api/v2/chats/new', method = 'POST'): InitiatedRequest {
  return {
    id,
    protocol: 'https',
    httpVersion: '1.1',
    method,
    url,
    path: new URL(url).pathname,
    destination: { hostname: new URL(url).hostname, port: 443 },
    headers: {},
    rawHeaders: [
      ['Host', new URL(url).host],
      ['Content-Type', 'application/json'],
    ],
    timingEvents: { startTime: Date.UTC(2026, 0, 1), startTimestamp: START },
    tags: [],
  };
}

function responseHead(id: string, contentType = 'application/json'): InitiatedResponse {
  return {
    id,
    statusCode: 200,
    statusMessage: 'OK',
    headers: {},
    rawHeaders: [['Content-Type', contentType]],
    timingEvents: { startTime: 0, startTimestamp: START, headersSentTimestamp: START + 5 },
    tags: [],
  };
}

function chunk(id: string, text: string, at: number, isEnded = false): BodyData {
  return { id, content: Buffer.from(text), isEnded, eventTimestamp: START + at };
}

function recorder(include = ['chat.qwen.ai']) {
  const out: Exchange[] = [];
  const rec = new ExchangeRecorder({
    isIncluded: (h) => include.includes(h),
    mappingFor: (h) => (h === 'chat.qwen.ai' ? parseMapping('chat.qwen.ai=http://127.0.0.1:8787') : undefined),
    onExchange: (e) => out.push(e),
    tlsHint: 'Trust the CA.',
  });
  return { rec, out };
}

describe('ExchangeRecorder', () => {
  it('joins head, bodies and end into one exchange with times relative to the request start', async () => {
    const { rec, out } = recorder();
    rec.onRequestInitiated(requestHead('a'));
    rec.onRequestBodyData(chunk('a', '{"title":"x"}', 1, true));
    rec.onResponseInitiated(responseHead('a'));
    rec.onResponseBodyData(chunk('a', '{"success":true}', 7, true));
    await rec.drain();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      id: 'a',
      source: 'intercept',
      endpoint: 'chats.new',
      startedAt: '2026-01-01T00:00:00.000Z',
      request: {
        method: 'POST',
        body: '{"title":"x"}',
        headers: [
          { name: 'Host', value: 'chat.qwen.ai' },
          { name: 'Content-Type', value: 'application/json' },
        ],
      },
      response: { status: 200, body: '{"success":true}', chunks: [{ t: 7, size: 16 }] },
      timings: { wait: 5, receive: 2, total: 7 },
      tags: ['mapped:chat.qwen.ai=http://127.0.0.1:8787'],
    });
    expect(rec.inFlight).toBe(0);
  });

  it('keeps a chunk that arrives before its response head, and parses event-stream chunks into events', async () => {
    const { rec, out } = recorder();
    rec.onRequestInitiated(requestHead('b', 'https://chat.qwen.ai/api/v2/chat/completions?chat_id=1'));
    rec.onRequestBodyData(chunk('b', '', 0, true));
    rec.onResponseBodyData(chunk('b', 'data: {"n":1}\n\n', 20));
    rec.onResponseInitiated(responseHead('b', 'text/event-stream'));
    rec.onResponseBodyData(chunk('b', 'data: {"n":2}\n\n', 60, true));
    await rec.drain();
    expect(out[0]!.response!.sse).toEqual([
      { t: 20, data: '{"n":1}' },
      { t: 60, data: '{"n":2}' },
    ]);
  });

  it('waits for the upload to end when the server answered before it', async () => {
    const { rec, out } = recorder();
    rec.onRequestInitiated(requestHead('c'));
    rec.onResponseInitiated(responseHead('c'));
    rec.onResponseBodyData(chunk('c', '{}', 3, true));
    await rec.drain();
    expect(out).toHaveLength(0);
    rec.onRequestBodyData(chunk('c', 'late', 4, true));
    await rec.drain();
    expect(out[0]!.request.body).toBe('late');
  });

  it('records an abort that comes alone, as a client abort without a response', async () => {
    const { rec, out } = recorder();
    const aborted: AbortedRequest = {
      ...requestHead('d'),
      timingEvents: { startTime: 0, startTimestamp: START, abortedTimestamp: START + 9 },
    };
    rec.onAbort(aborted);
    await rec.drain();
    expect(out[0]).toMatchObject({
      error: { code: 'ABORTED' },
      tags: expect.arrayContaining(['client-aborted']),
      timings: { total: 9 },
    });
    expect(out[0]!.response).toBeUndefined();
  });

  it('drops every event of a host outside the include list', async () => {
    const { rec, out } = recorder();
    rec.onRequestInitiated(requestHead('e', 'https://www.google.com/x', 'GET'));
    rec.onRequestBodyData(chunk('e', '', 0, true));
    rec.onResponseInitiated(responseHead('e'));
    rec.onResponseBodyData(chunk('e', 'x', 2, true));
    rec.onAbort({ ...requestHead('f', 'https://www.google.com/y', 'GET') });
    await rec.drain();
    expect(out).toEqual([]);
    expect(rec.inFlight).toBe(0);
  });

  it('records a refused handshake of an included host as a TLS error carrying the hint', () => {
    const { rec, out } = recorder();
    const failure: TlsHandshakeFailure = {
      failureCause: 'cert-rejected',
      tags: [],
      tlsMetadata: { sniHostname: 'chat.qwen.ai' },
      timingEvents: { startTime: Date.UTC(2026, 0, 1), connectTimestamp: START, failureTimestamp: START + 3 },
    };
    rec.onTlsClientError(failure);
    rec.onTlsClientError({ ...failure, tlsMetadata: { sniHostname: 'www.google.com' } });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      request: { method: 'CONNECT', url: 'https://chat.qwen.ai/' },
      error: { code: 'TLS' },
      tags: ['tls-client-error', 'tls-failure:cert-rejected'],
    });
    expect(out[0]!.notes).toContain('Trust the CA.');
  });
});
