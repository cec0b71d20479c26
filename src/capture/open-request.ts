/**
 * What the assembler knows about one request while it is in flight, and how that becomes an
 * Exchange once it ends (finished, failed, or cut by the end of recording).
 */
import type { Exchange, ExchangeError, ExchangeRequest, ExchangeResponse, Header } from '../exchange/exchange.js';
import {
  headersFromCdp,
  headersFromText,
  httpVersionOf,
  type CdpResponse,
  type RequestWillBeSent,
  type ResponseReceivedExtraInfo,
} from './cdp-events.js';
import type { LiveBody } from './live-body.js';

/** Mutable state of one recorded request; owned by `CdpExchangeAssembler`. */
export interface OpenRequest {
  readonly id: string;
  readonly start: RequestWillBeSent;
  /** Request headers as sent (Cookie included), from `requestWillBeSentExtraInfo`. */
  extraHeaders?: Header[];
  postData?: string;
  /** Fetching the post data, when CDP left it out of the event. */
  pending?: Promise<unknown>;
  response?: { readonly meta: CdpResponse; readonly t: number };
  responseExtra?: ResponseReceivedExtraInfo;
  body?: LiveBody;
  /** True while the body comes through `streamResourceContent`. */
  streamed: boolean;
  /** The `streamResourceContent` call, until it answers. */
  streaming?: Promise<unknown>;
  /** `getResponseBody`'s answer, for bodies that were not streamed. */
  fetched?: { readonly body: string; readonly base64Encoded: boolean };
  /** loadingFinished or loadingFailed arrived; the exchange is being completed. */
  ending?: boolean;
  tags?: string[];
}

function ms(from: number, to: number): number {
  return Math.max(0, Math.round((to - from) * 1_000_000) / 1000);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text of a base64 body, or undefined when it is not text. */
function asText(base64: string): string | undefined {
  try {
    return strictUtf8.decode(Buffer.from(base64, 'base64'));
  } catch {
    return undefined;
  }
}

function responseHeaders(meta: CdpResponse, extra: ResponseReceivedExtraInfo | undefined): Header[] {
  // headersText is the only source with wire order and duplicates (HTTP/1.x); the objects are sorted.
  if (extra?.headersText) return headersFromText(extra.headersText);
  return headersFromCdp(extra?.headers ?? meta.headers);
}

function buildResponse(
  open: OpenRequest,
  endT: number,
): { response?: ExchangeResponse; tags: string[]; lastT: number } {
  const tags: string[] = [];
  if (!open.response) return { tags, lastT: 0 };
  const { meta } = open.response;
  let text: string | undefined;
  let binary: string | undefined;
  if (open.fetched) {
    const base64 = open.fetched.base64Encoded
      ? open.fetched.body
      : Buffer.from(open.fetched.body, 'utf8').toString('base64');
    const decoded = open.fetched.base64Encoded ? asText(open.fetched.body) : open.fetched.body;
    if (decoded === undefined) binary = open.fetched.body;
    else open.body?.filled(base64, endT);
    text = decoded;
  }
  const live = open.body?.result();
  if (live && live.missingBytes > 0) tags.push('body-gap');
  if (binary === undefined) text = live?.text ?? text;
  const httpVersion = httpVersionOf(meta.protocol);
  const response: ExchangeResponse = {
    status: meta.status,
    ...(meta.statusText ? { statusText: meta.statusText } : {}),
    ...(httpVersion ? { httpVersion } : {}),
    headers: responseHeaders(meta, open.responseExtra),
    ...(binary !== undefined
      ? { body: binary, bodyEncoding: 'base64' as const }
      : text !== undefined && text !== ''
        ? { body: text }
        : {}),
    ...(live?.sse ? { sse: live.sse } : {}),
    ...(open.streamed && live ? { chunks: live.chunks } : {}),
  };
  return { response, tags, lastT: live?.chunks.at(-1)?.t ?? 0 };
}

/** The Exchange for a request that ended at `endTimestamp` (CDP seconds), with `error` when it failed. */
export function buildExchange(
  open: OpenRequest,
  endTimestamp: number,
  error: ExchangeError | undefined,
  endpoint: string | undefined,
): Exchange {
  const { start } = open;
  const endT = ms(start.timestamp, endTimestamp);
  const { response, tags: bodyTags, lastT } = buildResponse(open, endT);
  const total = Math.max(endT, lastT);
  const httpVersion = httpVersionOf(open.response?.meta.protocol);
  const request: ExchangeRequest = {
    method: start.request.method,
    url: start.request.url,
    ...(httpVersion ? { httpVersion } : {}),
    // Without extra info (cache, service worker) only the renderer's view is known: no Cookie, no Host.
    headers: open.extraHeaders ?? headersFromCdp(start.request.headers),
    ...(open.postData !== undefined ? { body: open.postData } : {}),
  };
  const tags = [
    ...(open.tags ?? []),
    ...bodyTags,
    ...(open.extraHeaders ? [] : ['request-headers:renderer']),
    ...(error && response && !(open.tags ?? []).includes('stream-cut') ? ['stream-cut'] : []),
  ];
  const wait = open.response ? ms(start.timestamp, open.response.t) : undefined;
  return {
    id: open.id,
    source: 'browser',
    ...(endpoint ? { endpoint } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    startedAt: new Date(start.wallTime * 1000).toISOString(),
    request,
    ...(response ? { response } : {}),
    timings: {
      ...(wait !== undefined ? { wait, receive: Math.max(0, Math.round((total - wait) * 1000) / 1000) } : {}),
      total,
    },
    ...(error ? { error } : {}),
  };
}
