/**
 * Turns mockttp's per-request events into Exchanges. mockttp reports one request as several events,
 * each on its own tick: `request-initiated` (head), `request-body-data` (chunks, the last one
 * `isEnded`), `response-initiated` (head), `response-body-data` (chunks, the last one `isEnded`), or
 * `abort`. This class joins them by request id and hands over one Exchange per finished request.
 *
 * Why these events and not `request`/`response`: the completed-message events make mockttp buffer
 * and re-wrap every body a second time, which costs a busy proxy about a third of its throughput;
 * the chunk events carry the same bytes, as they were written to the client, with their times.
 *
 * Nothing here sits on the client's path: mockttp has already written each chunk to the client when
 * it reports it, so recording can never delay a stream (design.md, "streaming is never buffered").
 */
import type { AbortedRequest, BodyData, InitiatedRequest, InitiatedResponse, TlsHandshakeFailure } from 'mockttp';
import type { Exchange } from '../../exchange/exchange.js';
import { headerValue } from '../../exchange/exchange.js';
import { classifyEndpoint } from '../../upstream/endpoints.js';
import { classifyNetError } from '../../net/net-error.js';
import type { HostMapping } from './host-rules.js';
import { ResponseBodyTap } from './response-body-tap.js';
import { encodeBody, hostnameOf, httpVersionOf, notesFor, round, tlsFailureExchange, toHeaders, toTimedBody } from './exchange-fields.js';

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
  request?: InitiatedRequest;
  requestBody: Buffer[];
  requestEnded: boolean;
  head?: InitiatedResponse;
  tap?: ResponseBodyTap;
  /** Response chunks that came before the response head (not expected, but events are async). */
  early: BodyData[];
  /** Monotonic time the response's last byte was written. */
  responseEndedAt?: number;
  aborted?: AbortedRequest;
}

/** Joins mockttp events into Exchanges; wire each `on*` method to the mockttp event of that name. */
export class ExchangeRecorder {
  private readonly pending = new Map<string, Pending>();
  /** Ids of requests to hosts outside `--include`: their later events are dropped at once. */
  private readonly ignored = new Set<string>();
  /** Exchanges being assembled (decoding a compressed body is asynchronous). */
  private readonly building = new Set<Promise<void>>();

  constructor(private readonly options: RecorderOptions) {}

  /** Number of recorded requests still in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Resolves once every finished request has been handed to `onExchange`. */
  async drain(): Promise<void> {
    while (this.building.size > 0) await Promise.all([...this.building]);
  }

  /** `request-initiated`: the head; decides at once whether this request is recorded at all. */
  onRequestInitiated(request: InitiatedRequest): void {
    if (!this.options.isIncluded(hostnameOf(request.url))) {
      this.ignored.add(request.id);
      return;
    }
    this.stateOf(request.id).request = request;
  }

  /** `request-body-data`: one piece of the upload; the last one has `isEnded`. */
  onRequestBodyData(data: BodyData): void {
    if (this.ignored.has(data.id)) return;
    const state = this.stateOf(data.id);
    if (data.content.byteLength > 0) state.requestBody.push(Buffer.from(data.content));
    if (data.isEnded) {
      state.requestEnded = true;
      this.finishIfDone(data.id, state);
    }
  }

  /** `response-initiated`: status and headers as sent to the client. */
  onResponseInitiated(head: InitiatedResponse): void {
    if (this.ignored.has(head.id)) return;
    const state = this.stateOf(head.id);
    state.head = head;
    state.tap = new ResponseBodyTap(head.rawHeaders);
    for (const data of state.early.splice(0)) this.onResponseBodyData(data);
  }

  /** `response-body-data`: one chunk as written to the client, with its time; the last one has `isEnded`. */
  onResponseBodyData(data: BodyData): void {
    if (this.ignored.has(data.id)) {
      if (data.isEnded) this.ignored.delete(data.id);
      return;
    }
    const state = this.stateOf(data.id);
    if (!state.tap) {
      state.early.push(data);
      return;
    }
    state.tap.push(data.content, data.eventTimestamp);
    if (data.isEnded) {
      state.responseEndedAt = data.eventTimestamp;
      this.finishIfDone(data.id, state);
    }
  }

  /** `abort`: the client or the upstream broke the exchange off; what arrived so far is kept. */
  onAbort(aborted: AbortedRequest): void {
    if (this.ignored.delete(aborted.id)) return;
    // An abort can come first and alone (a request cut before its head was reported).
    if (!this.pending.has(aborted.id) && !this.options.isIncluded(hostnameOf(aborted.url))) return;
    const state = this.stateOf(aborted.id);
    state.aborted = aborted;
    state.request ??= aborted;
    this.finishIfDone(aborted.id, state);
  }

  /** `tls-client-error`: a client refused our certificate; recorded when its host is included. */
  onTlsClientError(failure: TlsHandshakeFailure): void {
    const host = failure.tlsMetadata.sniHostname ?? failure.destination?.hostname;
    if (host !== undefined && !this.options.isIncluded(host)) return;
    this.options.onExchange(tlsFailureExchange(failure, host, this.options.tlsHint));
  }

  private stateOf(id: string): Pending {
    let state = this.pending.get(id);
    if (!state) {
      state = { requestBody: [], requestEnded: false, early: [] };
      this.pending.set(id, state);
    }
    return state;
  }

  /** Done when aborted, or when both bodies ended (a server may answer before the upload ends). */
  private finishIfDone(id: string, state: Pending): void {
    const done = state.aborted !== undefined || (state.responseEndedAt !== undefined && state.requestEnded);
    if (!done || !state.request) return;
    this.pending.delete(id);
    const request = state.request;
    const job = this.build(request, state)
      .then((exchange) => this.options.onExchange(exchange))
      // A bug in assembling one exchange must not take the proxy (and every other client) down.
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => this.building.delete(job));
    this.building.add(job);
  }

  private async build(request: InitiatedRequest, state: Pending): Promise<Exchange> {
    const start = request.timingEvents.startTimestamp;
    const host = hostnameOf(request.url);
    const mapping = this.options.mappingFor(host);
    const tags: string[] = [];
    if (mapping) tags.push(`mapped:${mapping.host}=${mapping.origin}`);
    if (request.httpVersion.startsWith('2')) tags.push('http2');
    const { head, aborted } = state;
    const body = await state.tap?.finish();
    let error: Exchange['error'];
    if (aborted) {
      const cause = aborted.error;
      const code = cause ? classifyNetError({ code: cause.code }) : 'ABORTED';
      error = { code, message: cause?.message ?? 'the client closed the connection before the response was complete' };
      // mockttp words failures it mirrors from the upstream side this way.
      tags.push(cause?.message?.startsWith('Upstream') === true ? `upstream-error:${code}` : 'client-aborted');
      if (head) tags.push('stream-cut');
    }
    if (body?.decodeFailed) tags.push('body-undecodable');
    const headers = toHeaders(request.rawHeaders);
    const requestBody = Buffer.concat(state.requestBody);
    const endAt = aborted?.timingEvents.abortedTimestamp ?? state.responseEndedAt;
    const wait = head?.timingEvents.headersSentTimestamp !== undefined ? round(head.timingEvents.headersSentTimestamp - start) : undefined;
    const total = endAt !== undefined ? round(endAt - start) : undefined;
    const endpoint = classifyEndpoint(request.method, request.url);
    const notes = notesFor(host, mapping, error);
    return {
      id: request.id,
      source: 'intercept',
      ...(endpoint ? { endpoint } : {}),
      ...(tags.length > 0 ? { tags } : {}),
      ...(notes ? { notes } : {}),
      startedAt: new Date(request.timingEvents.startTime).toISOString(),
      request: {
        method: request.method,
        url: request.url,
        httpVersion: httpVersionOf(request.httpVersion),
        headers,
        ...(requestBody.byteLength > 0 ? encodeBody(requestBody, headerValue(headers, 'content-type')) : {}),
      },
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
