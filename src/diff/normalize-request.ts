/**
 * A request in the form the comparison reads: header names lower-cased with duplicates joined,
 * HTTP/2 pseudo-headers and hop-by-hop headers dropped, the Cookie header split into cookies, the
 * query string parsed, JSON and form bodies parsed. Two requests that differ only in these ways
 * compare equal; header order is kept aside and reported on its own.
 */
import type { ExchangeRequest } from '../exchange/exchange.js';
import { classifyEndpoint, isApiPath, pathTemplate } from '../upstream/endpoints.js';
import type { JsonValue } from './finding.js';

/**
 * Headers left out of the comparison, with why. Rules as data: a user who wants one compared
 * removes it here.
 */
export const IGNORED_HEADERS: Readonly<Record<string, string>> = {
  connection: 'hop-by-hop',
  'keep-alive': 'hop-by-hop',
  'proxy-connection': 'hop-by-hop',
  'transfer-encoding': 'hop-by-hop',
  upgrade: 'hop-by-hop',
  te: 'hop-by-hop',
  trailer: 'hop-by-hop',
  'content-length': 'derived from the body, which is compared itself',
  host: 'derived from the URL, whose origin is compared itself',
};

/** Bodies above this many characters are compared as a whole, not field by field. */
export const DEFAULT_MAX_BODY_CHARS = 8 * 1024 * 1024;

/** One compared header: all its occurrences under the lower-case name. */
export interface NormalizedHeader {
  /** Lower case. */
  readonly name: string;
  /** As sent (first occurrence), so that a fix can keep the sender's spelling. */
  readonly rawName: string;
  /** Values of all occurrences joined with `, ` (RFC 9110 field combination). */
  readonly value: string;
}

/** A cookie (or any name/value pair). */
export interface NameValue {
  readonly name: string;
  readonly value: string;
}

/** A body as the comparison reads it. */
export type NormalizedBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: JsonValue }
  /** `application/x-www-form-urlencoded`: fields as an object; repeated names become arrays. */
  | { readonly kind: 'form'; readonly value: { readonly [name: string]: JsonValue } }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly base64: string; readonly bytes: number }
  | { readonly kind: 'too-large'; readonly text: string; readonly chars: number };

/** A request in comparable form. */
export interface NormalizedRequest {
  readonly method: string;
  readonly url: string;
  /** `https://chat.qwen.ai`; `''` when the URL has none. */
  readonly origin: string;
  readonly path: string;
  /** The endpoint's template, or the path with id-like segments replaced (`pathTemplate`). */
  readonly template: string;
  readonly endpoint?: string;
  /** Compared headers, in order of first appearance; no Cookie, no ignored ones. */
  readonly headers: readonly NormalizedHeader[];
  /** Lower-case names of all compared headers plus `cookie`, in wire order, for the order finding. */
  readonly headerOrder: readonly string[];
  readonly cookies: readonly NameValue[];
  /** Query parameters; a repeated name holds an array. */
  readonly query: { readonly [name: string]: JsonValue };
  readonly body: NormalizedBody;
}

/** How to normalise: the endpoint when the caller knows it, the size above which bodies stay whole. */
export interface NormalizeOptions {
  readonly endpoint?: string | undefined;
  readonly maxBodyChars?: number | undefined;
}

// `classifyEndpoint` and `pathTemplate` parse the URL with `new URL` each time; captures repeat a
// handful of paths thousands of times, so routes are memoised by method and path (bounded).
const routes = new Map<string, { endpoint?: string; template: string; api: boolean }>();
const ROUTE_CACHE_LIMIT = 10_000;

/** The endpoint (if the protocol model knows it), path template and API-ness of a request. */
export function routeOf(
  method: string,
  url: string,
): { readonly endpoint?: string; readonly template: string; readonly api: boolean } {
  const upper = method.toUpperCase();
  const { path } = splitUrl(url);
  const key = `${upper} ${path}`;
  let route = routes.get(key);
  if (!route) {
    const endpoint = classifyEndpoint(upper, path);
    route = {
      ...(endpoint !== undefined ? { endpoint } : {}),
      template: pathTemplate(upper, path),
      api: isApiPath(path),
    };
    if (routes.size >= ROUTE_CACHE_LIMIT) routes.clear();
    routes.set(key, route);
  }
  return route;
}

/** Splits a URL without throwing: whatever went over the wire may not be a valid URL. */
export function splitUrl(url: string): { origin: string; path: string; query: string } {
  const hash = url.indexOf('#');
  const noFragment = hash === -1 ? url : url.slice(0, hash);
  const q = noFragment.indexOf('?');
  const beforeQuery = q === -1 ? noFragment : noFragment.slice(0, q);
  const query = q === -1 ? '' : noFragment.slice(q + 1);
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(beforeQuery);
  const origin = m ? m[1]!.toLowerCase() : '';
  const path = (m ? m[2]! : beforeQuery) || '/';
  return { origin, path, query };
}

/** A request in comparable form (see the file comment for what is normalised and why). */
export function normalizeRequest(request: ExchangeRequest, options: NormalizeOptions = {}): NormalizedRequest {
  const { origin, path, query } = splitUrl(request.url);
  const method = request.method.toUpperCase();
  const headers = new Map<string, { rawName: string; values: string[] }>();
  const headerOrder: string[] = [];
  const cookies: NameValue[] = [];
  let contentType: string | undefined;
  for (const { name, value } of request.headers) {
    const lower = name.toLowerCase();
    // HTTP/2 pseudo-headers repeat the method and URL, which are compared themselves.
    if (lower.startsWith(':') || Object.hasOwn(IGNORED_HEADERS, lower)) continue;
    if (lower === 'cookie') {
      cookies.push(...splitCookies(value));
      if (!headerOrder.includes('cookie')) headerOrder.push('cookie');
      continue;
    }
    if (lower === 'content-type' && contentType === undefined) contentType = value;
    const entry = headers.get(lower);
    if (entry) entry.values.push(value);
    else {
      headers.set(lower, { rawName: name, values: [value] });
      headerOrder.push(lower);
    }
  }
  const route = routeOf(method, request.url);
  const endpoint = options.endpoint ?? route.endpoint;
  return {
    method,
    url: request.url,
    origin,
    path,
    template: route.template,
    ...(endpoint !== undefined ? { endpoint } : {}),
    headers: [...headers].map(([name, h]) => ({ name, rawName: h.rawName, value: h.values.join(', ') })),
    headerOrder,
    cookies,
    query: parseQuery(query),
    body: normalizeBody(request, contentType, options.maxBodyChars ?? DEFAULT_MAX_BODY_CHARS),
  };
}

/** `a=1; b=2` to name/value pairs; a cookie without `=` has an empty value. */
function splitCookies(header: string): NameValue[] {
  const out: NameValue[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim();
    if (name === '') continue;
    out.push({ name, value: eq === -1 ? '' : part.slice(eq + 1).trim() });
  }
  return out;
}

/** A query string or form body as an object; repeated names collect into arrays. */
function parseQuery(query: string): { [name: string]: JsonValue } {
  const out: { [name: string]: JsonValue } = {};
  if (query === '') return out;
  for (const [name, value] of new URLSearchParams(query)) {
    const prev = Object.hasOwn(out, name) ? out[name] : undefined;
    const next: JsonValue =
      prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev as string, value];
    Object.defineProperty(out, name, { value: next, writable: true, enumerable: true, configurable: true });
  }
  return out;
}

function normalizeBody(request: ExchangeRequest, contentType: string | undefined, maxChars: number): NormalizedBody {
  const body = request.body;
  if (body === undefined || body === '') return { kind: 'none' };
  if (request.bodyEncoding === 'base64')
    return { kind: 'binary', base64: body, bytes: Math.floor((body.replace(/=+$/, '').length * 3) / 4) };
  if (body.length > maxChars) return { kind: 'too-large', text: body, chars: body.length };
  const type = (contentType ?? '').toLowerCase();
  const first = body.trimStart()[0];
  // Clients mislabel JSON (text/plain, none at all, curl -d's form type), so the body's first
  // character decides too.
  const jsonish = first === '{' || first === '[';
  if (type.includes('application/x-www-form-urlencoded') && !jsonish) return { kind: 'form', value: parseQuery(body) };
  if (type.includes('json') || jsonish) {
    try {
      return { kind: 'json', value: JSON.parse(body) as JsonValue };
    } catch {
      // Not JSON after all: compared as text, and the content type finding (if any) says why.
    }
  }
  return { kind: 'text', text: body };
}

/** The body as one JSON value for field-by-field comparison, or undefined when it has none. */
export function bodyValue(body: NormalizedBody): JsonValue | undefined {
  switch (body.kind) {
    case 'json':
    case 'form':
      return body.value;
    case 'text':
    case 'too-large':
      return body.text;
    case 'binary':
      return body.base64;
    case 'none':
      return undefined;
  }
}
