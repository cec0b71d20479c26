/**
 * The proxy's calls to the upstream: one chat turn (`chats/new` when the conversation is new, then
 * the completion with its live stream), the model list, and the session check of `/health/upstream`.
 *
 * Why not `client/runShapeTurn`: it judges the completion after the body ended, reading the
 * whole stream a second time. The proxy must forward every event the moment it arrives and read
 * it once, so the turn feeds one `QwenStreamReader` from `sendRequest`'s `onChunk` and hands its
 * updates straight to the caller. `createdChatId` and the shapes are shared with the client.
 */
import type { Dispatcher } from 'undici';
import { headerValue, type Exchange, type ExchangeError, type ExchangeRequest } from '../exchange/exchange.js';
import { createdChatId, failedResult } from '../client/run-shape.js';
import { isBinaryContentType } from '../net/body-recorder.js';
import { sendRequest } from '../net/index.js';
import { browserHeaders } from '../upstream/browser-headers.js';
import { authsMeResponseSchema, modelsResponseSchema, parseJson, type ModelEntry } from '../upstream/schemas.js';
import { systemIdClock, type IdClock, type RequestShape, type ShapeContext } from '../upstream/shapes.js';
import { judgeQwenResponse, QwenStreamReader } from '../upstream/stream-reader.js';
import type { QwenStreamResult, QwenStreamUpdate } from '../upstream/stream-types.js';
import { classifyResponse, sampleOf, type UpstreamFailure } from '../upstream/upstream-failure.js';
import type { PooledSession } from './session-pool.js';

/** How much of an error status's body is kept for classification. */
const MAX_ERROR_BODY_CHARS = 256 * 1024;

/** How the proxy reaches the upstream; shared by every request. */
export interface UpstreamConfig {
  /** Origin of the target, no trailing slash. */
  readonly baseUrl: string;
  readonly shape: RequestShape;
  /** An undici Agent sized for the expected number of concurrent streams. */
  readonly dispatcher?: Dispatcher | undefined;
  /** Longest wait for response headers. */
  readonly connectTimeoutMs: number;
  /** Longest silence in the middle of a stream: a stalled upstream becomes an error, not a hung client. */
  readonly idleTimeoutMs: number;
  /** Receives every upstream exchange once it ended (`--record`). */
  readonly record?: ((exchange: Exchange) => void) | undefined;
  readonly idClock?: IdClock | undefined;
}

/** One turn to run upstream. */
export interface TurnRequest {
  readonly session: PooledSession;
  readonly model: string;
  readonly thinking: boolean;
  readonly prompt: string;
  /** Continue this chat; a new one is created when absent. */
  readonly chatId?: string;
  readonly parentId?: string | null;
  /** Aborted when the client went away: the upstream request is cut at once. */
  readonly signal: AbortSignal;
  /** Each update of the completion stream, synchronously as its chunk arrives. */
  readonly onUpdate: (update: QwenStreamUpdate) => void;
  /** The chat the completion goes to, once known (created or given), before it is sent. */
  readonly onChat?: (chatId: string) => void;
}

/** How a turn ended. */
export interface TurnOutcome {
  readonly result: QwenStreamResult;
  readonly chatId?: string;
  /** The step that produced the verdict. */
  readonly stage: 'chats.new' | 'chat.completions';
  /** What cut the completion's connection, when something did (a stall is `ETIMEDOUT`). */
  readonly transportError?: ExchangeError;
}

function shapeContext(
  config: UpstreamConfig,
  turn: Pick<TurnRequest, 'session' | 'model' | 'thinking' | 'prompt'>,
): ShapeContext {
  return {
    baseUrl: config.baseUrl,
    token: turn.session.credentials.token,
    model: turn.model,
    prompt: turn.prompt,
    thinking: turn.thinking,
    ...(turn.session.credentials.cookies ? { cookies: turn.session.credentials.cookies } : {}),
    idClock: config.idClock ?? systemIdClock,
  };
}

function timeouts(config: UpstreamConfig) {
  return {
    source: 'proxy' as const,
    connectTimeoutMs: config.connectTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    ...(config.dispatcher ? { dispatcher: config.dispatcher } : {}),
  };
}

/** Runs one turn; never throws for upstream or network failures (they are the verdict). */
export async function runUpstreamTurn(config: UpstreamConfig, turn: TurnRequest): Promise<TurnOutcome> {
  const ctx = shapeContext(config, turn);
  let chatId = turn.chatId;
  if (chatId === undefined && config.shape.createChat) {
    const created = await sendRequest(config.shape.createChat(ctx), {
      ...timeouts(config),
      endpoint: 'chats.new',
      signal: turn.signal,
    });
    config.record?.(created);
    const outcome = createdChatId(created);
    if ('failure' in outcome) return { result: failedResult(outcome.failure), stage: 'chats.new' };
    chatId = outcome.chatId;
  }
  if (chatId !== undefined) turn.onChat?.(chatId);
  // The proxy takes the texts from the updates: the reader need not build them a second time.
  const reader = new QwenStreamReader({ keepText: false });
  let live = false;
  // Unless recording, the exchange keeps no body: the reader consumes the stream from `onChunk`
  // (one SSE parse, in the reader), and an open stream costs the same memory however long its
  // answer. An error status's body is collected here instead, to be classified whole.
  const keepAll = config.record !== undefined;
  let binaryError = false;
  let errorBody = '';
  // The request is built in the call, not held here: nothing keeps it while the answer streams.
  const exchange = await sendRequest(
    config.shape.completion(ctx, { ...(chatId !== undefined ? { chatId } : {}), parentId: turn.parentId ?? null }),
    {
      ...timeouts(config),
      endpoint: 'chat.completions',
      signal: turn.signal,
      keep: keepAll ? 'all' : 'none',
      // Only a 2xx body is a stream; an error status is classified whole once it has arrived.
      onResponseStart: (status, headers) => {
        live = status >= 200 && status < 300;
        binaryError = !live && isBinaryContentType(headerValue(headers, 'content-type'));
      },
      onChunk: (text) => {
        if (!live) {
          // Enough to classify (an envelope, a WAF page's markers); a huge error page is not held whole.
          if (!keepAll && errorBody.length < MAX_ERROR_BODY_CHARS)
            errorBody += text.slice(0, MAX_ERROR_BODY_CHARS - errorBody.length);
          return;
        }
        const updates = reader.push(text);
        for (let i = 0; i < updates.length; i++) turn.onUpdate(updates[i]!);
      },
    },
  );
  config.record?.(exchange);
  let result: QwenStreamResult;
  if (live) {
    for (const update of reader.flush()) turn.onUpdate(update);
    result = reader.end({ cut: exchange.error !== undefined });
  } else {
    // What `keep: 'all'` would have recorded: the text, or the marker of a binary body.
    const response =
      keepAll || !exchange.response
        ? exchange.response
        : { ...exchange.response, body: errorBody, ...(binaryError ? { bodyEncoding: 'base64' as const } : {}) };
    result = judgeQwenResponse(response, exchange.error);
  }
  const resolvedChat = chatId ?? result.created?.chatId;
  return {
    result,
    stage: 'chat.completions',
    ...(resolvedChat !== undefined ? { chatId: resolvedChat } : {}),
    ...(exchange.error ? { transportError: exchange.error } : {}),
  };
}

/** A JSON API call with a session's headers and cookies, as the web page makes it. */
export function jsonRequest(
  config: UpstreamConfig,
  session: PooledSession,
  path: string,
  method = 'GET',
  body?: unknown,
): ExchangeRequest {
  const clock = config.idClock ?? systemIdClock;
  const cookies = { ...(session.credentials.cookies ?? {}), token: session.credentials.token };
  return {
    method,
    url: `${config.baseUrl}${path}`,
    headers: browserHeaders({
      origin: config.baseUrl,
      referer: `${config.baseUrl}/`,
      token: session.credentials.token,
      requestId: clock.uuid(),
      nowMs: clock.nowMs(),
      accept: 'application/json, text/plain, */*',
      contentType: body !== undefined,
      cookie: Object.entries(cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join('; '),
    }),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  };
}

/** Why an upstream JSON call failed, as one value. */
export class UpstreamCallError extends Error {
  constructor(readonly failure: UpstreamFailure) {
    super(failure.kind);
    this.name = 'UpstreamCallError';
  }
}

/** Sends a JSON call and returns the parsed answer; rejects with `UpstreamCallError`. */
export async function callJson(
  config: UpstreamConfig,
  session: PooledSession,
  path: string,
  endpoint: string,
  options: { signal?: AbortSignal; method?: string; body?: unknown; record?: boolean } = {},
): Promise<unknown> {
  const { signal } = options;
  const exchange = await sendRequest(jsonRequest(config, session, path, options.method, options.body), {
    ...timeouts(config),
    endpoint,
    totalTimeoutMs: config.connectTimeoutMs + config.idleTimeoutMs,
    ...(signal ? { signal } : {}),
  });
  if (options.record !== false) config.record?.(exchange);
  const failure = classifyResponse(exchange.response, exchange.error);
  if (failure) throw new UpstreamCallError(failure);
  const json = parseJson(exchange.response?.body);
  if (!json.ok)
    throw new UpstreamCallError({
      kind: 'malformed',
      reason: `${endpoint} answered without JSON`,
      sample: sampleOf(exchange.response?.body ?? '', 60),
    });
  return json.value;
}

/** `GET /api/models` with a session's headers; rejects with `UpstreamCallError`. */
export async function fetchUpstreamModels(config: UpstreamConfig, session: PooledSession): Promise<ModelEntry[]> {
  const value = await callJson(config, session, '/api/models', 'models');
  const parsed = modelsResponseSchema.safeParse(value);
  if (!parsed.success)
    throw new UpstreamCallError({
      kind: 'malformed',
      reason: '/api/models answered an unexpected shape',
      sample: sampleOf(JSON.stringify(value), 60),
    });
  return parsed.data.data;
}

/** `GET /api/v1/auths/`: does the upstream accept this session? The failure when it does not. */
export async function checkUpstreamSession(
  config: UpstreamConfig,
  session: PooledSession,
  signal?: AbortSignal,
): Promise<UpstreamFailure | undefined> {
  try {
    const value = await callJson(config, session, '/api/v1/auths/', 'auths.me', signal ? { signal } : {});
    // Only `role` matters: the check is whether the token is accepted, not what the profile holds.
    if (!authsMeResponseSchema.pick({ role: true }).safeParse(value).success) {
      return {
        kind: 'malformed',
        reason: '/api/v1/auths/ answered an unexpected shape',
        sample: sampleOf(JSON.stringify(value), 60),
      };
    }
    return undefined;
  } catch (error) {
    if (error instanceof UpstreamCallError) return error.failure;
    throw error;
  }
}
