/**
 * CDP Network events → Exchanges. One assembler per page target (CDP request ids are per target).
 * It only listens and asks for bodies; it never intercepts, so the page gets every byte when it
 * would have without us ("recording never delays the page"). Event streams are streamed to us
 * (`Network.streamResourceContent`) as they arrive; other bodies are fetched right after
 * `loadingFinished`, before Chromium may evict them.
 *
 * Pure of Playwright: it takes `(method, params)` pairs and a `CdpCommands` object, so tests feed
 * it recorded event sequences.
 */
import { randomUUID } from 'node:crypto';
import type { Exchange, ExchangeError, Header, SseEvent } from '../exchange/exchange.js';
import { classifyEndpoint } from '../upstream/endpoints.js';
import {
  errorCodeOf,
  errorMessageOf,
  headersFromCdp,
  type CdpCommands,
  type DataReceived,
  type LoadingFailed,
  type LoadingFinished,
  type RequestWillBeSent,
  type RequestWillBeSentExtraInfo,
  type ResponseReceived,
  type ResponseReceivedExtraInfo,
} from './cdp-events.js';
import { LiveBody } from './live-body.js';
import { buildExchange, type OpenRequest } from './open-request.js';

/** How an assembler is wired. */
export interface AssemblerOptions {
  readonly commands: CdpCommands;
  /** Which requests to record; decided once, when the request starts. */
  readonly shouldRecord: (url: string, method: string) => boolean;
  /** Each exchange once it is complete (or failed, or cut). */
  readonly onExchange: (exchange: Exchange) => void;
  /** Each event-stream event as it arrives, with the id its exchange will get. */
  readonly onStreamEvent?: (exchangeId: string, url: string, event: SseEvent) => void;
  readonly newId?: () => string;
}

/** CDP Network events every assembler subscribes to. */
export const ASSEMBLER_EVENTS = [
  'Network.requestWillBeSent',
  'Network.requestWillBeSentExtraInfo',
  'Network.responseReceived',
  'Network.responseReceivedExtraInfo',
  'Network.dataReceived',
  'Network.loadingFinished',
  'Network.loadingFailed',
] as const;

// Extra-info events may come before their request; kept briefly, and capped so a page that makes
// thousands of unrecorded requests cannot grow them without bound.
const ORPHAN_LIMIT = 500;

function ms(from: number, to: number): number {
  return Math.max(0, Math.round((to - from) * 1_000_000) / 1000);
}

export class CdpExchangeAssembler {
  private readonly open = new Map<string, OpenRequest>();
  private readonly orphanRequestExtra = new Map<string, Header[]>();
  private readonly orphanResponseExtra = new Map<string, ResponseReceivedExtraInfo>();
  private readonly work = new Set<Promise<unknown>>();

  constructor(private readonly options: AssemblerOptions) {}

  /** Requests recorded but not finished yet. */
  get openCount(): number {
    return this.open.size;
  }

  /** Feeds one CDP event. Never throws: CDP shapes we do not expect are ignored. */
  handle(method: string, params: unknown): void {
    switch (method) {
      case 'Network.requestWillBeSent':
        return this.onRequest(params as RequestWillBeSent);
      case 'Network.requestWillBeSentExtraInfo': {
        const p = params as RequestWillBeSentExtraInfo;
        const open = this.open.get(p.requestId);
        if (open) open.extraHeaders = headersFromCdp(p.headers);
        else remember(this.orphanRequestExtra, p.requestId, headersFromCdp(p.headers));
        return;
      }
      case 'Network.responseReceivedExtraInfo': {
        const p = params as ResponseReceivedExtraInfo;
        const open = this.open.get(p.requestId);
        if (open) open.responseExtra = p;
        else remember(this.orphanResponseExtra, p.requestId, p);
        return;
      }
      case 'Network.responseReceived':
        return this.onResponse(params as ResponseReceived);
      case 'Network.dataReceived': {
        const p = params as DataReceived;
        const open = this.open.get(p.requestId);
        open?.body?.received(ms(open.start.timestamp, p.timestamp), p.dataLength, p.data);
        return;
      }
      case 'Network.loadingFinished':
        return this.onFinished(params as LoadingFinished);
      case 'Network.loadingFailed':
        return this.onFailed(params as LoadingFailed);
      default:
        return;
    }
  }

  private track<T>(promise: Promise<T>): Promise<T | undefined> {
    const safe = promise.catch(() => undefined);
    this.work.add(safe);
    void safe.finally(() => this.work.delete(safe));
    return safe;
  }

  private onRequest(p: RequestWillBeSent): void {
    const previous = this.open.get(p.requestId);
    if (previous && p.redirectResponse) {
      // A redirect reuses the request id: the hop so far is an exchange of its own, without a body.
      previous.response = { meta: p.redirectResponse, t: p.timestamp };
      this.emit(previous, p.timestamp);
    }
    this.orphanResponseExtra.delete(p.requestId);
    const extra = this.orphanRequestExtra.get(p.requestId);
    this.orphanRequestExtra.delete(p.requestId);
    if (!this.options.shouldRecord(p.request.url, p.request.method)) return;
    const open: OpenRequest = {
      id: (this.options.newId ?? randomUUID)(),
      start: p,
      ...(extra ? { extraHeaders: extra } : {}),
      streamed: false,
    };
    const entries = p.request.postDataEntries;
    if (p.request.postData !== undefined) open.postData = p.request.postData;
    else if (entries && entries.length > 0)
      open.postData = Buffer.concat(entries.map((e) => Buffer.from(e.bytes ?? '', 'base64'))).toString('utf8');
    else if (p.request.hasPostData) {
      open.pending = this.track(
        this.options.commands.getRequestPostData(p.requestId).then((r) => {
          open.postData = r.base64Encoded ? Buffer.from(r.postData, 'base64').toString('utf8') : r.postData;
        }),
      );
    }
    this.open.set(p.requestId, open);
  }

  private onResponse(p: ResponseReceived): void {
    const open = this.open.get(p.requestId);
    if (!open) return;
    open.response = { meta: p.response, t: p.timestamp };
    const extra = this.orphanResponseExtra.get(p.requestId);
    if (extra && !open.responseExtra) open.responseExtra = extra;
    this.orphanResponseExtra.delete(p.requestId);
    const sse = p.response.mimeType.toLowerCase() === 'text/event-stream';
    open.body = new LiveBody(sse, (event) => this.options.onStreamEvent?.(open.id, p.response.url, event));
    if (!sse) return;
    open.streamed = true;
    const body = open.body;
    open.streaming = this.track(
      this.options.commands.streamResourceContent(p.requestId).then(
        (r) => body.filled(r.bufferedData, ms(open.start.timestamp, p.timestamp)),
        () => {
          // Too late (the response already finished): the body comes from getResponseBody instead.
          open.streamed = false;
        },
      ),
    );
  }

  private onFinished(p: LoadingFinished): void {
    const open = this.open.get(p.requestId);
    if (!open) return;
    open.ending = true;
    void this.track(
      (async () => {
        await open.pending;
        await open.streaming;
        if (!open.streamed || !open.body?.complete) {
          const r = await this.options.commands.getResponseBody(p.requestId).catch(() => undefined);
          if (r) open.fetched = r;
          else open.tags = [...(open.tags ?? []), 'body-unavailable'];
        }
        this.emit(open, p.timestamp);
      })(),
    );
  }

  private onFailed(p: LoadingFailed): void {
    const open = this.open.get(p.requestId);
    if (!open) return;
    open.ending = true;
    const error: ExchangeError = { code: errorCodeOf(p), message: errorMessageOf(p) };
    const tags = [
      ...(p.blockedReason ? [`blocked:${p.blockedReason}`] : []),
      ...(p.corsErrorStatus ? [`cors:${p.corsErrorStatus.corsError}`] : []),
    ];
    open.tags = [...(open.tags ?? []), ...tags];
    void this.track(
      (async () => {
        await open.pending;
        await open.streaming;
        this.emit(open, p.timestamp, error);
      })(),
    );
  }

  private emit(open: OpenRequest, endTimestamp: number, error?: ExchangeError): void {
    if (this.open.get(open.start.requestId) !== open) return;
    this.open.delete(open.start.requestId);
    const exchange = buildExchange(
      open,
      endTimestamp,
      error,
      classifyEndpoint(open.start.request.method, open.start.request.url),
    );
    this.options.onExchange(exchange);
  }

  /**
   * Ends recording: waits (bounded) for bodies being fetched, then saves every request still open
   * with what arrived, as cut (`stream-cut`, `capture-stopped`) rather than dropping it.
   */
  async finish(graceMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([...this.work]), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const open of [...this.open.values()]) {
      const arriving = open.response !== undefined;
      open.tags = [...(open.tags ?? []), ...(arriving ? ['stream-cut'] : []), 'capture-stopped'];
      const last = open.body?.result().chunks.at(-1)?.t ?? 0;
      const end = open.start.timestamp + last / 1000;
      this.emit(open, end, {
        code: 'ABORTED',
        message: arriving
          ? 'recording stopped while the response was still arriving'
          : 'recording stopped before a response arrived',
      });
    }
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.set(key, value);
  if (map.size > ORPHAN_LIMIT) map.delete(map.keys().next().value as string);
}
