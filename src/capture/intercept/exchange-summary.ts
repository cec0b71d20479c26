/**
 * The one line `intercept` prints per finished exchange. It must fit a terminal and never carry a
 * secret: it shows method, host and path (query values cut), status, size, events and time, no
 * header or body content.
 */
import type { Exchange } from '../../exchange/exchange.js';
import { headerValue } from '../../exchange/exchange.js';

const MAX_PATH = 72;

/**
 * One human line for an exchange, e.g. `12:00:01.234 POST chat.qwen.ai/api/v2/chats/new 200 json 312 B 14 ms
 * [chats.new]`.
 */
export function summarizeExchange(ex: Exchange): string {
  const parts = [clock(ex.startedAt), ex.request.method, shortUrl(ex.request.url)];
  const res = ex.response;
  if (res) {
    parts.push(String(res.status));
    const type = headerValue(res.headers, 'content-type');
    if (type) parts.push(shortType(type));
    if (res.body !== undefined)
      parts.push(
        formatBytes(
          res.bodyEncoding === 'base64' ? Math.floor((res.body.length * 3) / 4) : Buffer.byteLength(res.body),
        ),
      );
    if (res.sse) parts.push(`${res.sse.length} event${res.sse.length === 1 ? '' : 's'}`);
  }
  if (ex.timings?.total !== undefined) parts.push(`${Math.round(ex.timings.total)} ms`);
  if (ex.error)
    parts.push(`${ex.error.code}${ex.tags?.includes('stream-cut') ? ' (stream cut)' : ''}: ${ex.error.message}`);
  if (ex.endpoint) parts.push(`[${ex.endpoint}]`);
  if (ex.tags?.some((t) => t.startsWith('mapped:'))) parts.push('(mapped)');
  return parts.join(' ');
}

function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Host and path; query values are replaced by `…` since they may hold ids or tokens. */
function shortUrl(url: string): string {
  let text: string;
  try {
    const u = new URL(url);
    const query = [...u.searchParams.keys()].map((k) => `${k}=…`).join('&');
    text = `${u.host}${u.pathname}${query ? `?${query}` : ''}`;
  } catch {
    text = url;
  }
  return text.length > MAX_PATH ? `${text.slice(0, MAX_PATH - 1)}…` : text;
}

function shortType(contentType: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'text/event-stream') return 'event-stream';
  if (type.endsWith('/json') || type.endsWith('+json')) return 'json';
  return type;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
