/**
 * A request split the way learn and lint read it: headers by lower-case name (repeats joined with
 * `, `, hop-by-hop and pseudo-headers left out, as the diff does), cookies by name (first value
 * wins, as servers read them), query parameters (first value wins), and the body parsed as JSON
 * (or kept as text). Both sides use this one reading, so a header or cookie means the same to both.
 */
import { parseCookiePairs } from '../common/index.js';
import { IGNORED_HEADERS } from '../diff/index.js';
import type { ExchangeRequest } from '../exchange/exchange.js';

/** The parts of one request. */
export interface RequestParts {
  readonly headers: ReadonlyMap<string, string>;
  readonly cookies: ReadonlyMap<string, string>;
  readonly query: ReadonlyMap<string, string>;
  /** The body: parsed JSON, or its text when it is not JSON; absent for none, empty or binary bodies. */
  readonly body?: { readonly value: unknown };
}

/** Query parameters of a URL; a repeated name keeps its first value. */
export function queryOf(url: string): Map<string, string> {
  const out = new Map<string, string>();
  const hash = url.indexOf('#');
  const noFragment = hash === -1 ? url : url.slice(0, hash);
  const q = noFragment.indexOf('?');
  if (q === -1 || q === noFragment.length - 1) return out;
  for (const [name, value] of new URLSearchParams(noFragment.slice(q + 1))) if (!out.has(name)) out.set(name, value);
  return out;
}

function bodyOf(request: ExchangeRequest): { value: unknown } | undefined {
  const body = request.body;
  if (body === undefined || body === '' || request.bodyEncoding === 'base64') return undefined;
  const first = body.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return { value: JSON.parse(body) as unknown };
    } catch {
      // Not JSON after all: read as text.
    }
  }
  return { value: body };
}

/** The parts of a request (see the file comment for what is left out and why). */
export function requestParts(request: ExchangeRequest): RequestParts {
  const headers = new Map<string, string>();
  const cookies = new Map<string, string>();
  for (const { name, value } of request.headers) {
    const lower = name.toLowerCase();
    // Pseudo-headers repeat the method and URL; hop-by-hop ones belong to the connection.
    if (lower.startsWith(':') || Object.hasOwn(IGNORED_HEADERS, lower)) continue;
    if (lower === 'cookie') {
      for (const c of parseCookiePairs(value)) if (!cookies.has(c.name)) cookies.set(c.name, c.value);
    } else {
      const before = headers.get(lower);
      headers.set(lower, before === undefined ? value : `${before}, ${value}`);
    }
  }
  const body = bodyOf(request);
  return { headers, cookies, query: queryOf(request.url), ...(body ? { body } : {}) };
}
