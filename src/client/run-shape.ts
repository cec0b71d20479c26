/**
 * Runs a request shape against a target the way its client library would: `chats/new` first where
 * the shape does that, then the completion with the created chat id, then a verdict on the stream.
 * A failing step stops the turn and becomes the verdict, so a caller always gets the exchanges so
 * far and one result to print or compare.
 */
import type { Dispatcher } from 'undici';
import { definedFields } from '../common/index.js';
import type { Exchange, ExchangeRequest, ExchangeSource, SseEvent } from '../exchange/exchange.js';
import { sendRequest } from '../net/index.js';
import { classifyEndpoint } from '../upstream/endpoints.js';
import { chatsNewResponseSchema, parseJson } from '../upstream/schemas.js';
import type { RequestShape, ShapeContext, TurnInput } from '../upstream/shapes.js';
import { judgeQwenResponse } from '../upstream/stream-reader.js';
import type { QwenCreated, QwenStreamResult } from '../upstream/stream-types.js';
import { classifyResponse, sampleOf, type UpstreamFailure } from '../upstream/upstream-failure.js';

/** Sends one request of a shape; `endpoint` is the protocol model's name for it. */
export type ShapeSend = (
  request: ExchangeRequest,
  meta: { endpoint?: string; onEvent?: (event: SseEvent) => void },
) => Promise<Exchange>;

export interface RunShapeOptions {
  /** How to send; `shapeSender()` by default (source `library`). */
  readonly send?: ShapeSend;
  /** Live SSE events of the completion. */
  readonly onEvent?: (event: SseEvent) => void;
  /** Each exchange as soon as it completed (for printing one line per exchange). */
  readonly onExchange?: (exchange: Exchange) => void;
}

export interface ShapeTurnResult {
  /** In send order: `chats/new` (when the shape creates a chat), then the completion if reached. */
  readonly exchanges: readonly Exchange[];
  /** The chat the turn ran in: the created one, or the one the stream reported. */
  readonly chatId?: string;
  /** The verdict: the completion's stream judged, or the failure of the step that stopped the turn. */
  readonly result: QwenStreamResult;
  /** The completion's `response.created` ids; `responseId` is the next turn's parent_id. */
  readonly created?: QwenCreated;
}

/** Options of the default sender. */
export interface ShapeSenderOptions {
  readonly source?: ExchangeSource;
  readonly dispatcher?: Dispatcher;
  readonly signal?: AbortSignal;
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly totalTimeoutMs?: number;
}

/** A `ShapeSend` over `sendRequest`. */
export function shapeSender(options: ShapeSenderOptions = {}): ShapeSend {
  return (request, meta) =>
    sendRequest(request, {
      ...options,
      source: options.source ?? 'library',
      ...(meta.endpoint !== undefined ? { endpoint: meta.endpoint } : {}),
      ...(meta.onEvent ? { onEvent: meta.onEvent } : {}),
    });
}

/** A verdict for a step that produced no stream to read. */
export function failedResult(failure: UpstreamFailure): QwenStreamResult {
  return { ok: false, answer: '', reasoning: '', finished: false, events: 0, failure, comments: [] };
}

/** Reads `data.id` from a chats/new exchange, or says why there is none. */
export function createdChatId(exchange: Exchange): { chatId: string } | { failure: UpstreamFailure } {
  const response = exchange.response;
  const failure = classifyResponse(response, exchange.error);
  if (failure) return { failure };
  const json = parseJson(response?.body);
  const parsed = json.ok ? chatsNewResponseSchema.safeParse(json.value) : undefined;
  if (parsed?.success) return { chatId: parsed.data.data.id };
  return {
    failure: {
      kind: 'malformed',
      reason: 'chats/new answered without data.id',
      sample: sampleOf(response?.body ?? '', 60),
    },
  };
}

async function sendStep(request: ExchangeRequest, options: RunShapeOptions, live: boolean): Promise<Exchange> {
  const send = options.send ?? shapeSender();
  const endpoint = classifyEndpoint(request.method, request.url);
  const sent = await send(request, definedFields({ endpoint, onEvent: live ? options.onEvent : undefined }));
  // A custom sender may not know the protocol model; every exchange still gets its endpoint.
  const exchange = sent.endpoint === undefined && endpoint !== undefined ? { ...sent, endpoint } : sent;
  options.onExchange?.(exchange);
  return exchange;
}

/** Runs one turn of a shape; see the module comment. Never throws for upstream or network failures. */
export async function runShapeTurn(
  shape: RequestShape,
  ctx: ShapeContext,
  turn: TurnInput,
  options: RunShapeOptions = {},
): Promise<ShapeTurnResult> {
  const exchanges: Exchange[] = [];
  let chatId = turn.chatId;
  if (shape.createChat && chatId === undefined) {
    const created = await sendStep(shape.createChat(ctx), options, false);
    exchanges.push(created);
    const outcome = createdChatId(created);
    if ('failure' in outcome) return { exchanges, result: failedResult(outcome.failure) };
    chatId = outcome.chatId;
  }
  const completion = await sendStep(shape.completion(ctx, { chatId, parentId: turn.parentId ?? null }), options, true);
  exchanges.push(completion);
  const result = judgeQwenResponse(completion.response, completion.error);
  const resolvedChat = chatId ?? result.created?.chatId;
  return {
    exchanges,
    ...(resolvedChat !== undefined ? { chatId: resolvedChat } : {}),
    result,
    ...(result.created ? { created: result.created } : {}),
  };
}

export interface ShapeConversationResult {
  readonly turns: readonly ShapeTurnResult[];
  readonly exchanges: readonly Exchange[];
  readonly chatId?: string;
}

/**
 * Several turns in one chat: the chat is created once and each turn's `parent_id` is the previous
 * response's `response_id`, as the web client does. Stops after the first failed turn, because
 * without its response id the next turn could only start a new thread.
 */
export async function runShapeConversation(
  shape: RequestShape,
  ctx: ShapeContext,
  prompts: readonly string[],
  options: RunShapeOptions = {},
): Promise<ShapeConversationResult> {
  const turns: ShapeTurnResult[] = [];
  let chatId: string | undefined;
  let parentId: string | null = null;
  for (const prompt of prompts) {
    const turn = await runShapeTurn(
      shape,
      { ...ctx, prompt },
      { ...(chatId !== undefined ? { chatId } : {}), parentId },
      options,
    );
    turns.push(turn);
    chatId = turn.chatId ?? chatId;
    if (!turn.result.ok) break;
    parentId = turn.created?.responseId ?? null;
  }
  return { turns, exchanges: turns.flatMap((t) => t.exchanges), ...(chatId !== undefined ? { chatId } : {}) };
}
