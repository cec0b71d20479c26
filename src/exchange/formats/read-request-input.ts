/**
 * GOOD and BAD as users have them: a HAR capture, a JSON request (`{method,url,headers,body}`, or a
 * list of them) their library logged, or a curl command line. Text in, exchanges out; the CLI does
 * the file reading. Anything else is a ProbeError `E_INPUT` with a sentence saying what was expected.
 */
import { ProbeError } from '../errors.js';
import type { Exchange, ExchangeRequest, Header } from '../exchange.js';
import { harToExchanges } from '../har-codec.js';
import { parseCurl } from './curl-command.js';

/** What an input turned out to be. */
export type RequestInputFormat = 'har' | 'json' | 'curl';

/** GOOD or BAD, read. */
export interface RequestInput {
  readonly format: RequestInputFormat;
  readonly exchanges: Exchange[];
  /** Things worth telling the user: ignored curl options, replacement characters in the text. */
  readonly notes: readonly string[];
}

/** Fixed so that reports of pasted requests are deterministic. */
const PASTED_AT = '1970-01-01T00:00:00.000Z';

/** Reads GOOD or BAD from text. `label` names the input in messages (`GOOD`, a file name). */
export function parseRequestInput(text: string, label: string): RequestInput {
  const notes: string[] = [];
  if (text.includes('\uFFFD')) notes.push(`${label} is not valid UTF-8; unreadable bytes were replaced with U+FFFD`);
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '')
    throw new ProbeError('E_INPUT', `${label} is empty: expected a HAR capture, a JSON request or a curl command line`);
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new ProbeError('E_INPUT', `${label} is not valid JSON: ${(error as Error).message}`, {
        hint: 'a HAR file, a request object {method,url,headers,body}, or a list of them',
      });
    }
    return jsonInput(value, label, notes);
  }
  if (/^(\$\s+)?\S*curl(\.exe)?\s/.test(trimmed)) {
    const { request, ignored } = parseCurl(trimmed);
    if (ignored.length > 0) notes.push(`${label}: curl options ignored: ${ignored.join(' ')}`);
    return { format: 'curl', exchanges: [pasted(request, label, 0)], notes };
  }
  throw new ProbeError(
    'E_INPUT',
    `${label} is neither a HAR capture, a JSON request nor a curl command line (it starts with ` +
      `${JSON.stringify(trimmed.slice(0, 20))})`,
  );
}

function jsonInput(value: unknown, label: string, notes: string[]): RequestInput {
  if (isRecord(value) && isRecord(value.log)) {
    if (!Array.isArray(value.log.entries))
      throw new ProbeError('E_CAPTURE_FORMAT', `${label} is not HAR: log.entries is missing or not a list`);
    return { format: 'har', exchanges: harToExchanges(value), notes };
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new ProbeError('E_INPUT', `${label} is an empty list: no request to compare`);
  return {
    format: 'json',
    exchanges: items.map((item, i) =>
      pasted(requestFromJson(item, `${label}${items.length > 1 ? `[${i}]` : ''}`), label, i),
    ),
    notes,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{method,url,headers,body}` (or an Exchange-like `{request:{…}}`) to a request. */
export function requestFromJson(value: unknown, where: string): ExchangeRequest {
  const r = isRecord(value) && isRecord(value.request) ? value.request : value;
  if (!isRecord(r) || typeof r.url !== 'string' || r.url === '') {
    throw new ProbeError(
      'E_INPUT',
      `${where} is not a request: expected an object with a "url" string (and method, headers, body)`,
    );
  }
  const method = r.method === undefined ? undefined : typeof r.method === 'string' ? r.method.toUpperCase() : undefined;
  if (r.method !== undefined && method === undefined)
    throw new ProbeError('E_INPUT', `${where}.method must be a string`);
  const headers = headersFromJson(r.headers, where);
  let body: string | undefined;
  const raw = r.body ?? r.data ?? r.json;
  if (typeof raw === 'string') body = raw;
  else if (raw !== undefined && raw !== null) body = JSON.stringify(raw);
  if (
    body !== undefined &&
    r.body === undefined &&
    r.json !== undefined &&
    !headers.some((h) => h.name.toLowerCase() === 'content-type')
  ) {
    headers.push({ name: 'Content-Type', value: 'application/json' });
  }
  const base64 = r.bodyEncoding === 'base64';
  return {
    method: method ?? (body !== undefined ? 'POST' : 'GET'),
    url: /^[a-z][a-z0-9+.-]*:\/\//i.test(r.url) ? r.url : `http://${r.url.replace(/^\/+/, '')}`,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(base64 && body !== undefined ? { bodyEncoding: 'base64' as const } : {}),
  };
}

function headersFromJson(value: unknown, where: string): Header[] {
  if (value === undefined || value === null) return [];
  const out: Header[] = [];
  const add = (name: unknown, v: unknown) => {
    if (typeof name !== 'string') throw new ProbeError('E_INPUT', `${where}.headers: a header name must be a string`);
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined || item === null) continue;
      out.push({ name, value: typeof item === 'string' ? item : String(item) });
    }
  };
  if (Array.isArray(value)) {
    for (const h of value) {
      if (Array.isArray(h)) add(h[0], h[1]);
      else if (isRecord(h)) add(h.name, h.value);
      else throw new ProbeError('E_INPUT', `${where}.headers: each header must be {name, value} or [name, value]`);
    }
  } else if (isRecord(value)) {
    for (const [name, v] of Object.entries(value)) add(name, v);
  } else throw new ProbeError('E_INPUT', `${where}.headers must be an object or a list`);
  return out;
}

function pasted(request: ExchangeRequest, label: string, i: number): Exchange {
  const id = `${label.replace(/[^\w.-]+/g, '-')}-${i + 1}`;
  return { id, source: 'library', startedAt: PASTED_AT, request };
}
