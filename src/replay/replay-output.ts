/**
 * How a replay looks in a terminal: the answer as it streams (reasoning dimmed when colour is on),
 * then one line with status, usage, time to first token and total time. Never prints a header or a
 * token; `replayJson` is the typed result for `--json`, also without secrets.
 */
import type { QwenStreamUpdate } from '../upstream/stream-types.js';
import type { ReplayResult, ReplayTurn } from './replay-capture.js';

const DIM = '\u001b[2m';
const RESET = '\u001b[22m';

/** Writes live updates to `write`: reasoning (dimmed with colour), then the answer on its own line. */
export function createStreamPrinter(
  write: (text: string) => void,
  options: { color: boolean },
): { onUpdate: (update: QwenStreamUpdate) => void; end: () => void } {
  let mode: 'none' | 'reasoning' | 'answer' = 'none';
  return {
    onUpdate(update) {
      if (update.kind === 'reasoning') {
        if (mode !== 'reasoning') write(mode === 'none' ? '' : '\n');
        mode = 'reasoning';
        write(options.color ? `${DIM}${update.text}${RESET}` : update.text);
      } else if (update.kind === 'answer') {
        if (mode === 'reasoning') write('\n\n');
        mode = 'answer';
        write(update.text);
      }
    },
    end() {
      if (mode !== 'none') write('\n');
      mode = 'none';
    },
  };
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `200 · works · 1012 in / 35 out tokens · first token 41 ms · total 180 ms`, or the failure. */
export function statusLine(turn: ReplayTurn): string {
  const parts = [turn.status !== undefined ? String(turn.status) : 'no response'];
  parts.push(
    turn.verdict.outcome === 'works' ? 'works' : `${turn.verdict.outcome}: ${turn.verdict.failure ?? 'no answer'}`,
  );
  if (turn.usage) parts.push(`${turn.usage.inputTokens} in / ${turn.usage.outputTokens} out tokens`);
  parts.push(`first token ${seconds(turn.firstTokenMs)}`, `total ${seconds(turn.totalMs)}`);
  return parts.join(' · ');
}

/** The typed result for `--json`: verdicts, texts, usage and timings; no request, so no secret. */
export function replayJson(result: ReplayResult): unknown {
  return {
    ok: result.ok,
    turns: result.turns.map((t) => ({
      entry: t.entry,
      endpoint: t.endpoint,
      outcome: t.verdict.outcome,
      failure: t.verdict.failure,
      explanation: t.verdict.explanation,
      status: t.status,
      chatId: t.verdict.chatId,
      responseId: t.verdict.result?.created?.responseId,
      answer: t.answer,
      reasoning: t.reasoning,
      usage: t.usage,
      firstTokenMs: t.firstTokenMs,
      totalMs: t.totalMs,
    })),
    exchanges: result.exchanges.length,
  };
}
