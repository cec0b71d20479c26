/**
 * Pure conversions from what mockttp reports to Exchange fields: headers in wire order and case,
 * bodies as text or base64, times relative to the request start, and the notes that tell a person
 * what a tag means for them. No state and no I/O, so each rule is testable on its own.
 */
import { randomUUID } from 'node:crypto';
import type { TlsHandshakeFailure } from 'mockttp';
import type { Exchange, ExchangeResponse, Header } from '../../exchange/exchange.js';
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

/** A request body as text when it is UTF-8 text, else base64 (uploads, protobuf). */
export function encodeBody(bytes: Buffer, contentType: string | undefined): { body: string; bodyEncoding?: 'base64' } {
  if (contentType && BINARY_TYPE.test(contentType)) return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  }
}

/** A tapped response body with its times made relative to the request start. */
export function toTimedBody(body: TappedBody, start: number): Pick<ExchangeResponse, 'body' | 'bodyEncoding' | 'sse' | 'chunks'> {
  const rel = (ts: number): number => round(ts - start);
  return {
    body: body.body,
    ...(body.bodyEncoding ? { bodyEncoding: body.bodyEncoding } : {}),
    ...(body.sse ? { sse: body.sse.map((e) => ({ ...e, t: rel(e.t) })) } : {}),
    chunks: body.chunks.map((c) => ({ t: rel(c.t), size: c.size })),
  };
}

/** The human side of the facts in `tags`: what the mapping did and what to do about a failure. */
export function notesFor(host: string, mapping: HostMapping | undefined, error: Exchange['error']): string | undefined {
  const notes: string[] = [];
  if (mapping) notes.push(`${mapping.host} was mapped to ${mapping.origin}; the URL is the one the client asked for.`);
  if (error?.code === 'ENOTFOUND' && !mapping) notes.push(`${host} could not be resolved (no network?). To work offline, map it: --map ${host}=http://127.0.0.1:PORT.`);
  if (error?.code === 'ECONNREFUSED' && mapping) notes.push(`Nothing accepted the connection at ${mapping.origin}: is the mapped server running?`);
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
    notes: `The client broke off the TLS handshake with the proxy (${failure.failureCause}): it most likely does not trust the qwen-probe CA. ${hint}`,
    request: { method: 'CONNECT', url: `https://${host ?? 'unknown-host'}${port === 443 ? '' : `:${port}`}/`, headers: [] },
    timings: { total: round(failure.timingEvents.failureTimestamp - failure.timingEvents.connectTimestamp) },
    error: { code: 'TLS', message: `TLS handshake with the client failed: ${failure.failureCause}` },
  };
}
