/**
 * Turns mockttp's per-request events into Exchanges. mockttp reports one request as several events
 * (`request`, `response-initiated`, `response-body-data` per chunk, then `response` or `abort`), each
 * dispatched on its own tick; this class joins them by request id and hands over one Exchange when
 * the request has finished, one way or the other.
 *
 * Nothing here sits on the client's path: mockttp has already written each chunk to the client when
 * it reports it, so recording can never delay a stream (design.md, "streaming is never buffered").
 */
import { randomUUID } from 'node:crypto';
import type { AbortedRequest, BodyData, CompletedRequest, CompletedResponse, InitiatedResponse, TlsHandshakeFailure } from 'mockttp';
import type { Exchange, ExchangeRequest, ExchangeResponse, Header } from '../../exchange/exchange.js';
import { headerValue } from '../../exchange/exchange.js';
import { classifyEndpoint } from '../../upstream/endpoints.js';
import { classifyNetError } from '../../net/net-error.js';
import type { HostMapping } from './host-rules.js';
import { ResponseBodyTap, type TappedBody } from './response-body-tap.js';

/** What the recorder needs to know about the proxy it records for. */
export interface RecorderOptions {
  /** True for hosts whose traffic is recorded (`--include`). */
  readonly isIncluded: (hostname: string) => boolean;
  /** The mapping in force for a host, if any. */
  readonly mappingFor: (hostname: string) => HostMapping | undefined;
  /** Called once per finished exchange, in the order they finish. */
  readonly onExchange: (exchange: Exchange) => void;
  /** Called when an exchange could not be assembled (a bug); the proxy keeps running. */
  readonly onError?: (error: unknown) => void;
  /** Sentences added to a TLS failure: how to make that client trust our CA. */
  readonly tlsHint: string;
}

/** What is known so far about one request id. */
interface Pending {
  request?: CompletedRequest;
  head?: InitiatedResponse;
  tap?: ResponseBodyTap;
  /** Body data that came before the response head (not expected, but events are async). */
  early: BodyData[];
  end?: { kind: 'response'; response: CompletedResponse } | { kind: 'abort'; aborted: AbortedRequest };
}

/** Joins mockttp events into Exchanges; wire each `on*` method to the mockttp event of that name. */
export class ExchangeRecorder {
  private readonly pending = new Map<string, Pending>();
  /** Ids of requests to hosts outside `--include`: their later events are dropped at once. */
  private readonly ignored = new Set<string>();
  /** Exchanges being assembled (decoding a compressed body is asynchronous). */
  private readonly building = new Set<Promise<void>>();

  constructor(private readonly options: RecorderOptions) {}

  /** Number of requests still in flight (for tests and for a clean shutdown). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Resolves once every finished request has been handed to `onExchange`. */
  async drain(): Promise<void> {
    while (this.building.size > 0) await Promise.all([...this.building]);
  }

  onRequest(request: CompletedRequest): void {
    if (!this.options.isIncluded(hostnameOf(request.url))) {
      this.ignored.add(request.id);
      this.pending.delete(request.id);
      return;
    }
    const state = this.stateOf(request.id);
    state.request = request;
    this.finishIfDone(request.id, state);
  }

  onResponseInitiated(head: InitiatedResponse): void {
    if (this.ignored.has(head.id)) return;
    const state = this.stateOf(head.id);
    state.head = head;
    state.tap = new ResponseBodyTap(head.rawHeaders);
    for (const data of state.early.splice(0)) state.tap.push(data.content, data.eventTimestamp);
  }

  onResponseBodyData(data: BodyData): void {
    if (this.ignored.has(data.id)) return;
    const state = this.stateOf(data.id);
    if (state.tap) state.tap.push(data.content, data.eventTimestamp);
    else state.early.push(data);
  }

  onResponse(response: CompletedResponse): void {
    if (this.ignored.delete(response.id)) return;
    const state = this.stateOf(response.id);
    state.end = { kind: 'response', response };
    this.finishIfDone(response.id, state);
  }

  onAbort(aborted: AbortedRequest): void {
    if (this.ignored.delete(aborted.id)) return;
    const state = this.stateOf(aborted.id);
    state.end = { kind: 'abort', aborted };
    // An abort before the request completed carries the only request facts there will be.
    this.finishIfDone(aborted.id, state, true);
  }

  /** A client that refused our certificate (or gave up during the handshake) never sends a request. */
  onTlsClientError(failure: TlsHandshakeFailure): void {
    const host = failure.tlsMetadata.sniHostname ?? failure.destination?.hostname;
    if (host !== undefined && !this.options.isIncluded(host)) return;
    const port = failure.destination?.port ?? 443;
    const started = failure.timingEvents.connectTimestamp;
    this.options.onExchange({
      id: randomUUID(),
      source: 'intercept',
      startedAt: new Date(failure.timingEvents.startTime).toISOString(),
      tags: ['tls-client-error', `tls-failure:${failure.failureCause}`],
      notes: `The client broke off the TLS handshake with the proxy (${failure.failureCause}): it most likely does not trust the qwen-probe CA. ${this.options.tlsHint}`,
      request: { method: 'CONNECT', url: `https://${host ?? 'unknown-host'}${port === 443 ? '' : `:${port}`}/`, headers: [] },
      timings: { total: round(failure.timingEvents.failureTimestamp - started) },
      error: { code: 'TLS', message: `TLS handshake with the client failed: ${failure.failureCause}` },
    });
  }

  private stateOf(id: string): Pending {
    let state = this.pending.get(id);
    if (!state) {
      state = { early: [] };
      this.pending.set(id, state);
    }
    return state;
  }

  private finishIfDone(id: string, state: Pending, abortMayStandIn = false): void {
    if (!state.end) return;
    const request = state.request ?? (abortMayStandIn && state.end.kind === 'abort' ? state.end.aborted : undefined);
    if (!request) return;
    if (!state.request && !this.options.isIncluded(hostnameOf(request.url))) {
      this.pending.delete(id);
      return;
    }
    this.pending.delete(id);
    const job = this.build(request, state)
      .then((exchange) => this.options.onExchange(exchange))
      // A bug in assembling one exchange must not take the proxy (and every other client) down.
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => this.building.delete(job));
    this.building.add(job);
  }

  private async build(request: CompletedRequest | AbortedRequest, state: Pending): Promise<Exchange> {
    const start = request.timingEvents.startTimestamp;
    const host = hostnameOf(request.url);
    const mapping = this.options.mappingFor(host);
    const tags: string[] = [];
    if (mapping) tags.push(`mapped:${mapping.host}=${mapping.origin}`);
    if (request.httpVersion.startsWith('2')) tags.push('http2');
    const head = state.head;
    const body = await state.tap?.finish();
    const end = state.end!;
    const endTimestamp = end.kind === 'response' ? end.response.timingEvents.responseSentTimestamp : end.aborted.timingEvents.abortedTimestamp;
    let error: Exchange['error'];
    if (end.kind === 'abort') {
      const cause = end.aborted.error;
      const upstream = cause?.message?.startsWith('Upstream') === true;
      const code = cause ? classifyNetError({ code: cause.code }) : 'ABORTED';
      error = { code, message: cause?.message ?? 'the client closed the connection before the response was complete' };
      tags.push(upstream ? `upstream-error:${code}` : 'client-aborted');
      if (head) tags.push('stream-cut');
    }
    if (body?.decodeFailed) tags.push('body-undecodable');
    const headersSent = end.kind === 'response' ? end.response.timingEvents.headersSentTimestamp : head?.timingEvents.headersSentTimestamp;
    const wait = headersSent !== undefined ? round(headersSent - start) : undefined;
    const total = endTimestamp !== undefined ? round(endTimestamp - start) : undefined;
    const exchangeRequest = toExchangeRequest(request);
    const endpoint = classifyEndpoint(request.method, request.url);
    const notes = notesFor(host, mapping, error);
    return {
      id: request.id,
      source: 'intercept',
      ...(endpoint ? { endpoint } : {}),
      ...(tags.length > 0 ? { tags } : {}),
      ...(notes ? { notes } : {}),
      startedAt: new Date(request.timingEvents.startTime).toISOString(),
      request: exchangeRequest,
      ...(head
        ? {
            response: {
              status: head.statusCode,
              ...(head.statusMessage ? { statusText: head.statusMessage } : {}),
              httpVersion: httpVersionOf(request.httpVersion),
              headers: toHeaders(head.rawHeaders),
              ...(body ? toTimedBody(body, start) : {}),
            },
          }
        : {}),
      timings: {
        ...(wait !== undefined ? { wait } : {}),
        ...(wait !== undefined && total !== undefined ? { receive: round(total - wait) } : {}),
        ...(total !== undefined ? { total } : {}),
      },
      ...(error ? { error } : {}),
    };
  }
}

/** The human side of the facts in `tags`: what the mapping did and what to do about a failure. */
function notesFor(host: string, mapping: HostMapping | undefined, error: Exchange['error']): string | undefined {
  const notes: string[] = [];
  if (mapping) notes.push(`${mapping.host} was mapped to ${mapping.origin}; the URL is the one the client asked for.`);
  if (error?.code === 'ENOTFOUND' && !mapping) notes.push(`${host} could not be resolved (no network?). To work offline, map it: --map ${host}=http://127.0.0.1:PORT.`);
  if (error?.code === 'ECONNREFUSED' && mapping) notes.push(`Nothing accepted the connection at ${mapping.origin}: is the mapped server running?`);
  return notes.length > 0 ? notes.join(' ') : undefined;
}

function toExchangeRequest(request: CompletedRequest | AbortedRequest): ExchangeRequest {
  const headers = toHeaders(request.rawHeaders);
  const base = { method: request.method, url: request.url, httpVersion: httpVersionOf(request.httpVersion), headers };
  if (!('body' in request) || request.body.buffer.byteLength === 0) return base;
  return { ...base, ...encodeBody(request.body.buffer, headerValue(headers, 'content-type')) };
}

/** Request bodies are small and complete by the time of the `request` event, so they are decoded whole. */
function encodeBody(bytes: Buffer, contentType: string | undefined): { body: string; bodyEncoding?: 'base64' } {
  if (contentType && /^(?:image|audio|video|font)\/|octet-stream|protobuf/i.test(contentType)) return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  }
}

function toTimedBody(body: TappedBody, start: number): Pick<ExchangeResponse, 'body' | 'bodyEncoding' | 'sse' | 'chunks'> {
  const rel = (ts: number): number => round(ts - start);
  return {
    body: body.body,
    ...(body.bodyEncoding ? { bodyEncoding: body.bodyEncoding } : {}),
    ...(body.sse ? { sse: body.sse.map((e) => ({ ...e, t: rel(e.t) })) } : {}),
    chunks: body.chunks.map((c) => ({ t: rel(c.t), size: c.size })),
  };
}

function toHeaders(raw: readonly (readonly [string, string])[]): Header[] {
  return raw.map(([name, value]) => ({ name, value }));
}

function httpVersionOf(version: string): string {
  return version.startsWith('2') ? 'HTTP/2' : `HTTP/${version}`;
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return '';
  }
}

/** Milliseconds to 0.01 ms: mockttp's timestamps are sub-microsecond, which is noise in a capture. */
function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
