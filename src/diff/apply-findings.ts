/**
 * Applies findings to the failing request: each one makes its field look like GOOD's (set it to
 * GOOD's value, or remove it when GOOD has none); a shared-value finding copies BAD's own value
 * across. Everything no finding names stays byte-identical: the URL is re-joined only when the
 * query or path changed, the body re-serialised only when a body field changed, new headers are
 * inserted where GOOD's order puts them. This is what `bisect` uses to try subsets of findings.
 */
import {
  cloneJson,
  parsePath,
  removeAtPath,
  setAtPath,
  type FieldLocation,
  type PathSegment,
} from '../common/index.js';
import type { ExchangeRequest, Header } from '../exchange/exchange.js';
import type { FieldRef, Finding, JsonValue } from './finding.js';
import { normalizeRequest, splitUrl, type NormalizedRequest } from './normalize-request.js';
import { fieldValue } from './shared-values.js';

interface Op {
  readonly ref: FieldRef;
  /** undefined removes the field. */
  readonly value: JsonValue | undefined;
}

/**
 * Returns BAD with the findings applied; GOOD supplies the values. Findings of other pairs are harmless if their fields
 * are absent.
 */
export function applyFindings(
  bad: ExchangeRequest,
  findings: readonly Finding[],
  good: ExchangeRequest,
): ExchangeRequest {
  const goodN = normalizeRequest(good);
  let result: ExchangeRequest = bad;
  const copiesAll = findings.filter((f) => f.applyAs?.kind === 'copy');
  const direct = findings.filter((f) => f.applyAs === undefined && f.id !== 'header-order');
  if (direct.some((f) => f.location === 'method')) result = { ...result, method: good.method };
  result = applyUrl(result, good, direct);
  result = applyOps(
    result,
    direct
      .filter((f) => !['method', 'path', 'url'].includes(f.location))
      .map((f) => ({ ref: f, value: fieldValue(goodN, f) })),
    good,
    goodN,
  );
  // A field that a direct finding also names takes GOOD's value; copying over it would undo that.
  const directFields = new Set(direct.map((f) => `${f.location} ${f.path}`));
  const copies = copiesAll.filter((f) => !directFields.has(`${f.location} ${f.path}`));
  if (copies.length > 0) {
    const current = normalizeRequest(result);
    // A source that another finding removed leaves nothing to agree with: the copy is moot.
    const ops = copies
      .map((f) => ({
        ref: { location: f.location, path: f.path },
        value: copyValue(fieldValue(current, f.applyAs!.from), f.applyAs!.from.location, f.location, f.path),
      }))
      .filter((op) => op.value !== undefined);
    result = applyOps(result, ops, good, goodN);
  }
  if (findings.some((f) => f.id === 'header-order'))
    result = { ...result, headers: reorderHeaders(result.headers, goodN.headerOrder) };
  return result;
}

// The token lives as `Bearer X` in the Authorization header and as `X` in the cookie.
function copyValue(
  value: JsonValue | undefined,
  from: FieldLocation,
  to: FieldLocation,
  toPath: string,
): JsonValue | undefined {
  if (typeof value !== 'string') return value;
  const toAuth = to === 'header' && toPath.toLowerCase() === 'authorization';
  if (from === 'header' && !toAuth) return value.replace(/^Bearer\s+/i, '');
  if (toAuth && !/^Bearer\s/i.test(value)) return `Bearer ${value}`;
  return value;
}

function applyUrl(request: ExchangeRequest, good: ExchangeRequest, findings: readonly Finding[]): ExchangeRequest {
  const path = findings.some((f) => f.location === 'path');
  const origin = findings.some((f) => f.location === 'url');
  if (!path && !origin) return request;
  const b = splitUrl(request.url);
  const g = splitUrl(good.url);
  const query = b.query === '' && !request.url.includes('?') ? '' : `?${b.query}`;
  const url = `${origin ? g.origin : b.origin}${path ? g.path : b.path}${query}`;
  return { ...request, url };
}

function applyOps(
  request: ExchangeRequest,
  ops: readonly Op[],
  good: ExchangeRequest,
  goodN: NormalizedRequest,
): ExchangeRequest {
  let result = request;
  const of = (location: FieldLocation) => ops.filter((op) => op.ref.location === location);
  const query = of('query');
  if (query.length > 0) result = { ...result, url: applyQuery(result.url, query) };
  let headers = [...result.headers];
  for (const op of of('header')) headers = setHeader(headers, op.ref.path, op.value, goodN);
  const cookies = of('cookie');
  if (cookies.length > 0) headers = applyCookies(headers, cookies, good, goodN);
  result = { ...result, headers };
  const body = of('body');
  if (body.length > 0) result = applyBody(result, body, good);
  return result;
}

function encodePairs(name: string, value: JsonValue | undefined): string[] {
  if (value === undefined) return [];
  const values = Array.isArray(value) ? (value as JsonValue[]) : [value];
  return values.map(
    (v) => `${encodeURIComponent(name)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`,
  );
}

function pairName(raw: string): string {
  const eq = raw.indexOf('=');
  const name = eq === -1 ? raw : raw.slice(0, eq);
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** Replaces named pairs of an `a=1&b=2` list in place, keeping the others byte for byte. */
function applyPairs(raw: string, ops: readonly Op[]): string {
  let pairs = raw === '' ? [] : raw.split('&');
  for (const op of ops) {
    const name = op.ref.path;
    const at = pairs.findIndex((p) => pairName(p) === name);
    pairs = pairs.filter((p) => pairName(p) !== name);
    pairs.splice(at === -1 ? pairs.length : at, 0, ...encodePairs(name, op.value));
  }
  return pairs.join('&');
}

function applyQuery(url: string, ops: readonly Op[]): string {
  const hash = url.indexOf('#');
  const fragment = hash === -1 ? '' : url.slice(hash);
  const noFragment = hash === -1 ? url : url.slice(0, hash);
  const q = noFragment.indexOf('?');
  const base = q === -1 ? noFragment : noFragment.slice(0, q);
  const query = applyPairs(q === -1 ? '' : noFragment.slice(q + 1), ops);
  return `${base}${query === '' ? '' : `?${query}`}${fragment}`;
}

function setHeader(headers: Header[], name: string, value: JsonValue | undefined, goodN: NormalizedRequest): Header[] {
  const lower = name.toLowerCase();
  const at = headers.findIndex((h) => h.name.toLowerCase() === lower);
  const rawName = at === -1 ? (goodN.headers.find((h) => h.name === lower)?.rawName ?? name) : headers[at]!.name;
  const rest = headers.filter((h) => h.name.toLowerCase() !== lower);
  if (value === undefined) return rest;
  const header = { name: rawName, value: typeof value === 'string' ? value : JSON.stringify(value) };
  const position = at === -1 ? insertPosition(rest, lower, goodN.headerOrder) : Math.min(at, rest.length);
  rest.splice(position, 0, header);
  return rest;
}

/** Where a new header goes so that the names both requests share keep GOOD's relative order. */
function insertPosition(headers: readonly Header[], lower: string, goodOrder: readonly string[]): number {
  const rank = goodOrder.indexOf(lower);
  if (rank === -1) return headers.length;
  for (let i = headers.length - 1; i >= 0; i -= 1) {
    const r = goodOrder.indexOf(headers[i]!.name.toLowerCase());
    if (r !== -1 && r < rank) return i + 1;
  }
  const firstAfter = headers.findIndex((h) => goodOrder.indexOf(h.name.toLowerCase()) > rank);
  return firstAfter === -1 ? headers.length : firstAfter;
}

function applyCookies(
  headers: Header[],
  ops: readonly Op[],
  good: ExchangeRequest,
  goodN: NormalizedRequest,
): Header[] {
  const isCookie = (h: Header) => h.name.toLowerCase() === 'cookie';
  const at = headers.findIndex(isCookie);
  let pieces = headers.filter(isCookie).flatMap((h) =>
    h.value
      .split(';')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  );
  for (const op of ops) {
    const nameOf = (p: string) => (p.includes('=') ? p.slice(0, p.indexOf('=')) : p).trim();
    const where = pieces.findIndex((p) => nameOf(p) === op.ref.path);
    pieces = pieces.filter((p) => nameOf(p) !== op.ref.path);
    if (op.value !== undefined)
      pieces.splice(where === -1 ? pieces.length : where, 0, `${op.ref.path}=${String(op.value)}`);
  }
  const rest = headers.filter((h) => !isCookie(h));
  if (pieces.length === 0) return rest;
  const name = at === -1 ? (good.headers.find(isCookie)?.name ?? 'Cookie') : headers[at]!.name;
  const position = at === -1 ? insertPosition(rest, 'cookie', goodN.headerOrder) : Math.min(at, rest.length);
  rest.splice(position, 0, { name, value: pieces.join('; ') });
  return rest;
}

function applyBody(request: ExchangeRequest, ops: readonly Op[], good: ExchangeRequest): ExchangeRequest {
  const whole = ops.find((op) => op.ref.path === '');
  let next: ExchangeRequest;
  if (whole) {
    const { body: _b, bodyEncoding: _e, ...rest } = request;
    next =
      good.body === undefined || good.body === ''
        ? rest
        : { ...rest, body: good.body, ...(good.bodyEncoding ? { bodyEncoding: good.bodyEncoding } : {}) };
  } else {
    const current = normalizeRequest(request).body;
    if (current.kind !== 'json' && current.kind !== 'form') return request;
    let root: JsonValue = cloneJson(current.value);
    const parsed = ops
      .map((op) => ({ op, segments: parsePath(op.ref.path) }))
      .filter((x): x is { op: Op; segments: PathSegment[] } => x.segments !== undefined);
    // Sets first in path order (so appended array elements land in order), then removals from the
    // back, so that removing `[1]` does not shift `[2]` out from under its own removal.
    const sets = parsed.filter((x) => x.op.value !== undefined).sort((a, b) => compareSegments(a.segments, b.segments));
    const removes = parsed
      .filter((x) => x.op.value === undefined)
      .sort((a, b) => compareSegments(b.segments, a.segments));
    for (const { op, segments } of sets) root = setAtPath(root, segments, cloneJson(op.value!));
    for (const { segments } of removes) root = removeAtPath(root, segments) ?? root;
    const text = current.kind === 'json' ? stringifyLike(request.body ?? '', root) : formText(root);
    next = { ...request, body: text };
  }
  return { ...next, headers: updateContentLength(next.headers, next.body, next.bodyEncoding) };
}

function compareSegments(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/** JSON text in the original's style: compact stays compact, an indented body keeps its indent. */
function stringifyLike(original: string, value: JsonValue): string {
  const indent = /\n([ \t]+)\S/.exec(original)?.[1];
  return indent ? JSON.stringify(value, null, indent) : JSON.stringify(value);
}

function formText(value: JsonValue): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
  return Object.keys(value)
    .flatMap((k) => encodePairs(k, (value as Record<string, JsonValue>)[k]))
    .join('&');
}

function updateContentLength(
  headers: readonly Header[],
  body: string | undefined,
  encoding: 'base64' | undefined,
): Header[] {
  const length =
    body === undefined
      ? 0
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').length
        : Buffer.byteLength(body, 'utf8');
  return headers.map((h) => (h.name.toLowerCase() === 'content-length' ? { name: h.name, value: String(length) } : h));
}

/** Puts headers in GOOD's order; pseudo-headers stay first, names GOOD lacks go last. */
export function reorderHeaders(headers: readonly Header[], goodOrder: readonly string[]): Header[] {
  const pseudo = headers.filter((h) => h.name.startsWith(':'));
  const rest = headers.filter((h) => !h.name.startsWith(':'));
  const ordered = goodOrder.flatMap((name) => rest.filter((h) => h.name.toLowerCase() === name));
  const placed = new Set(goodOrder);
  return [...pseudo, ...ordered, ...rest.filter((h) => !placed.has(h.name.toLowerCase()))];
}
