/**
 * The facts about one API request that rules and handlers look at, gathered once: endpoint, query,
 * headers, cookies, the parsed body and the state of the token. Reading a field never throws: a
 * field that is not there is `undefined`, whatever the body looks like.
 */
import { valueAtPath, type JsonValue } from '../common/index.js';
import type { FieldRef } from './profile-schema.js';
import type { TokenCheck } from './jwt.js';

export type ParsedBody =
  { readonly kind: 'empty' } | { readonly kind: 'json'; readonly value: unknown } | { readonly kind: 'invalid' };

/** The TLS handshake of the connection a request came on (`simulate --tls`); absent on plain HTTP. */
export interface TlsFacts {
  /** JA4 of the ClientHello (read-tls-client-hello): stable for a client build, unlike JA3. */
  readonly ja4: string;
  readonly ja3: string;
}

export interface RequestFacts {
  /** Endpoint name from src/upstream/endpoints.ts; undefined for paths the protocol model does not know. */
  readonly endpoint: string | undefined;
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly cookies: Readonly<Record<string, string>>;
  readonly bodyText: string;
  readonly body: ParsedBody;
  readonly token: TokenCheck;
  readonly tls?: TlsFacts | undefined;
}

export function parseBody(text: string): ParsedBody {
  if (text.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid' };
  }
}

/** The value of a field; header and cookie values are strings, body values any JSON. */
export function fieldValue(facts: RequestFacts, ref: FieldRef): unknown {
  switch (ref.location) {
    case 'query':
      return facts.url.searchParams.get(ref.path) ?? undefined;
    case 'header':
      return facts.headers.get(ref.path) ?? undefined;
    case 'cookie':
      return Object.hasOwn(facts.cookies, ref.path) ? facts.cookies[ref.path] : undefined;
    case 'body':
      return facts.body.kind === 'json' ? valueAtPath(facts.body.value as JsonValue, ref.path) : undefined;
  }
}

/** The body as an object, or an empty one (arrays, strings and invalid JSON included). */
export function bodyObject(facts: RequestFacts): Record<string, unknown> {
  const v = facts.body.kind === 'json' ? facts.body.value : undefined;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The bearer token: the Authorization header, else the `token` cookie (Open WebUI reads both). */
export function bearerToken(headers: Headers, cookies: Readonly<Record<string, string>>): string | undefined {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1].trim();
  }
  return cookies['token'] || undefined;
}

/**
 * The parent a completion continues from: top-level `parent_id`, else `messages[0].parent_id`, else
 * `messages[0].parentId`; null when none is given (family-A bodies send none).
 */
export function requestedParent(facts: RequestFacts): string | null {
  for (const path of ['parent_id', 'messages[0].parent_id', 'messages[0].parentId']) {
    const v = fieldValue(facts, { location: 'body', path });
    if (typeof v === 'string') return v;
  }
  return null;
}

/**
 * Who the anti-bot layer counts a request against: the account of its token (valid or expired),
 * else the `acw_tc` WAF session of the client, else one shared anonymous bucket.
 */
export function accountKey(facts: Pick<RequestFacts, 'token' | 'cookies'>): string {
  if (facts.token.kind === 'valid' || facts.token.kind === 'expired') return `user:${facts.token.payload.id}`;
  const acw = facts.cookies['acw_tc'];
  return acw ? `acw_tc:${acw}` : 'anonymous';
}
