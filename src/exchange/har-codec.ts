/**
 * Exchange <-> HAR 1.2 entry. Writing fills every field HAR requires so that other tools open our
 * captures; reading takes our `_` fields when present and falls back to what Chrome DevTools and
 * Playwright write, so their HAR files load too (see `har-migrate.ts`).
 *
 * Round trip: `harToExchanges(exchangesToHar(xs))` deep-equals `xs` for every valid Exchange. Valid
 * means: `startedAt` is ISO-8601; `url` is absolute; a response has `status >= 1` (HAR's 0 means "no
 * response"); `statusText` and `httpVersion`, when present, are not empty (HAR writes unknown ones as
 * `''`, which reads back as absent); `bodyEncoding` only appears with a `body`.
 */
import { ProbeError } from './errors.js';
import { headerValue, type Exchange, type ExchangeRequest, type ExchangeResponse } from './exchange.js';
import type { Har, HarCreator, HarEntry, HarLog, HarPostData, HarResponse, HarTimings } from './har-types.js';
import { CURRENT_FORMAT_VERSION, migrateHar, migrateHarEntry } from './har-migrate.js';
import {
  bodyByteLength,
  mediaType,
  parseCookieHeaders,
  parseQueryString,
  parseSetCookieHeaders,
} from './http-fields.js';
import { decodeHarEntry } from './har-entry-decoder.js';

/** Creator written when the caller names none. Kept in step with package.json by hand (no I/O here). */
export const DEFAULT_CREATOR: HarCreator = { name: 'qwen-probe', version: '0.1.0' };

/** Options for the `log` object of a HAR we write. */
export interface HarLogOptions {
  readonly creator?: HarCreator;
  readonly comment?: string;
  /** Stored as `log._source`: the source given to entries that carry none. */
  readonly source?: Exchange['source'];
  /** Stored as `log._redacted`: every entry went through redaction. */
  readonly redacted?: boolean;
}

/** The `log` object without entries, in the field order our writer puts on disk (version first). */
export function createHarLog(options: HarLogOptions = {}): HarLog {
  // Built key by key: the capture writer puts the fields on disk in this order, `entries` last,
  // so that a streaming reader knows the format version before the first entry.
  const log: Omit<HarLog, 'entries'> = {
    version: '1.2',
    creator: { ...(options.creator ?? DEFAULT_CREATOR) },
    _formatVersion: CURRENT_FORMAT_VERSION,
  };
  if (options.source !== undefined) log._source = options.source;
  if (options.redacted !== undefined) log._redacted = options.redacted;
  if (options.comment !== undefined) log.comment = options.comment;
  return { ...log, entries: [] };
}

/** A whole HAR document holding these exchanges, in order. */
export function exchangesToHar(exchanges: readonly Exchange[], options: HarLogOptions = {}): Har {
  const log = createHarLog(options);
  return { log: { ...log, entries: exchanges.map(exchangeToHarEntry) } };
}

/** Every exchange of a HAR document: ours of any version, or a foreign HAR (Chrome, Playwright). */
export function harToExchanges(har: unknown): Exchange[] {
  if (!isHar(har)) throw new ProbeError('E_CAPTURE_FORMAT', 'not a HAR document: no log.entries array');
  const log = migrateHar(har.log);
  return log.entries.map((entry, index) => decodeHarEntry(entry, index));
}

/**
 * One HAR entry back to an Exchange. An entry without `_source` is taken as a foreign one (Chrome,
 * Playwright): its id comes from `index` (`har-1` for index 0) and its source is `browser`.
 */
export function harEntryToExchange(entry: HarEntry, index = 0): Exchange {
  const version = typeof entry?._source === 'string' ? CURRENT_FORMAT_VERSION : 0;
  return decodeHarEntry(migrateHarEntry(entry, version, { index, defaultSource: 'browser' }), index);
}

/** One Exchange as a HAR 1.2 entry; an exchange without response gets Chrome's status-0 response. */
export function exchangeToHarEntry(ex: Exchange): HarEntry {
  const entry: HarEntry = {
    startedDateTime: ex.startedAt,
    time: 0,
    request: encodeRequest(ex.request),
    response: ex.response ? encodeResponse(ex.response) : noResponse(),
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    _id: ex.id,
    _source: ex.source,
  };
  const timings = harTimings(ex);
  entry.time = timings.time;
  entry.timings = timings.timings;
  if (ex.endpoint !== undefined) entry._endpoint = ex.endpoint;
  if (ex.tags !== undefined) entry._tags = [...ex.tags];
  if (ex.notes !== undefined) entry._notes = ex.notes;
  if (ex.timings !== undefined) entry._timings = { ...ex.timings };
  if (ex.error !== undefined) entry._error = { code: ex.error.code, message: ex.error.message };
  if (ex.toolFields?.resourceType !== undefined) entry._resourceType = ex.toolFields.resourceType;
  if (ex.toolFields?.initiator !== undefined) entry._initiator = ex.toolFields.initiator;
  if (ex.toolFields?.transferSize !== undefined && ex.response)
    entry.response._transferSize = ex.toolFields.transferSize;
  return entry;
}

function encodeRequest(request: ExchangeRequest): HarEntry['request'] {
  const har: HarEntry['request'] = {
    method: request.method,
    url: request.url,
    httpVersion: request.httpVersion ?? '',
    cookies: parseCookieHeaders(request.headers),
    headers: request.headers.map(({ name, value }) => ({ name, value })),
    queryString: parseQueryString(request.url),
    headersSize: -1,
    bodySize: bodyByteLength(request.body, request.bodyEncoding),
  };
  if (request.body !== undefined) {
    const postData: HarPostData = {
      mimeType: mediaType(headerValue(request.headers, 'content-type')) ?? 'application/octet-stream',
      text: request.body,
    };
    if (request.bodyEncoding === 'base64') postData._encoding = 'base64';
    har.postData = postData;
  }
  return har;
}

function encodeResponse(response: ExchangeResponse): HarResponse {
  const size = bodyByteLength(response.body, response.bodyEncoding);
  const contentEncoding = headerValue(response.headers, 'content-encoding')?.trim().toLowerCase();
  const har: HarResponse = {
    status: response.status,
    statusText: response.statusText ?? '',
    httpVersion: response.httpVersion ?? '',
    cookies: parseSetCookieHeaders(response.headers),
    headers: response.headers.map(({ name, value }) => ({ name, value })),
    content: { size, mimeType: headerValue(response.headers, 'content-type') ?? 'x-unknown' },
    redirectURL: headerValue(response.headers, 'location') ?? '',
    headersSize: -1,
    // We hold the decoded body; its size on the wire is unknown when it was compressed.
    bodySize: contentEncoding === undefined || contentEncoding === 'identity' ? size : -1,
  };
  if (response.body !== undefined) har.content.text = response.body;
  if (response.bodyEncoding === 'base64') har.content.encoding = 'base64';
  if (response.sse !== undefined) har._sse = response.sse.map((event) => ({ ...event }));
  if (response.chunks !== undefined) har._chunks = response.chunks.map((chunk) => ({ ...chunk }));
  return har;
}

/** What Chrome DevTools writes for a request that failed before any response. */
function noResponse(): HarResponse {
  return {
    status: 0,
    statusText: '',
    httpVersion: '',
    cookies: [],
    headers: [],
    content: { size: 0, mimeType: 'x-unknown' },
    redirectURL: '',
    headersSize: -1,
    bodySize: -1,
  };
}

/**
 * HAR timings from ours. HAR requires send/wait/receive >= 0 and `time` = sum of known timings, so
 * unknown ones become 0, and any part of `total` not covered by wait + receive goes to `blocked`.
 * The exact Exchange timings ride in `_timings`; these are for other tools' waterfalls.
 */
function harTimings(ex: Exchange): { time: number; timings: HarTimings } {
  const known = (value: number | undefined): number =>
    value !== undefined && Number.isFinite(value) && value >= 0 ? value : 0;
  const wait = known(ex.timings?.wait);
  const receive = known(ex.timings?.receive);
  const total = known(ex.timings?.total);
  const timings: HarTimings = { send: 0, wait, receive };
  const blocked = total - wait - receive;
  if (blocked > 0) timings.blocked = blocked;
  return { time: Math.max(total, wait + receive), timings };
}

function isHar(value: unknown): value is Har {
  if (typeof value !== 'object' || value === null) return false;
  const log = (value as { log?: unknown }).log;
  return typeof log === 'object' && log !== null && Array.isArray((log as { entries?: unknown }).entries);
}
