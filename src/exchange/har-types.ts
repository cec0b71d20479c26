/**
 * HAR 1.2 as we write and read it (http://www.softwareishard.com/blog/har-12-spec/), plus our
 * `_`-prefixed extensions. The spec lets any object carry fields that start with `_`; other tools
 * ignore them, which is what keeps our captures openable in Chrome DevTools and Playwright.
 *
 * Where our extensions live (format version 1):
 * - on the entry: `_id`, `_source`, `_endpoint`, `_tags`, `_notes`, `_timings`, `_error`;
 * - on the response: `_sse`, `_chunks` (they describe the response body, so they sit beside `content`);
 * - on the request's `postData`: `_encoding: 'base64'` (HAR 1.2 defines `encoding` only on `content`);
 * - on the log: `_formatVersion`, `_source` (default source of entries), `_redacted`.
 */
import type { JsonValue } from '../common/json-value.js';
import type { Chunk, ExchangeError, ExchangeSource, ExchangeTimings, SseEvent } from './exchange.js';

/** A name/value pair: headers, query parameters. */
export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

/** A cookie as HAR lists it (derived from `Cookie` / `Set-Cookie` headers; headers stay the truth). */
export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  /** ISO-8601, or null for a session cookie. */
  expires?: string | null;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
}

/** The request body (`postData`). */
export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: { name: string; value?: string; fileName?: string; contentType?: string }[];
  /** Ours: `base64` when `text` is base64 of a binary body. */
  _encoding?: 'base64';
  /** Some tools write a non-standard `encoding`; we read it, never write it. */
  encoding?: string;
  /** Playwright `content: 'attach'`: the body is in a side file, not in `text`. */
  _file?: string;
  comment?: string;
}

/** The request of an entry. */
export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

/** The response body (`content`). `size` counts decoded bytes. */
export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  /** Playwright `content: 'attach'`: the body is in a side file. */
  _file?: string;
  comment?: string;
}

/** The response of an entry; HAR requires one even when none arrived. */
export interface HarResponse {
  /** 0 (Chrome) or -1 (Playwright) when no response arrived. */
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  /** Ours: server-sent events with arrival times. */
  _sse?: SseEvent[];
  /** Ours: raw body chunks with arrival times. */
  _chunks?: Chunk[];
  /** Chrome DevTools: failure text of a request that got no response (`net::ERR_FAILED`). */
  _error?: string | null;
  /** Playwright: failure text of a request that got no response. */
  _failureText?: string | null;
  /** Chrome DevTools: bytes on the wire (kept as `Exchange.toolFields.transferSize`). */
  _transferSize?: number;
  comment?: string;
}

/** HAR timings. `send`, `wait` and `receive` must be >= 0 (-1 "unknown" is only for the others). */
export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

/** One request/response pair: the on-disk form of an Exchange. */
export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  /** Sum of the non -1 timings, in ms. */
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _id?: string;
  _source?: ExchangeSource;
  _endpoint?: string;
  _tags?: string[];
  _notes?: string;
  /** Ours: the Exchange timings verbatim; HAR timings cannot say "absent" for send/wait/receive. */
  _timings?: ExchangeTimings;
  _error?: ExchangeError;
  /** Chrome DevTools, Playwright: `fetch`, `xhr`, `document`, ... (kept as `Exchange.toolFields`). */
  _resourceType?: string;
  /** Chrome DevTools: who started the request (kept as `Exchange.toolFields`). */
  _initiator?: JsonValue;
}

/** The tool that wrote the file (also the shape of `log.browser`). */
export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

/** The `log` object: the whole capture. */
export interface HarLog {
  version: string;
  creator: HarCreator;
  browser?: HarCreator;
  pages?: unknown[];
  entries: HarEntry[];
  comment?: string;
  /** Version of our `_` extensions; absent in HAR files written by other tools (treated as 0). */
  _formatVersion?: number;
  /** Source given to entries that carry no `_source`. */
  _source?: ExchangeSource;
  /** True when every entry went through `redactExchange` before it was written. */
  _redacted?: boolean;
}

/** A HAR document. */
export interface Har {
  log: HarLog;
}
