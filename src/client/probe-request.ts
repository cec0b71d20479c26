/**
 * Sends a captured (or edited) request again so that its answer means something: fresh volatile
 * values, the session's token and cookies, a chat of its own when the request names one, and a
 * verdict judged by content. Shared by `bisect` (one probe per candidate), `replay` and
 * `investigate`, which may not import each other. The chat comes from re-sending a captured
 * `chats/new` request; a request without one gets a made-up id, as the shape that sent it did.
 */
import type { Exchange, ExchangeRequest, ExchangeSource, SseEvent } from '../exchange/exchange.js';
import { isEventStream } from '../exchange/exchange.js';
import { refreshRequest } from '../upstream/refresh-request.js';
import { systemIdClock, type IdClock } from '../upstream/shapes.js';
import { judgeQwenResponse } from '../upstream/stream-reader.js';
import type { QwenStreamResult } from '../upstream/stream-types.js';
import { classifyResponse, explainFailure, failureName, type UpstreamFailure } from '../upstream/upstream-failure.js';
import { createdChatId, shapeSender, type ShapeSend } from './run-shape.js';
import { needsChat, resendHeaders, rulesForRequest } from './probe-refresh.js';

/** What a fresh send says about the request. `inconclusive`: the transport, not the request, decided. */
export type RequestOutcome = 'works' | 'fails' | 'inconclusive';

/** The verdict on one fresh send, with the exchanges it took (chats/new first when one was created). */
export interface RequestVerdict {
  readonly outcome: RequestOutcome;
  /** Short stable failure name (`Internal_Server_Error`, `auth`, `transport:ECONNRESET`); absent when it works. */
  readonly failure?: string;
  /** One sentence. */
  readonly explanation: string;
  readonly exchanges: readonly Exchange[];
  /** The judged stream, for completions. */
  readonly result?: QwenStreamResult;
  /** The chat the request ran in (created, or given). */
  readonly chatId?: string;
  readonly ms: number;
}

/** Who to send to, as whom, and how patiently. */
export interface FreshSendOptions {
  /** Base URL of the target: every request goes there whatever origin it was captured from. */
  readonly target: string;
  readonly token: string;
  readonly cookies?: Readonly<Record<string, string>> | undefined;
  /** A captured `chats/new` request, re-sent (refreshed) whenever a request needs a chat of its own. */
  readonly chatRequest?: ExchangeRequest | undefined;
  readonly idClock?: IdClock | undefined;
  readonly source?: ExchangeSource | undefined;
  /** How to send (tests); `shapeSender` with the timeouts below by default. */
  readonly send?: ShapeSend | undefined;
  readonly connectTimeoutMs?: number | undefined;
  /** Silence mid-stream that ends a send: a stalled stream becomes an inconclusive verdict, not a hang. */
  readonly idleTimeoutMs?: number | undefined;
  readonly totalTimeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Every exchange sent, as soon as it completed. */
  readonly onExchange?: ((exchange: Exchange) => void) | undefined;
}

/** Per-send context: the chat and parent to continue from, and live events. */
export interface FreshTurn {
  /** Use this chat instead of creating one. */
  readonly chatId?: string;
  /** The previous response id; null (a first turn) by default. */
  readonly parentId?: string | null;
  readonly onEvent?: (event: SseEvent) => void;
  /** Last edit before sending, after the refresh: user overrides (`replay --set`) win over fresh values. */
  readonly finalize?: (request: ExchangeRequest) => ExchangeRequest;
}

/** Failures that say nothing about the request: the connection or the account's quota decided. */
function isInconclusive(failure: UpstreamFailure): boolean {
  return failure.kind === 'transport' || failure.kind === 'truncated' || failure.kind === 'rate-limited';
}

function verdictFromFailure(
  failure: UpstreamFailure,
  prefix = '',
): Pick<RequestVerdict, 'outcome' | 'failure' | 'explanation'> {
  const inconclusive = isInconclusive(failure);
  const explanation = `${prefix}${explainFailure(failure)}${
    inconclusive ? ' This says nothing about the request ' + 'itself.' : ''
  }`;
  return {
    outcome: inconclusive ? 'inconclusive' : 'fails',
    failure: `${prefix ? 'chats.new ' : ''}${failureName(failure)}`,
    explanation,
  };
}

/**
 * Judges one exchange by content: a completion (or any event stream) works when it streamed an
 * answer to its end; any other response works when nothing in it reads as a failure.
 */
export function judgeExchange(
  exchange: Exchange,
): Pick<RequestVerdict, 'outcome' | 'failure' | 'explanation' | 'result'> {
  const streamed = (exchange.endpoint ?? '').startsWith('chat.completions') || isEventStream(exchange.response);
  if (streamed) {
    const result = judgeQwenResponse(exchange.response, exchange.error);
    if (result.ok)
      return {
        outcome: 'works',
        result,
        explanation:
          `The request streamed an answer to its end (${result.events} events, ${result.answer.length} ` +
          `characters).`,
      };
    const failure = result.failure ?? { kind: 'malformed', reason: 'the stream carried no answer text', sample: '' };
    return { ...verdictFromFailure(failure), result };
  }
  const failure = classifyResponse(exchange.response, exchange.error);
  if (!failure)
    return {
      outcome: 'works',
      explanation: `The request was answered with HTTP ${exchange.response?.status} and no sign of failure.`,
    };
  return verdictFromFailure(failure);
}

function senderOf(options: FreshSendOptions): ShapeSend {
  return (
    options.send ??
    shapeSender({
      source: options.source ?? 'replay',
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      totalTimeoutMs: options.totalTimeoutMs ?? 180_000,
      ...(options.signal ? { signal: options.signal } : {}),
    })
  );
}

/** Creates a chat by re-sending the captured chats/new request; a failure becomes the verdict. */
async function createChat(
  options: FreshSendOptions,
  send: ShapeSend,
  clock: IdClock,
): Promise<
  | { chatId: string; exchange: Exchange }
  | { verdict: Pick<RequestVerdict, 'outcome' | 'failure' | 'explanation'>; exchange: Exchange }
> {
  const template = options.chatRequest!;
  const fresh = refreshRequest(
    template,
    'chats.new',
    { idClock: clock, token: options.token, cookies: options.cookies ?? {}, baseUrl: options.target },
    rulesForRequest(template, 'chats.new'),
  );
  const exchange = await send(
    { ...fresh.request, headers: resendHeaders(fresh.request.headers) },
    { endpoint: 'chats.new' },
  );
  options.onExchange?.(exchange);
  const outcome = createdChatId(exchange);
  if ('chatId' in outcome) return { chatId: outcome.chatId, exchange };
  return {
    verdict: verdictFromFailure(outcome.failure, 'Creating a fresh chat failed, so the request could not be tried: '),
    exchange,
  };
}

/** Sends `request` (of `endpoint`) afresh and judges it; see the module comment. Never throws for upstream failures. */
export async function sendFresh(
  request: ExchangeRequest,
  endpoint: string | undefined,
  options: FreshSendOptions,
  turn: FreshTurn = {},
): Promise<RequestVerdict> {
  const started = performance.now();
  const clock = options.idClock ?? systemIdClock;
  const send = senderOf(options);
  const exchanges: Exchange[] = [];
  const ms = () => Math.round(performance.now() - started);
  let chatId = turn.chatId;
  if (chatId === undefined && needsChat(request, endpoint)) {
    if (options.chatRequest) {
      const created = await createChat(options, send, clock);
      exchanges.push(created.exchange);
      if ('verdict' in created) return { ...created.verdict, exchanges, ms: ms() };
      chatId = created.chatId;
    } else chatId = clock.uuid();
  }
  const fresh = refreshRequest(
    request,
    endpoint,
    {
      idClock: clock,
      token: options.token,
      cookies: options.cookies ?? {},
      baseUrl: options.target,
      parentId: turn.parentId ?? null,
      ...(chatId !== undefined ? { chatId } : {}),
    },
    rulesForRequest(request, endpoint),
  );
  const ready = turn.finalize ? turn.finalize(fresh.request) : fresh.request;
  const exchange = await send(
    { ...ready, headers: resendHeaders(ready.headers) },
    { ...(endpoint !== undefined ? { endpoint } : {}), ...(turn.onEvent ? { onEvent: turn.onEvent } : {}) },
  );
  const sent = exchange.endpoint === undefined && endpoint !== undefined ? { ...exchange, endpoint } : exchange;
  options.onExchange?.(sent);
  exchanges.push(sent);
  return { ...judgeExchange(sent), exchanges, ...(chatId !== undefined ? { chatId } : {}), ms: ms() };
}

/** A probe function for `bisectRequests`: every call sends the request afresh, in a chat of its own. */
export function createRequestProber(
  endpoint: string | undefined,
  options: FreshSendOptions,
): (request: ExchangeRequest) => Promise<RequestVerdict> {
  return (request) => sendFresh(request, endpoint, options);
}
