/**
 * Fixture factory for Exchange: a realistic chat.qwen.ai completion (POST, JSON body, event-stream
 * response with two events) that a test overrides only where it cares. `request` and `response`
 * overrides merge into the defaults; `response: null` removes the response (a failed request).
 *
 *     makeExchange({ request: { url: 'https://chat.qwen.ai/api/models' } })
 *     makeExchange({ response: null, error: { code: 'ECONNRESET', message: 'socket hang up' } })
 */
import type { Exchange, ExchangeRequest, ExchangeResponse, SseEvent } from '../../src/exchange/exchange.js';
import { headerList } from './header-list.js';

/** Every field optional, and `undefined` allowed: an override of `undefined` removes the field. */
export type Loose<T> = { [K in keyof T]?: T[K] | undefined };

/** Overrides: top-level fields replace, `request` / `response` merge, `response: null` removes. */
export type ExchangeOverrides = Loose<Omit<Exchange, 'request' | 'response'>> & {
  readonly request?: Loose<ExchangeRequest> | undefined;
  readonly response?: Loose<ExchangeResponse> | null | undefined;
};

let counter = 0;

/** Default SSE events of a short completion. */
export const DEFAULT_SSE: readonly SseEvent[] = [
  { t: 120, data: '{"choices":[{"delta":{"role":"assistant","content":"Hello"}}]}' },
  { t: 180, data: '{"choices":[{"delta":{"content":" there","status":"finished"}}]}' },
];

/** SSE events as an event-stream body (`data: ...` blocks). */
export function sseBody(events: readonly SseEvent[]): string {
  return events
    .map((e) => `${e.event ? `event: ${e.event}\n` : ''}${e.id ? `id: ${e.id}\n` : ''}data: ${e.data}\n\n`)
    .join('');
}

/** A new exchange; ids count up (`ex-1`, `ex-2`, ...) unless `id` is given. */
export function makeExchange(overrides: ExchangeOverrides = {}): Exchange {
  counter += 1;
  const { request, response, ...top } = overrides;
  const base = {
    id: `ex-${counter}`,
    source: 'library',
    endpoint: 'chat.completions',
    startedAt: '2025-06-01T12:00:00.000Z',
    request: {
      method: 'POST',
      url: 'https://chat.qwen.ai/api/v2/chat/completions?chat_id=5f0c6a2e-8a43-4e0b-9a3e-1f2d3c4b5a69',
      httpVersion: 'HTTP/1.1',
      headers: headerList({
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36',
      }),
      body: '{"stream":true,"model":"qwen3-max","messages":[{"role":"user","content":"Hi"}]}',
      ...request,
    },
    response:
      response === null
        ? undefined
        : {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'content-type', value: 'text/event-stream; charset=utf-8' }],
            body: sseBody(DEFAULT_SSE),
            sse: DEFAULT_SSE,
            chunks: [
              { t: 120, size: 70 },
              { t: 180, size: 75 },
            ],
            ...response,
          },
    timings: { wait: 110, receive: 70, total: 180 },
    ...top,
  } as Exchange;
  // Drop keys whose value is undefined so that fixtures compare strictly with decoded exchanges.
  return JSON.parse(JSON.stringify(base)) as Exchange;
}
