/** Short request and exchange builders for diff tests. */
import type { Exchange, ExchangeRequest, Header } from '../../../src/exchange/exchange.js';

export const COMPLETIONS_URL =
  'https://chat.qwen.ai/api/v2/chat/completions?chat_id=3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

/** A POST with a JSON body (given as a value) and the headers given. */
export function jsonRequest(
  body: unknown,
  options: { url?: string; headers?: Header[]; method?: string } = {},
): ExchangeRequest {
  return {
    method: options.method ?? 'POST',
    url: options.url ?? COMPLETIONS_URL,
    headers: options.headers ?? [{ name: 'Content-Type', value: 'application/json' }],
    body: JSON.stringify(body),
  };
}

let n = 0;
/** An exchange around a request; the endpoint is left to the protocol model. */
export function exchangeOf(request: ExchangeRequest, source: Exchange['source'] = 'library'): Exchange {
  n += 1;
  return { id: `t-${n}`, source, startedAt: '2026-06-01T12:00:00.000Z', request };
}
