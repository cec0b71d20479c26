/**
 * Every upstream failure as the OpenAI error a client sees: a status the SDK maps to the right
 * error class, one sentence that says what happened upstream, and headers that steer the SDK's
 * retries. The SDK retries 408/409/429/5xx twice by default; a deterministic upstream error
 * (a WAF block, a validation error) would only fail three times slower, so those say
 * `x-should-retry: false`, while a cut connection or a timeout is left to the default.
 */
import type { ExchangeError } from '../exchange/exchange.js';
import { explainFailure, type UpstreamFailure } from '../upstream/upstream-failure.js';
import { proxyError, type ProxyError } from './openai-schemas.js';

const NO_RETRY = { 'x-should-retry': 'false' } as const;

/** What the client is told to do after an auth refusal. */
export const AUTH_HINT =
  'Sign in again (a fresh --session file from `qwen-probe login`, a new --token, or --user EMAIL:PASSWORD) and ' +
  'restart `qwen-probe serve`.';

/** The SDK waits for `retry-after` only up to a minute; a longer wait is not worth retrying for. */
const SDK_RETRY_LIMIT_S = 60;

function upstreamError(
  status: number,
  message: string,
  code: string,
  retry: boolean,
  extra: Record<string, string> = {},
): ProxyError {
  return proxyError(message, {
    status,
    type: 'upstream_error',
    code,
    headers: { ...(retry ? {} : NO_RETRY), ...extra },
  });
}

/**
 * The error answer for a failure. `retryAfterSeconds` overrides the failure's own wait (the pool
 * knows when the next session is back).
 */
export function errorForFailure(
  failure: UpstreamFailure,
  options: { retryAfterSeconds?: number; transport?: ExchangeError } = {},
): ProxyError {
  const explained = explainFailure(failure);
  switch (failure.kind) {
    case 'auth':
      return proxyError(`${explained} ${AUTH_HINT}`, {
        status: 401,
        type: 'authentication_error',
        code: 'upstream_auth',
        headers: NO_RETRY,
      });
    case 'rate-limited': {
      const wait = Math.max(1, Math.ceil(options.retryAfterSeconds ?? failure.retryAfterSeconds ?? 60));
      return proxyError(explained, {
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        headers: { 'retry-after': String(wait), ...(wait > SDK_RETRY_LIMIT_S ? NO_RETRY : {}) },
      });
    }
    case 'waf':
      return upstreamError(502, explained, 'upstream_waf', false);
    case 'envelope':
      return upstreamError(
        502,
        explained,
        failure.code || 'upstream_error',
        false,
        failure.requestId ? { 'x-upstream-request-id': failure.requestId } : {},
      );
    case 'in-stream':
      return upstreamError(502, explained, failure.code || 'upstream_error', false);
    case 'truncated': {
      // The reader only knows the stream stopped; the connection says why (a stall is a timeout).
      const why = options.transport ? ` Cause: ${options.transport.code} (${options.transport.message}).` : '';
      if (options.transport?.code === 'ETIMEDOUT') return upstreamError(504, explained + why, 'upstream_timeout', true);
      return upstreamError(
        502,
        explained + why,
        failure.reason === 'cut' ? 'upstream_stream_cut' : 'upstream_stream_incomplete',
        true,
      );
    }
    case 'malformed':
      return upstreamError(502, explained, 'upstream_malformed', false);
    case 'http':
      return upstreamError(502, explained, `upstream_http_${failure.httpStatus}`, failure.httpStatus >= 500);
    case 'transport':
      return failure.code === 'ETIMEDOUT'
        ? upstreamError(504, explained, 'upstream_timeout', true)
        : upstreamError(502, explained, 'upstream_unreachable', true);
  }
}
