/**
 * The facts about one API request that rules and handlers look at, gathered once: endpoint, query,
 * headers, cookies, the parsed body and the state of the token. Reading a field never throws: a
 * field that is not there is `undefined`, whatever the body looks like.
 */
import type { FieldRef } from './profile-schema.js';
import type { TokenCheck } from './jwt.js';

export type ParsedBody =
  { readonly kind: 'empty' } | { readonly kind: 'json'; readonly value: unknown } | { readonly kind: 'invalid' };

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
}

/** Parses a Cookie header (`a=1; b=2`); the first value of a repeated name wins, as browsers send it. */
export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

export function parseBody(text: string): ParsedBody {
  if (text.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid' };
  }
}

/** Splits `messages[0].chat_type` into `['messages', 0, 'chat_type']`. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** The value at a body path, or undefined when any step is missing or of the wrong kind. */
export function getPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of splitPath(path)) {
    if (typeof key === 'number') {
      if (!Array.isArray(cur) || key >= cur.length) return undefined;
      cur = cur[key];
    } else {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
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
      return facts.body.kind === 'json' ? getPath(facts.body.value, ref.path) : undefined;
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
