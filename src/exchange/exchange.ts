/**
 * The one data type of qwen-probe: one HTTP request, its response (when one came), timings, and an
 * `error` for failures outside HTTP. Plain readonly JSON, no methods, so it survives any serializer.
 *
 * On disk an Exchange is a HAR 1.2 entry (see `har-codec.ts`); our extra facts ride in `_` fields.
 */
import type { JsonValue } from '../common/json-value.js';

/** Who produced the exchange. */
export type ExchangeSource = 'browser' | 'intercept' | 'library' | 'replay' | 'proxy' | 'simulator';

/** One header as it went over the wire: original case, order kept by the array, duplicates allowed. */
export interface Header {
  readonly name: string;
  readonly value: string;
}

export interface ExchangeRequest {
  readonly method: string;
  /** Full URL including the query string. */
  readonly url: string;
  /** HTTP version as the sender spoke it, e.g. `HTTP/1.1`, `HTTP/2`. Unknown when absent. */
  readonly httpVersion?: string;
  readonly headers: readonly Header[];
  /** Body as text; binary bodies are base64 with `bodyEncoding: 'base64'`. Absent when there was none. */
  readonly body?: string;
  readonly bodyEncoding?: 'base64';
}

/** One server-sent event with its arrival time in ms relative to the request start. */
export interface SseEvent {
  readonly t: number;
  readonly data: string;
  readonly event?: string;
  readonly id?: string;
}

/** One raw chunk of a response body as it arrived, ms relative to the request start. */
export interface Chunk {
  readonly t: number;
  readonly size: number;
}

export interface ExchangeResponse {
  readonly status: number;
  readonly statusText?: string;
  readonly httpVersion?: string;
  readonly headers: readonly Header[];
  /** Body as text (what arrived, for a cut stream); base64 with `bodyEncoding: 'base64'` for binary. */
  readonly body?: string;
  readonly bodyEncoding?: 'base64';
  /** For event streams: every event with its arrival time. */
  readonly sse?: readonly SseEvent[];
  /** Raw body chunks with their arrival times. */
  readonly chunks?: readonly Chunk[];
}

/** Timings in ms; -1 or absent when unknown. */
export interface ExchangeTimings {
  /** Request start to the first response byte (headers). */
  readonly wait?: number;
  /** First response byte to the last. */
  readonly receive?: number;
  /** Whole exchange. */
  readonly total?: number;
}

/** A failure outside HTTP: reset, timeout, TLS, abort, DNS. An HTTP 500 is a response, not an error. */
export interface ExchangeError {
  /** Stable machine code such as `ECONNRESET`, `ETIMEDOUT`, `ABORTED`, `TLS`, `ECONNREFUSED`. */
  readonly code: string;
  readonly message: string;
}

/**
 * What browsers and their tools record about an exchange beyond HTTP, kept as read from their HAR
 * files (Chrome DevTools, Playwright) and written back: which kind of resource, who started it, how
 * many bytes crossed the network.
 */
export interface ToolFields {
  /** HAR `_resourceType`: `fetch`, `xhr`, `document`, `eventsource`, ... */
  readonly resourceType?: string;
  /** HAR `_initiator`: Chrome's `{type, url?, stack?}` object, kept as it was. */
  readonly initiator?: JsonValue;
  /** HAR `response._transferSize`: bytes on the wire, headers included. */
  readonly transferSize?: number;
}

export interface Exchange {
  readonly id: string;
  readonly source: ExchangeSource;
  /** Set by the protocol model (`chats.new`, `chat.completions`, `models`, ...); absent when unknown. */
  readonly endpoint?: string;
  /** Machine-readable facts, e.g. `upstream-error:ECONNRESET`, `redacted:authorization`, `stream-cut`. */
  readonly tags?: readonly string[];
  /** Human text. */
  readonly notes?: string;
  /** ISO-8601 time the request started. */
  readonly startedAt: string;
  readonly request: ExchangeRequest;
  readonly response?: ExchangeResponse;
  readonly timings?: ExchangeTimings;
  readonly error?: ExchangeError;
  /** Facts the capturing tool recorded (HAR `_resourceType`, `_initiator`, `_transferSize`). */
  readonly toolFields?: ToolFields;
}

/** Case-insensitive lookup of the first header with this name. */
export function headerValue(headers: readonly Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** True when the response is an event stream (by content type). */
export function isEventStream(response: ExchangeResponse | undefined): boolean {
  const type = response ? headerValue(response.headers, 'content-type') : undefined;
  return type !== undefined && type.toLowerCase().includes('text/event-stream');
}
