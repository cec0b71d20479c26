/**
 * A sanitized DevTools export (exchange/read-any-capture.ts tags its exchanges) holds requests whose
 * Cookie and Authorization headers DevTools removed: sent as written they fail as unauthenticated,
 * whatever else is in them, and the token refresh has no token to replace. Before such requests are
 * sent again, the session's credentials are put where the web client sends them: a bearer
 * `authorization` header and the `token` cookie. Requests of captures that were not sanitized are
 * left alone: a missing credential there is what the sender did, maybe the very culprit.
 */
import type { Exchange, Header } from '../exchange/exchange.js';
import { CREDENTIALS_REMOVED_TAG } from '../exchange/read-any-capture.js';

/** True when an exchange came from a sanitized export. */
export function credentialsRemoved(exchange: Exchange): boolean {
  return exchange.tags?.includes(CREDENTIALS_REMOVED_TAG) === true;
}

/** The exchanges, with the session's token restored in those whose credentials the export removed. */
export function restoreRemovedCredentials(exchanges: readonly Exchange[], token: string): Exchange[] {
  return exchanges.map((exchange) => {
    if (!credentialsRemoved(exchange) || (exchange.endpoint ?? '').startsWith('auths.signin')) return exchange;
    const has = (name: string) => exchange.request.headers.some((h) => h.name.toLowerCase() === name);
    const added: Header[] = [];
    if (!has('authorization')) added.push({ name: 'authorization', value: `Bearer ${token}` });
    if (!has('cookie')) added.push({ name: 'cookie', value: `token=${token}` });
    return { ...exchange, request: { ...exchange.request, headers: [...exchange.request.headers, ...added] } };
  });
}
