/**
 * The one outbound HTTP client of qwen-probe: sends an `ExchangeRequest` with undici and returns
 * the whole `Exchange`, streaming included. Headers go out in the order and case given; the body is
 * read chunk by chunk and each SSE event reaches `onEvent` as it completes. Network failures come
 * back as `Exchange.error` values (what arrived before a cut is kept); only unusable input throws.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { ProbeError } from '../exchange/errors.js';
import {
  headerValue,
  isEventStream,
  type Exchange,
  type ExchangeError,
  type ExchangeRequest,
  type ExchangeResponse,
  type ExchangeSource,
  type Header,
  type SseEvent,
} from '../exchange/exchange.js';
import { BodyRecorder, isBinaryContentType } from './body-recorder.js';
import { createContentDecoder, type ContentDecoder } from './content-decoder.js';
import { classifyNetError, isInputError, netErrorMessage } from './net-error.js';
import { fromRawHeaders, toWireHeaders } from './wire-headers.js';

/** How `sendRequest` sends and what it reports while the response arrives. */
export interface SendOptions {
  readonly source: ExchangeSource;
  /** The protocol model's name for the endpoint (`chat.completions`); copied to the exchange. */
  readonly endpoint?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Longest wait from the start until the response headers (connect + server think time) → ETIMEDOUT. */
  readonly connectTimeoutMs?: number | undefined;
  /** Longest silence mid-body → ETIMEDOUT; the response so far is kept and tagged `stream-cut`. */
  readonly idleTimeoutMs?: number | undefined;
  /** Longest whole exchange → ETIMEDOUT. */
  readonly totalTimeoutMs?: number | undefined;
  onResponseStart?(status: number, headers: readonly Header[]): void;
  /** Each decoded piece of body text, `t` ms after the request start. */
  onChunk?(text: string, t: number): void;
  /** Each SSE event the moment its terminating blank line arrives. */
  onEvent?(event: SseEvent): void;
  /** An undici dispatcher, e.g. a `ProxyAgent` towards an intercepting proxy. */
  readonly dispatcher?: Dispatcher | undefined;
  readonly id?: string | undefined;
  /** Monotonic clock in ms (tests inject one); defaults to `performance.now`. */
  readonly now?: (() => number) | undefined;
  /**
   * What the returned exchange keeps of the response body. `'all'` (the default): the text, the
   * SSE events and the chunk records. `'none'`: none of them; the callbacks still fire live, and
   * the exchange's response has status and headers only and is tagged `body-not-kept`, and its
   * request has method and URL only (`request-not-kept`). For a
   * caller that consumes the body through the callbacks (the proxy), so that memory per open
   * stream does not grow with the answer.
   */
  readonly keep?: 'all' | 'none' | undefined;
}

type StopCause = 'signal' | 'connect' | 'idle' | 'total';

/** Wraps an error thrown by a caller's callback so it is re-thrown, not mistaken for a network failure. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProbeError('E_INPUT', `not a valid URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ProbeError('E_INPUT', `only http and https URLs can be sent, not ${parsed.protocol} (${url})`);
  }
  return parsed;
}

function stopMessage(cause: StopCause, options: SendOptions): string {
  switch (cause) {
    case 'connect':
      return `no response headers within ${options.connectTimeoutMs} ms`;
    case 'idle':
      return `no data for ${options.idleTimeoutMs} ms in the middle of the body`;
    case 'total':
      return `the exchange took longer than ${options.totalTimeoutMs} ms`;
    case 'signal': {
      const reason: unknown = options.signal?.reason;
      const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
      return why && !/aborted/i.test(why) ? `aborted by the caller: ${why}` : 'aborted by the caller';
    }
  }
}

/** Sends one request and records the exchange; see the module comment for the guarantees. */
export function sendRequest(request: Exchange['request'], options: SendOptions): Promise<Exchange> {
  try {
    const url = parseUrl(request.url);
    const body =
      request.body === undefined
        ? undefined
        : request.bodyEncoding === 'base64'
          ? Buffer.from(request.body, 'base64')
          : request.body;
    const bodyBytes =
      body === undefined ? undefined : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    const wire = toWireHeaders(request.headers, bodyBytes);
    // With `keep: 'none'` the exchange keeps no request headers or body either: nothing of the
    // request outlives its sending, however long the response streams (this function returns
    // without awaiting, so its frame, which holds `request`, is gone once the round trip started).
    const line = {
      method: request.method,
      url: request.url,
      ...(options.dispatcher ? {} : { httpVersion: 'HTTP/1.1' }),
    };
    const sent: ExchangeRequest =
      (options.keep ?? 'all') === 'all'
        ? {
            ...line,
            headers: wire.sent,
            ...(request.body !== undefined ? { body: request.body } : {}),
            ...(request.bodyEncoding ? { bodyEncoding: request.bodyEncoding } : {}),
          }
        : { ...line, headers: [] };
    return roundTrip(url, { flat: wire.flat, dropped: wire.dropped }, body, sent, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

async function roundTrip(
  url: URL,
  wire: { flat?: string[] | undefined; readonly dropped: readonly string[] },
  body: string | Buffer | undefined,
  sent: ExchangeRequest,
  options: SendOptions,
): Promise<Exchange> {
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const startedAt = new Date().toISOString();
  const rel = () => Math.max(0, Math.round((now() - t0) * 10) / 10);
  const keep = options.keep ?? 'all';

  const controller = new AbortController();
  let cause: StopCause | undefined;
  const stop = (why: StopCause) => {
    if (cause !== undefined) return;
    cause = why;
    controller.abort(new Error(why));
  };
  const timers: { connect?: NodeJS.Timeout; idle?: NodeJS.Timeout; total?: NodeJS.Timeout } = {};
  // The idle timeout: each chunk only records the time. Re-arming a timer per chunk costs a
  // timer-list update per chunk on the hot path; instead one timer fires when the silence could
  // at the earliest have reached the limit, and re-arms itself for the remainder if data came.
  // Real monotonic time, not `options.now`: it must agree with the clock the timer runs on.
  const idleMs = options.idleTimeoutMs;
  let lastActivity = 0;
  const checkIdle = () => {
    if (idleMs === undefined || cause !== undefined) return;
    const quiet = performance.now() - lastActivity;
    if (quiet >= idleMs) stop('idle');
    else timers.idle = setTimeout(checkIdle, idleMs - quiet);
  };
  const startIdle = () => {
    if (idleMs === undefined) return;
    lastActivity = performance.now();
    timers.idle = setTimeout(checkIdle, idleMs);
  };
  const onAbort = () => stop('signal');
  if (options.signal?.aborted) stop('signal');
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.totalTimeoutMs !== undefined) timers.total = setTimeout(() => stop('total'), options.totalTimeoutMs);
  if (options.connectTimeoutMs !== undefined)
    timers.connect = setTimeout(() => stop('connect'), options.connectTimeoutMs);

  // Callbacks run inside the body loop; an exception there is the caller's bug and must surface as such.
  const guard =
    <A extends unknown[]>(fn: ((...args: A) => void) | undefined) =>
    (...args: A) => {
      try {
        fn?.(...args);
      } catch (error) {
        throw new CallbackFailure(error);
      }
    };

  let response: ExchangeResponse | undefined;
  let recorder: BodyRecorder | undefined;
  let decoder: ContentDecoder | undefined;
  let tHeaders: number | undefined;
  let error: ExchangeError | undefined;
  try {
    if (cause !== undefined) throw new Error('aborted before sending');
    const pending = undiciRequest(url, {
      method: sent.method as Dispatcher.HttpMethod,
      ...(wire.flat ? { headers: wire.flat } : {}),
      ...(body === undefined ? {} : { body }),
      signal: controller.signal,
      responseHeaders: 'raw',
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      // Our own timers decide these when the caller set them; undici's would give other messages.
      ...(options.connectTimeoutMs !== undefined ? { headersTimeout: 0 } : {}),
      ...(options.idleTimeoutMs !== undefined ? { bodyTimeout: 0 } : {}),
    });
    // undici has copied what it sends: drop our references for the rest of a long stream.
    wire.flat = undefined;
    body = undefined;
    const res = await pending;
    tHeaders = rel();
    clearTimeout(timers.connect);
    const headers = fromRawHeaders(res.headers);
    response = { status: res.statusCode, ...(res.statusText ? { statusText: res.statusText } : {}), headers };
    const contentType = headerValue(headers, 'content-type');
    recorder = new BodyRecorder({
      sse: isEventStream(response),
      binary: isBinaryContentType(contentType),
      keep,
      ...(options.onChunk ? { onChunk: guard(options.onChunk) } : {}),
      // Only when asked for: a recorder that neither keeps nor reports events skips SSE parsing.
      ...(options.onEvent ? { onEvent: guard(options.onEvent) } : {}),
    });
    // undici hands over the bytes as sent; a compressed stream is decoded chunk by chunk, live.
    decoder = createContentDecoder(headerValue(headers, 'content-encoding'));
    guard(options.onResponseStart)(res.statusCode, headers);
    startIdle();
    for await (const chunk of res.body) {
      if (idleMs !== undefined) lastActivity = performance.now();
      const t = rel();
      const raw = chunk as Uint8Array;
      recorder.push(decoder ? await decoder.decode(raw) : raw, t, raw.byteLength);
    }
  } catch (thrown) {
    if (thrown instanceof CallbackFailure) throw thrown.error;
    if (cause === undefined && response === undefined && isInputError(thrown)) {
      throw new ProbeError('E_INPUT', `cannot send ${sent.method} ${sent.url}: ${netErrorMessage(thrown)}`, {
        cause: thrown,
      });
    }
    const code = cause === 'signal' ? 'ABORTED' : cause !== undefined ? 'ETIMEDOUT' : classifyNetError(thrown);
    error = { code, message: cause !== undefined ? stopMessage(cause, options) : netErrorMessage(thrown) };
  } finally {
    clearTimeout(timers.connect);
    clearTimeout(timers.idle);
    clearTimeout(timers.total);
    options.signal?.removeEventListener('abort', onAbort);
    decoder?.close();
  }

  const tEnd = rel();
  if (response && recorder) {
    const recorded = recorder.finish(tEnd);
    if (keep === 'all') response = { ...response, ...recorded };
  }
  const tags = [
    ...wire.dropped.map((name) => `net-dropped-header:${name}`),
    ...(keep === 'none' ? ['request-not-kept'] : []),
    ...(response && keep === 'none' ? ['body-not-kept'] : []),
    ...(error ? [`upstream-error:${error.code}`] : []),
    ...(error && response ? ['stream-cut'] : []),
  ];
  return {
    id: options.id ?? randomUUID(),
    source: options.source,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    startedAt,
    request: sent,
    ...(response ? { response } : {}),
    timings: {
      wait: tHeaders ?? -1,
      receive: tHeaders === undefined ? -1 : Math.round((tEnd - tHeaders) * 10) / 10,
      total: tEnd,
    },
    ...(error ? { error } : {}),
  };
}
