/**
 * What has to change in a captured request before it can be sent again as a probe or a replay,
 * beyond `refreshRequest`'s fresh ids: which volatile rules really apply to this request, whether it
 * needs a freshly created chat, and the headers that must follow the new target. Pure: no I/O.
 */
import type { ExchangeRequest, Header } from '../exchange/exchange.js';
import { requestFields } from '../exchange/request-fields.js';
import { describeSecret, parseRedactedValue } from '../exchange/secret-value.js';
import { findVolatileRule, VOLATILE_RULES, type VolatileRule } from '../upstream/volatile-rules.js';

/** True when a value (an auth scheme aside) is a JWT, or the redacted stand-in of one. */
export function looksLikeToken(value: string): boolean {
  const bare = value.replace(/^(Bearer|Token)\s+/i, '').trim();
  const redacted = parseRedactedValue(bare);
  return (redacted ?? describeSecret(bare)).kind === 'jwt';
}

/**
 * The volatile rules as they apply to this request. A token rule only refreshes a value that is a
 * token: a value of another kind (the seed's gzip+base64 "compressed" token) is part of the
 * request's own shape, possibly the very culprit a bisect looks for, not a stale copy of the
 * session's token, and overwriting it would hide the culprit.
 */
export function rulesForRequest(
  request: ExchangeRequest,
  endpoint: string | undefined,
  rules: readonly VolatileRule[] = VOLATILE_RULES,
): VolatileRule[] {
  const kept = new Set<VolatileRule>();
  for (const { location, path, value } of requestFields(request)) {
    const rule = findVolatileRule(location, path, endpoint, rules);
    if (rule?.refresh === 'token' && typeof value === 'string' && !looksLikeToken(value)) kept.add(rule);
  }
  return rules.map((r) => (kept.has(r) ? { ...r, refresh: 'keep' as const } : r));
}

/** The values of the request's chat-id fields (query and body `chat_id` of a completion). */
export function chatIdValues(
  request: ExchangeRequest,
  endpoint: string | undefined,
  rules: readonly VolatileRule[] = VOLATILE_RULES,
): string[] {
  return requestFields(request)
    .filter(
      ({ location, path }) =>
        location !== 'header' && findVolatileRule(location, path, endpoint, rules)?.refresh === 'chat-id',
    )
    .map(({ value }) => (typeof value === 'string' ? value : JSON.stringify(value)));
}

/** True when the request names a chat, so a fresh send needs a chat of its own. */
export function needsChat(
  request: ExchangeRequest,
  endpoint: string | undefined,
  rules?: readonly VolatileRule[],
): boolean {
  return chatIdValues(request, endpoint, rules).length > 0;
}

/**
 * Headers a resend must not carry as captured: `Host` names the capture's server, not the target
 * (undici derives it from the URL when absent), `Accept-Encoding` would ask for a compressed
 * body that the net layer records as bytes without decoding, so the oracle could not read it, and
 * HTTP/2 pseudo-headers (`:method`, `:authority`, `:path`, `:scheme`, in Chrome's and Firefox's HAR)
 * are the transport's to write, from the method and URL.
 */
export function resendHeaders(headers: readonly Header[]): Header[] {
  return headers.filter((h) => !h.name.startsWith(':') && !['host', 'accept-encoding'].includes(h.name.toLowerCase()));
}
