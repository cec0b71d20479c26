/**
 * The event-stream timeline of a response as a small inline SVG: one tick per server-sent event
 * at its arrival time, coloured by phase (created, thinking, answer, finished, error). When only
 * raw chunks were recorded their arrival is drawn instead; a response without a stream says so.
 */
import type { Exchange } from '../exchange/exchange.js';
import { escapeHtml } from './html-request-view.js';
import { scrubText } from './format-value.js';

/** Tick colour per event phase in timelines. */
export const PHASE_COLORS: Readonly<Record<string, string>> = {
  created: '#888888',
  think: '#8e44ad',
  thinking_summary: '#8e44ad',
  answer: '#2471a3',
  finished: '#1e8449',
  error: '#c0392b',
  other: '#d68910',
  chunk: '#5d6d7e',
};

/** The phase of one event's data, by the protocol's event shapes (protocol.md §5). */
export function eventPhase(data: string): string {
  if (data.includes('"response.created"')) return 'created';
  try {
    const value = JSON.parse(data) as {
      choices?: { delta?: { phase?: string; status?: string } }[];
      error?: unknown;
      success?: boolean;
    };
    if (value.error !== undefined || value.success === false) return 'error';
    const delta = value.choices?.[0]?.delta;
    if (delta?.status === 'finished' && delta.phase === 'answer') return 'finished';
    if (delta?.phase && PHASE_COLORS[delta.phase]) return delta.phase;
    return 'other';
  } catch {
    return 'other';
  }
}

const WIDTH = 560;
const HEIGHT = 46;
const LEFT = 8;
const RIGHT = 8;

/** The timeline of one exchange's response, as an `<svg>` (or a short note when there is no stream). */
export function renderTimeline(exchange: Exchange): string {
  const response = exchange.response;
  if (!response)
    return (
      `<div class="timeline none">no ` +
      `response${exchange.error ? ` (${escapeHtml(exchange.error.code)})` : ''}</div>`
    );
  const marks = (response.sse ?? []).map((e) => ({
    t: e.t,
    phase: eventPhase(e.data),
    label: scrubText(e.data.slice(0, 80)),
  }));
  const points =
    marks.length > 0
      ? marks
      : (response.chunks ?? []).map((c) => ({ t: c.t, phase: 'chunk', label: `${c.size} bytes` }));
  if (points.length === 0) {
    const body = scrubText((response.body ?? '').replace(/\s+/g, ' ').slice(0, 100));
    return (
      `<div class="timeline none">no event stream: HTTP ` +
      `${response.status}${body ? ` <code>${escapeHtml(body)}</code>` : ''}</div>`
    );
  }
  const max = Math.max(1, ...points.map((p) => p.t));
  const x = (t: number) => LEFT + (Math.max(0, t) / max) * (WIDTH - LEFT - RIGHT);
  const ticks = points.slice(0, 2000).map((p) => {
    const cx = x(p.t).toFixed(1);
    return (
      `<line x1="${cx}" x2="${cx}" y1="8" y2="28" stroke="${PHASE_COLORS[p.phase] ?? PHASE_COLORS.other}" ` +
      `stroke-width="2"><title>${escapeHtml(`${Math.round(p.t)} ms ${p.phase}: ${p.label}`)}</title></line>`
    );
  });
  const phases = [...new Set(points.map((p) => p.phase))];
  const legend = phases
    .map(
      (ph) => `<span class="legend" style="color:${PHASE_COLORS[ph] ?? PHASE_COLORS.other}">■ ${escapeHtml(ph)}</span>`,
    )
    .join(' ');
  const what = marks.length > 0 ? `${marks.length} events` : `${points.length} chunks`;
  return [
    `<figure class="timeline"><svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" ` +
      `aria-label="${escapeHtml(`${what} over ${Math.round(max)} ms`)}">`,
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="28" y2="28" stroke="#bbb"/>`,
    ...ticks,
    `<text x="${LEFT}" y="42" font-size="10" fill="#666">0 ms</text>`,
    `<text x="${WIDTH - RIGHT}" y="42" font-size="10" fill="#666" text-anchor="end">${Math.round(max)} ms</text>`,
    `</svg><figcaption>${what} ${legend}</figcaption></figure>`,
  ].join('');
}
