/**
 * Pure conversions from what mockttp reports to Exchange fields: headers in wire order and case,
 * bodies as text or base64, times relative to the request start, and the notes that tell a person
 * what a tag means for them. No state and no I/O, so each rule is testable on its own.
 */
import { randomUUID } from 'node:crypto';
import type { TlsHandshakeFailure } from 'mockttp';
import type { Chunk, Exchange, ExchangeResponse, Header, SseEvent } from '../../exchange/exchange.js';
import type { HostMapping } from './host-rules.js';
import type { TappedBody } from './response-body-tap.js';

/** Headers as mockttp saw them on the wire: `[name, value]` pairs, original case and order, duplicates kept. */
export function toHeaders(raw: readonly (readonly [string, string])[]): Header[] {
  return raw.map(([name, value]) => ({ name, value }));
}

/** mockttp says `1.1` or `2.0`; captures say `HTTP/1.1` or `HTTP/2` like browsers do. */
export function httpVersionOf(version: string): string {
  return version.startsWith('2') ? 'HTTP/2' : `HTTP/${version}`;
}

/** Hostname of a URL without IPv6 brackets; empty for a URL that does not parse. */
export function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return '';
  }
}

/** Milliseconds to 0.01 ms: mockttp's timestamps are sub-microsecond, which is noise in a capture. */
export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

const BINARY_TYPE = /^(?:image|audio|video|font)\/|octet-stream|protobuf/i;

/**
 * One decoder for every body: without `stream` a decode call keeps no state, and making one per body showed in
 * profiles.
 */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A request body as text when it is UTF-8 text, else base64 (uploads, protobuf). */
export function encodeBody(bytes: Buffer, contentType: string | undefined): { body: string; bodyEncoding?: 'base64' } {
  if (contentType && BINARY_TYPE.test(contentType)) return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  try {
    return { body: STRICT_UTF8.decode(bytes) };
  } catch {
    return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  }
}

/** An Exchange part under construction: built by assignment, then handed over as the readonly type. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Sets a tapped response body on `response`, with its times made relative to the request start. */
export function addTimedBody(response: Writable<ExchangeResponse>, body: TappedBody, start: number): void {
  response.body = body.body;
  if (body.bodyEncoding) response.bodyEncoding = body.bodyEncoding;
  if (body.sse) {
    const sse: SseEvent[] = new Array<SseEvent>(body.sse.length);
    for (let i = 0; i < sse.length; i++) {
      const e = body.sse[i]!;
      sse[i] = { ...e, t: round(e.t - start) };
    }
    response.sse = sse;
  }
  const chunks: Chunk[] = new Array<Chunk>(body.chunks.length);
  for (let i = 0; i < chunks.length; i++)
    chunks[i] = { t: round(body.chunks[i]!.t - start), size: body.chunks[i]!.size };
  response.chunks = chunks;
}

/** The human side of the facts in `tags`: what the mapping did and what to do about a failure. */
export function notesFor(host: string, mapping: HostMapping | undefined, error: Exchange['error']): string | undefined {
  const notes: string[] = [];
  if (mapping) notes.push(`${mapping.host} was mapped to ${mapping.origin}; the URL is the one the client asked for.`);
  if (error?.code === 'ENOTFOUND' && !mapping)
    notes.push(
      `${host} could not be resolved (no network?). To work offline, map it: --map ${host}=http://127.0.0.1:PORT.`,
    );
  if (error?.code === 'ECONNREFUSED' && mapping)
    notes.push(`Nothing accepted the connection at ${mapping.origin}: is the mapped server running?`);
  return notes.length > 0 ? notes.join(' ') : undefined;
}

/**
 * A client that refused our certificate (or gave up during the handshake) never sends a request:
 * record the attempt as a CONNECT with a `TLS` error and the hint that fixes it.
 */
export function tlsFailureExchange(failure: TlsHandshakeFailure, host: string | undefined, hint: string): Exchange {
  const port = failure.destination?.port ?? 443;
  return {
    id: randomUUID(),
    source: 'intercept',
    startedAt: new Date(failure.timingEvents.startTime).toISOString(),
    tags: ['tls-client-error', `tls-failure:${failure.failureCause}`],
    notes:
      `The client broke off the TLS handshake with the proxy (${failure.failureCause}): it most likely does not ` +
      `trust the qwen-probe CA. ${hint}`,
    request: {
      method: 'CONNECT',
      url: `https://${host ?? 'unknown-host'}${port === 443 ? '' : `:${port}`}/`,
      headers: [],
    },
    timings: { total: round(failure.timingEvents.failureTimestamp - failure.timingEvents.connectTimestamp) },
    error: { code: 'TLS', message: `TLS handshake with the client failed: ${failure.failureCause}` },
  };
}
