/**
 * Request header wire order from Chromium's NetLog. CDP's `requestWillBeSentExtraInfo` hands request
 * headers over sorted by name; the NetLog (`--log-net-log=FILE --net-log-capture-mode=IncludeSensitive`)
 * logs them as they went on the wire: `HTTP_TRANSACTION_SEND_REQUEST_HEADERS` (HTTP/1.x, with the
 * request line) and `HTTP_TRANSACTION_HTTP2_SEND_REQUEST_HEADERS` (HTTP/2, pseudo-headers first).
 *
 * The file is one JSON document, one event per line; while the browser runs it lacks its closing
 * `]}`, so it is read line by line and lines that do not parse are skipped.
 */
import { readFile } from 'node:fs/promises';
import type { Exchange, Header } from '../exchange/exchange.js';

/** One request's headers as the NetLog saw them sent. */
export interface NetLogRequest {
  readonly method: string;
  /** The URL from the request's job start, when the NetLog had it. */
  readonly url?: string;
  /** Path and query, from the request line (HTTP/1.x) or `:path` (HTTP/2). */
  readonly path: string;
  readonly headers: readonly Header[];
  readonly http2: boolean;
}

/** Chromium flags that write the NetLog to `path`, secrets included (values are needed to match). */
export function netLogArgs(path: string): string[] {
  return [`--log-net-log=${path}`, '--net-log-capture-mode=IncludeSensitive'];
}

interface RawEvent {
  readonly type?: number;
  readonly phase?: number;
  readonly source?: { readonly id?: number };
  readonly params?: {
    readonly headers?: unknown;
    readonly line?: unknown;
    readonly url?: unknown;
    readonly method?: unknown;
  };
}

/** `Name: value` → Header; HTTP/2 pseudo-headers keep their leading colon (`:path: /x`). */
function splitHeader(line: string): Header | undefined {
  const at = line.indexOf(':', line.startsWith(':') ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: line.slice(0, at), value: line.slice(at + 1).replace(/^ /, '') };
}

function parseConstants(text: string): Record<string, number> | undefined {
  const at = text.indexOf('"events"');
  const head = at < 0 ? text : text.slice(0, at).replace(/,\s*$/, '') + '}';
  try {
    const parsed = JSON.parse(head) as { constants?: { logEventTypes?: Record<string, number> } };
    return parsed.constants?.logEventTypes;
  } catch {
    return undefined;
  }
}

/** The sent requests of a NetLog's text, in the order they were sent. Tolerates an unfinished file. */
export function parseNetLog(text: string): NetLogRequest[] {
  const types = parseConstants(text);
  if (!types) return [];
  const startJob = types.URL_REQUEST_START_JOB;
  const h1 = types.HTTP_TRANSACTION_SEND_REQUEST_HEADERS;
  const h2 = types.HTTP_TRANSACTION_HTTP2_SEND_REQUEST_HEADERS;
  const eventsAt = text.indexOf('"events"');
  const body = eventsAt < 0 ? '' : text.slice(text.indexOf('[', eventsAt) + 1);
  const urls = new Map<number, { url: string; method: string }>();
  const requests: NetLogRequest[] = [];
  /** The last request sent by each source since its job (re)started: a resend replaces it. */
  const lastSent = new Map<number, number>();
  for (const rawLine of body.split('\n')) {
    const line = rawLine.trim().replace(/,$/, '');
    if (!line.startsWith('{')) continue;
    let event: RawEvent;
    try {
      event = JSON.parse(line) as RawEvent;
    } catch {
      continue;
    }
    const source = event.source?.id ?? -1;
    const params = event.params ?? {};
    if (event.type === startJob && typeof params.url === 'string') {
      urls.set(source, { url: params.url, method: typeof params.method === 'string' ? params.method : 'GET' });
      lastSent.delete(source);
      continue;
    }
    if ((event.type !== h1 && event.type !== h2) || !Array.isArray(params.headers)) continue;
    const headers = params.headers
      .filter((h): h is string => typeof h === 'string')
      .map(splitHeader)
      .filter((h): h is Header => h !== undefined);
    const job = urls.get(source);
    let method: string | undefined;
    let path: string | undefined;
    if (event.type === h1 && typeof params.line === 'string') {
      const [m, p] = params.line.trim().split(' ');
      method = m;
      path = p;
    } else {
      method = headers.find((h) => h.name === ':method')?.value;
      path = headers.find((h) => h.name === ':path')?.value;
    }
    method ??= job?.method;
    if (path === undefined && job) path = pathOf(job.url);
    if (!method || path === undefined) continue;
    const request: NetLogRequest = {
      method,
      path,
      headers,
      http2: event.type === h2,
      ...(job ? { url: job.url } : {}),
    };
    const previous = lastSent.get(source);
    if (previous !== undefined && requests[previous]?.method === method && requests[previous]?.path === path)
      requests[previous] = request;
    else {
      lastSent.set(source, requests.length);
      requests.push(request);
    }
  }
  return requests;
}

/** Reads a NetLog file; a missing or unreadable file has no requests. */
export async function readNetLog(path: string): Promise<NetLogRequest[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return parseNetLog(text);
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

/**
 * `recorded` in the wire order of `wire`: each wire header takes the recorded value of the same
 * name (case-insensitive, n-th occurrence to n-th), keeping the wire's spelling of the name; wire
 * headers CDP did not report (e.g. `Host`, `Connection`) are added as the NetLog shows them;
 * recorded headers the wire lacks follow at the end, in their recorded order.
 */
export function orderHeadersByWire(recorded: readonly Header[], wire: readonly Header[]): Header[] {
  const pool = new Map<string, Header[]>();
  for (const h of recorded) {
    const key = h.name.toLowerCase();
    pool.set(key, [...(pool.get(key) ?? []), h]);
  }
  const out: Header[] = [];
  for (const w of wire) {
    const match = pool.get(w.name.toLowerCase())?.shift();
    out.push(match ? { name: w.name, value: match.value } : w);
  }
  for (const rest of pool.values()) out.push(...rest);
  return out;
}

const WIRE_TAG = 'headers:wire-order';
const SORTED_TAG = 'headers:sorted';

/**
 * Reorders each exchange's request headers to the wire order the NetLog recorded. Exchanges are
 * matched to sent requests by method and URL (path and query when the NetLog lacks the URL), in
 * order of appearance; a matched exchange is tagged `headers:wire-order`, an unmatched one
 * `headers:sorted`. Exchanges without network headers (`request-headers:renderer`) are left alone.
 */
export function applyWireOrder(exchanges: readonly Exchange[], sent: readonly NetLogRequest[]): Exchange[] {
  const used = new Set<number>();
  const byTime = [...exchanges.keys()].sort((a, b) => exchanges[a]!.startedAt.localeCompare(exchanges[b]!.startedAt));
  const out = [...exchanges];
  for (const i of byTime) {
    const ex = exchanges[i]!;
    const tags = (ex.tags ?? []).filter((t) => t !== WIRE_TAG && t !== SORTED_TAG);
    if (tags.includes('request-headers:renderer')) continue;
    const method = ex.request.method;
    const path = pathOf(ex.request.url);
    const found = sent.findIndex(
      (r, n) =>
        !used.has(n) && r.method === method && (r.url !== undefined ? r.url === ex.request.url : r.path === path),
    );
    if (found < 0) {
      out[i] = { ...ex, tags: [...tags, SORTED_TAG] };
      continue;
    }
    used.add(found);
    out[i] = {
      ...ex,
      tags: [...tags, WIRE_TAG],
      request: { ...ex.request, headers: orderHeadersByWire(ex.request.headers, sent[found]!.headers) },
    };
  }
  return out;
}

/**
 * `applyWireOrder` with the NetLog at `netLogPath`: call it after the browser closed (the file is
 * complete then; before, the latest requests may be missing and come out `headers:sorted`).
 */
export async function applyNetLogHeaderOrder(exchanges: readonly Exchange[], netLogPath: string): Promise<Exchange[]> {
  return applyWireOrder(exchanges, await readNetLog(netLogPath));
}
