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
import type { Exchange, ExchangeRequest, ExchangeResponse, ExchangeTimings } from '../../exchange/exchange.js';
import { headerValue } from '../../exchange/exchange.js';
import { classifyEndpoint } from '../../upstream/endpoints.js';
import { classifyNetError } from '../../net/net-error.js';
import type { HostMapping } from './host-rules.js';
import { ResponseBodyTap, type TappedBody } from './response-body-tap.js';
import {
  addTimedBody,
  encodeBody,
  hostnameOf,
  httpVersionOf,
  notesFor,
  round,
  tlsFailureExchange,
  toHeaders,
  type Writable,
} from './exchange-fields.js';

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
  /** Hostname of the request's URL, parsed once (URL parsing is a measurable share of a busy proxy's time). */
  host: string;
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
  private readonly mappingFacts = new WeakMap<
    HostMapping,
    { readonly tag: string; readonly note: string | undefined }
  >();

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
    const host = hostnameOf(request.url);
    if (!this.options.isIncluded(host)) {
      this.ignored.add(request.id);
      return;
    }
    const state = this.stateOf(request.id);
    state.request = request;
    state.host = host;
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
    let host: string | undefined;
    if (!this.pending.has(aborted.id) && !this.options.isIncluded((host = hostnameOf(aborted.url)))) return;
    const state = this.stateOf(aborted.id);
    state.aborted = aborted;
    if (!state.request) {
      state.request = aborted;
      state.host = host ?? hostnameOf(aborted.url);
    }
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
      state = { host: '', requestBody: [], requestEnded: false, early: [] };
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
    const tap = state.tap;
    if (tap?.decodesAtEnd) {
      const job = tap
        .finish()
        .then((body) => this.options.onExchange(this.build(request, state, body)))
        // A bug in assembling one exchange must not take the proxy (and every other client) down.
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => this.building.delete(job));
      this.building.add(job);
      return;
    }
    // No content-encoding (nearly every exchange): assembled and handed over now, without promises.
    try {
      this.options.onExchange(this.build(request, state, tap?.finishNow()));
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /** The tag and note of a mapping: the same strings for every exchange it maps, so made once. */
  private factsOf(mapping: HostMapping): { readonly tag: string; readonly note: string | undefined } {
    let facts = this.mappingFacts.get(mapping);
    if (!facts) {
      facts = { tag: `mapped:${mapping.host}=${mapping.origin}`, note: notesFor(mapping.host, mapping, undefined) };
      this.mappingFacts.set(mapping, facts);
    }
    return facts;
  }

  /**
   * Assembles the Exchange. Written as plain assignments rather than conditional spreads: this runs
   * once per proxied request, and spreading temporary objects was its largest cost.
   */
  private build(request: InitiatedRequest, state: Pending, body: TappedBody | undefined): Exchange {
    const start = request.timingEvents.startTimestamp;
    const mapping = this.options.mappingFor(state.host);
    const facts = mapping ? this.factsOf(mapping) : undefined;
    const tags: string[] = [];
    if (facts) tags.push(facts.tag);
    if (request.httpVersion.startsWith('2')) tags.push('http2');
    const { head, aborted } = state;
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
    const httpVersion = httpVersionOf(request.httpVersion);
    const headers = toHeaders(request.rawHeaders);
    const req: Writable<ExchangeRequest> = { method: request.method, url: request.url, httpVersion, headers };
    const requestBody = state.requestBody.length === 1 ? state.requestBody[0]! : Buffer.concat(state.requestBody);
    if (requestBody.byteLength > 0) {
      const encoded = encodeBody(requestBody, headerValue(headers, 'content-type'));
      req.body = encoded.body;
      if (encoded.bodyEncoding) req.bodyEncoding = encoded.bodyEncoding;
    }
    const endAt = aborted?.timingEvents.abortedTimestamp ?? state.responseEndedAt;
    const sentAt = head?.timingEvents.headersSentTimestamp;
    const wait = sentAt !== undefined ? round(sentAt - start) : undefined;
    const total = endAt !== undefined ? round(endAt - start) : undefined;
    const timings: Writable<ExchangeTimings> = {};
    if (wait !== undefined) timings.wait = wait;
    if (wait !== undefined && total !== undefined) timings.receive = round(total - wait);
    if (total !== undefined) timings.total = total;

    // Keys in the usual Exchange order, so that captures and test output read the same as before.
    const exchange: Writable<Exchange> = { id: request.id, source: 'intercept' } as Writable<Exchange>;
    const endpoint = classifyEndpoint(request.method, request.url);
    if (endpoint) exchange.endpoint = endpoint;
    if (tags.length > 0) exchange.tags = tags;
    const notes = error ? notesFor(state.host, mapping, error) : facts?.note;
    if (notes) exchange.notes = notes;
    exchange.startedAt = new Date(request.timingEvents.startTime).toISOString();
    exchange.request = req;
    if (head) {
      const response: Writable<ExchangeResponse> = { status: head.statusCode } as Writable<ExchangeResponse>;
      if (head.statusMessage) response.statusText = head.statusMessage;
      response.httpVersion = httpVersion;
      response.headers = toHeaders(head.rawHeaders);
      if (body) addTimedBody(response, body, start);
      exchange.response = response;
    }
    exchange.timings = timings;
    if (error) exchange.error = error;
    return exchange;
  }
}
