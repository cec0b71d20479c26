/**
 * Headers on their way to and from undici. We hand undici a flat `[name, value, ...]` array because
 * that keeps the order and the case we were given (an object would not), and we read the response's
 * raw header list for the same reason: header order and case are findings in this tool.
 */
import type { Header } from '../exchange/exchange.js';

/**
 * Headers undici refuses or must compute itself. HTTP/2 pseudo-headers (`:authority`) come from
 * browser captures; hop-by-hop headers make undici throw.
 */
const REFUSED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
  'proxy-connection',
  'te',
  'trailer',
]);

export interface WireHeaders {
  /** Flat `[name, value, name, value, ...]`, order and case as given. */
  readonly flat: string[];
  /** The headers as sent, for the recorded request. */
  readonly sent: Header[];
  /** Lower-case names that were not sent, for a tag each. */
  readonly dropped: string[];
}

/** Prepares request headers for undici; `bodyBytes` decides whether a Content-Length can be kept. */
export function toWireHeaders(headers: readonly Header[], bodyBytes: number | undefined): WireHeaders {
  const flat: string[] = [];
  const sent: Header[] = [];
  const dropped: string[] = [];
  for (const h of headers) {
    const lower = h.name.toLowerCase();
    const lengthMismatch = lower === 'content-length' && String(bodyBytes ?? 0) !== h.value.trim();
    if (h.name.startsWith(':') || REFUSED.has(lower) || lengthMismatch) {
      dropped.push(lower);
      continue;
    }
    flat.push(h.name, h.value);
    sent.push({ name: h.name, value: h.value });
  }
  return { flat, sent, dropped };
}

/**
 * Reads undici's `responseHeaders: 'raw'` result (a flat string array, wire order and case) into
 * Header[]; tolerates the parsed-object form in case a dispatcher interceptor replaced it.
 */
export function fromRawHeaders(raw: unknown): Header[] {
  if (Array.isArray(raw)) {
    const out: Header[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) out.push({ name: String(raw[i]), value: String(raw[i + 1]) });
    return out;
  }
  if (raw !== null && typeof raw === 'object') {
    const out: Header[] = [];
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      if (Array.isArray(value)) for (const v of value) out.push({ name, value: String(v) });
      else if (value !== undefined) out.push({ name, value: String(value) });
    }
    return out;
  }
  return [];
}
