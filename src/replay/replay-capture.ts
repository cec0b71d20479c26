/**
 * Replays a capture's requests against a target with fresh volatile values: a new chat (from the
 * capture's own chats/new) when a request names one, the same created id in query and body, new
 * message ids and timestamps in the capture's units, the session's token and cookies. Turns that
 * shared a chat in the capture share the new chat, each `parent_id` threaded from the previous
 * `response.created`, as the web client does.
 */
import { ProbeError } from '../exchange/errors.js';
import type { Exchange, ExchangeRequest } from '../exchange/exchange.js';
import { chatIdValues } from '../client/probe-refresh.js';
import { sendFresh, type FreshSendOptions, type RequestVerdict } from '../client/probe-request.js';
import { QwenStreamReader } from '../upstream/stream-reader.js';
import type { QwenStreamUpdate, QwenUsage } from '../upstream/stream-types.js';
import { chatTemplate } from '../client/chat-template.js';
import { applyOverrides, replacePrompt, type FieldOverride } from './field-override.js';

/** Which captured exchanges to replay. */
export interface ReplaySelection {
  /** One exchange by its position in the capture, counted from 1 (as every message counts entries). */
  readonly entry?: number;
  /** Every exchange of this endpoint, in capture order. */
  readonly endpoint?: string;
}

export interface ReplayOptions extends Omit<FreshSendOptions, 'chatRequest'>, ReplaySelection {
  /** Replaces the user message's content. */
  readonly prompt?: string;
  readonly overrides?: readonly FieldOverride[];
  /** A turn is about to be sent; `index` counts from 0, `entry` (its place in the capture) from 1. */
  readonly onTurnStart?: (index: number, total: number, exchange: Exchange, entry: number) => void;
  /** A turn is done: its answer has streamed and its verdict is known. */
  readonly onTurnEnd?: (turn: ReplayTurn, index: number, total: number) => void;
  /** Live answer, reasoning and usage updates, with the time since the request started. */
  readonly onUpdate?: (update: QwenStreamUpdate, t: number) => void;
}

/** One replayed request and how it went. */
export interface ReplayTurn {
  /** Position of the replayed exchange in the capture, from 1. */
  readonly entry: number;
  readonly endpoint?: string;
  readonly verdict: RequestVerdict;
  /** The request as sent (fresh values, overrides applied). */
  readonly request?: ExchangeRequest;
  readonly status?: number;
  readonly answer: string;
  readonly reasoning: string;
  readonly usage?: QwenUsage;
  /** Request start to the first answer or reasoning text. */
  readonly firstTokenMs?: number;
  readonly totalMs: number;
}

export interface ReplayResult {
  readonly turns: readonly ReplayTurn[];
  /** Every exchange sent, chats/new included, in order. */
  readonly exchanges: readonly Exchange[];
  /** True when every turn worked. */
  readonly ok: boolean;
}

/** Indexes (from 0) of the exchanges to replay: `entry`, else `endpoint`, else every completion. */
export function selectEntries(exchanges: readonly Exchange[], selection: ReplaySelection): number[] {
  if (selection.entry !== undefined && selection.endpoint !== undefined)
    throw new ProbeError('E_USAGE', '--entry and --endpoint cannot be used together: --entry names one exchange');
  if (selection.entry !== undefined) {
    if (!Number.isInteger(selection.entry) || selection.entry < 1 || selection.entry > exchanges.length) {
      throw new ProbeError(
        'E_USAGE',
        `--entry ${selection.entry}: the capture holds entries 1 to ${exchanges.length} (counted from 1)`,
      );
    }
    return [selection.entry - 1];
  }
  const wanted = (e: Exchange) =>
    selection.endpoint !== undefined
      ? e.endpoint === selection.endpoint
      : (e.endpoint ?? '').startsWith('chat.completions');
  const picked = exchanges.flatMap((e, i) => (wanted(e) ? [i] : []));
  if (picked.length === 0) {
    const endpoints = [...new Set(exchanges.map((e) => e.endpoint ?? `${e.request.method} ${e.request.url}`))].join(
      ', ',
    );
    throw new ProbeError(
      'E_INPUT',
      `no ${selection.endpoint ?? 'chat completion'} request in the capture (it holds: ${endpoints})`,
      { hint: 'pick one with --entry N or --endpoint NAME' },
    );
  }
  return picked;
}

/** Replays the selected exchanges in order; see the module comment. Upstream failures are results, not errors. */
export async function replayCapture(exchanges: readonly Exchange[], options: ReplayOptions): Promise<ReplayResult> {
  const entries = selectEntries(exchanges, options);
  const chatRequest = chatTemplate(exchanges);
  /** Captured chat id → the fresh chat and its last response id. */
  const chats = new Map<string, { chatId: string; parentId: string | null }>();
  const turns: ReplayTurn[] = [];
  const sent: Exchange[] = [];
  for (const [n, entry] of entries.entries()) {
    const exchange = exchanges[entry]!;
    options.onTurnStart?.(n, entries.length, exchange, entry + 1);
    const original = chatIdValues(exchange.request, exchange.endpoint)[0];
    const known = original !== undefined ? chats.get(original) : undefined;
    const request = options.prompt !== undefined ? replacePrompt(exchange.request, options.prompt) : exchange.request;
    const reader = new QwenStreamReader();
    let firstTokenMs: number | undefined;
    const verdict = await sendFresh(
      request,
      exchange.endpoint,
      {
        ...options,
        ...(chatRequest ? { chatRequest } : {}),
        onExchange: (e) => (sent.push(e), options.onExchange?.(e)),
      },
      {
        ...(known ? { chatId: known.chatId, parentId: known.parentId } : {}),
        ...(options.overrides?.length
          ? { finalize: (r: ExchangeRequest) => applyOverrides(r, options.overrides!) }
          : {}),
        onEvent: (event) => {
          for (const update of reader.push(`${event.event ? `event: ${event.event}\n` : ''}data: ${event.data}\n\n`)) {
            if (
              firstTokenMs === undefined &&
              (update.kind === 'answer' || update.kind === 'reasoning') &&
              update.text !== ''
            )
              firstTokenMs = event.t;
            options.onUpdate?.(update, event.t);
          }
        },
      },
    );
    const last = verdict.exchanges.at(-1);
    const result = verdict.result;
    if (original !== undefined && verdict.chatId !== undefined)
      chats.set(original, { chatId: verdict.chatId, parentId: result?.created?.responseId ?? known?.parentId ?? null });
    const turn: ReplayTurn = {
      entry: entry + 1,
      ...(exchange.endpoint !== undefined ? { endpoint: exchange.endpoint } : {}),
      verdict,
      ...(last ? { request: last.request } : {}),
      ...(last?.response ? { status: last.response.status } : {}),
      answer: result?.answer ?? '',
      reasoning: result?.reasoning ?? '',
      ...(result?.usage ? { usage: result.usage } : {}),
      ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
      totalMs: Math.round(last?.timings?.total ?? verdict.ms),
    };
    turns.push(turn);
    options.onTurnEnd?.(turn, n, entries.length);
    // Without the answer's response id a next turn could only start a new thread: stop here.
    if (verdict.outcome !== 'works') break;
  }
  return {
    turns,
    exchanges: sent,
    ok: turns.length === entries.length && turns.every((t) => t.verdict.outcome === 'works'),
  };
}
