/**
 * One-line descriptions of exchanges and verdicts, shared by every command that sends shapes
 * (`generate`, `replay`, `investigate`), so their output reads the same. Never prints a header or
 * body, so no secret can reach the terminal through these lines.
 */
import type { Exchange } from '../exchange/exchange.js';
import type { QwenStreamResult } from '../upstream/stream-types.js';
import { explainFailure, failureName, type UpstreamFailure } from '../upstream/upstream-failure.js';

/** `1.2 kB`, `830 B`, `3.4 MB` (decimal units, as browsers' network panels show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

function bodyBytes(exchange: Exchange): number {
  const chunks = exchange.response?.chunks;
  if (chunks && chunks.length > 0) return chunks.reduce((n, c) => n + c.size, 0);
  const body = exchange.response?.body ?? '';
  return exchange.response?.bodyEncoding === 'base64'
    ? Buffer.from(body, 'base64').byteLength
    : Buffer.byteLength(body);
}

/**
 * `POST /api/v2/chat/completions 200 1.2 kB 14 events 312 ms`; a request that got no response shows
 * its error code, and one that was never sent says so.
 */
export function exchangeLine(exchange: Exchange): string {
  const parts = [exchange.request.method, pathOf(exchange.request.url)];
  const response = exchange.response;
  if (response) {
    parts.push(String(response.status), formatBytes(bodyBytes(exchange)));
    if (response.sse !== undefined) parts.push(`${response.sse.length} event${response.sse.length === 1 ? '' : 's'}`);
  }
  if (exchange.error) parts.push(exchange.error.code);
  if (!response && !exchange.error) parts.push('(not sent)');
  const total = exchange.timings?.total;
  if (total !== undefined && total >= 0 && (response || exchange.error)) parts.push(`${Math.round(total)} ms`);
  if (exchange.tags?.includes('stream-cut')) parts.push('(stream cut)');
  return parts.join(' ');
}

/** The detail that belongs after a failure's name, unless the name already carries it. */
function failureDetail(f: UpstreamFailure): string {
  const name = failureName(f);
  const detail =
    f.kind === 'envelope' || f.kind === 'in-stream' || f.kind === 'rate-limited'
      ? f.details
      : f.kind === 'auth' || f.kind === 'waf' || f.kind === 'malformed'
        ? f.reason
        : f.kind === 'http'
          ? f.sample
          : f.kind === 'transport'
            ? f.message
            : explainFailure(f);
  return detail === '' || name.includes(detail) ? '' : detail;
}

/** Clips text to one line of at most `max` characters, quoted as JSON so newlines stay visible. */
function quote(text: string, max: number): string {
  const clipped = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(clipped);
}

/** `answer: "Hello! How can I help?"` or `failure: Internal_Server_Error — Internal error`. */
export function verdictLine(result: QwenStreamResult, maxAnswer = 200): string {
  if (result.failure) {
    const detail = failureDetail(result.failure);
    const answered = result.answer !== '' ? ` (after answer ${quote(result.answer, 60)})` : '';
    return `failure: ${failureName(result.failure)}${detail ? ` — ${detail}` : ''}${answered}`;
  }
  if (result.answer !== '') return `answer: ${quote(result.answer, maxAnswer)}`;
  return 'failure: empty — the stream carried no answer text';
}
