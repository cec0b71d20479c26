/**
 * `POST /v1/chat/completions`: one validated request → one upstream turn → one OpenAI answer.
 *
 * A response is *committed* (status 200 and SSE headers written) only when the first upstream
 * event arrives. Until then every failure can still become a proper HTTP status that the SDK maps
 * to its error classes, and a session failure (auth, rate limit) can move the request to the next
 * session without the client noticing. After the commit a failure becomes an `error` event in
 * the stream, then the stream closes. Each upstream update is written the moment it arrives.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ExchangeError } from '../exchange/exchange.js';
import type { QwenStreamUpdate, QwenUsage } from '../upstream/stream-types.js';
import type { UpstreamFailure } from '../upstream/upstream-failure.js';
import { chatCompletionObject, ChunkWriter, DONE_FRAME, KEEPALIVE_FRAME, openAiUsage, type FinishReason, type ResponseIdentity } from './chunk-writer.js';
import { foldMessages, type ConversationStore, type TurnPlan } from './conversation-store.js';
import { errorForFailure, isSessionFailure } from './failure-response.js';
import { sendError } from './http-io.js';
import type { ModelsCache } from './models-cache.js';
import { proxyError, type ChatRequest, type ProxyError } from './openai-schemas.js';
import type { PooledSession, SessionPool } from './session-pool.js';
import { runUpstreamTurn, type UpstreamConfig } from './upstream-turn.js';

/** What a chat completion needs from the server; one per server. */
export interface ChatContext {
  readonly upstream: UpstreamConfig;
  readonly pool: SessionPool;
  readonly conversations: ConversationStore;
  readonly models: ModelsCache;
  /** Open streams, for keep-alives and shutdown. */
  readonly open: Set<ResponseState>;
  readonly log?: (line: string) => void;
}

/** The live state of one response; the server's keep-alive timer reads `lastWrite`. */
export interface ResponseState {
  readonly res: ServerResponse;
  readonly stream: boolean;
  committed: boolean;
  ended: boolean;
  lastWrite: number;
  readonly abort: AbortController;
}

function responseHeaders(id: string, request: ChatRequest): Record<string, string> {
  return {
    'x-request-id': id,
    ...(request.ignored.length > 0 ? { 'x-qwen-probe-ignored': request.ignored.join(',') } : {}),
  };
}

/** Collects one upstream turn into the client's response; see the module comment. */
class TurnWriter {
  private readonly writer: ChunkWriter;
  private answer = '';
  private reasoning = '';
  private usage: QwenUsage | undefined;
  private lengthHit = false;
  /** The upstream sent its final answer event and the client got a complete answer. */
  finishedByUpstream = false;
  /** The upstream chat and response of the current attempt, for the conversation memory. */
  chatId: string | undefined;
  private responseId: string | undefined;
  /** Called once a complete answer is known, before the client gets its end. */
  onAnswered: ((turn: { answer: string; chatId?: string; responseId?: string }) => void) | undefined;
  /** The upstream request of the current attempt; each attempt gets its own. */
  private attempt = new AbortController();
  failure: UpstreamFailure | undefined;

  constructor(
    private readonly state: ResponseState,
    private readonly identity: ResponseIdentity,
    private readonly request: ChatRequest,
    private readonly headers: Record<string, string>,
  ) {
    this.writer = new ChunkWriter(identity);
  }

  /** Forgets what a failed, uncommitted attempt collected, before the next session tries. */
  reset(): AbortSignal {
    this.attempt = new AbortController();
    this.answer = '';
    this.reasoning = '';
    this.usage = undefined;
    this.failure = undefined;
    this.finishedByUpstream = false;
    this.chatId = undefined;
    this.responseId = undefined;
    return this.attempt.signal;
  }

  /** Cuts the current upstream request (client gone, answer complete, failure seen). */
  readonly stopUpstream = (): void => {
    this.attempt.abort();
  };

  /** True once the client has seen something; the request can no longer move to another session. */
  get committed(): boolean {
    return this.state.committed;
  }

  /** Handles one upstream update; stops the upstream as soon as the answer must end. */
  readonly onUpdate = (update: QwenStreamUpdate): void => {
    if (this.state.ended || this.failure !== undefined) return;
    switch (update.kind) {
      case 'created':
        this.responseId = update.responseId;
        this.chatId ??= update.chatId;
        this.commit();
        return;
      case 'answer':
        this.answer += update.text;
        if (this.request.stream) this.write(this.writer.content(update.text));
        return;
      case 'reasoning':
        this.reasoning += update.text;
        if (this.request.stream) this.write(this.writer.reasoning(update.text));
        return;
      case 'usage':
        this.usage = update.usage;
        if (!this.lengthHit && this.request.maxTokens !== undefined && update.usage.outputTokens >= this.request.maxTokens) {
          // The upstream's own count says the budget is spent. Usage precedes the text of its own
          // event, so the cut waits until the updates of this chunk have been written.
          this.lengthHit = true;
          queueMicrotask(() => this.finishLength());
        }
        return;
      case 'failure':
        // Stop reading at the first failure. Before the commit the turn's verdict decides what
        // happens (another session may take the request); after it the client hears it now.
        this.failure = update.failure;
        this.stopUpstream();
        if (this.state.committed) this.fail(update.failure);
        return;
      case 'finished':
        // The final answer event: the client is done now, whatever the upstream connection does
        // next. Remember the conversation first, so a client that sends its next turn the moment
        // it has this answer already continues the chat.
        this.finishedByUpstream = true;
        this.onAnswered?.({ answer: this.answer, chatId: this.chatId, responseId: this.responseId });
        this.succeed('stop');
        return;
      default:
        return;
    }
  };

  private commit(): void {
    if (this.state.committed || !this.request.stream) return;
    this.state.committed = true;
    this.state.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...this.headers,
    });
    this.write(this.writer.role());
  }

  private write(frame: string): void {
    if (!this.state.committed) this.commit();
    if (this.state.res.writableEnded) return;
    this.state.res.write(frame);
    this.state.lastWrite = Date.now();
  }

  private finishLength(): void {
    if (this.state.ended) return;
    this.stopUpstream();
    this.succeed('length');
  }

  /** Ends the answer successfully. */
  succeed(reason: FinishReason): void {
    if (this.state.ended) return;
    const usage = this.usage ? openAiUsage(this.usage) : undefined;
    if (this.request.stream) {
      this.write(this.writer.finish(reason));
      if (this.request.includeUsage) this.write(this.writer.usage(usage));
      this.write(DONE_FRAME);
      this.end();
    } else {
      this.state.ended = true;
      const body = chatCompletionObject(this.identity, { content: this.answer, reasoning: this.reasoning, finishReason: reason, ...(usage ? { usage } : {}) });
      const text = JSON.stringify(body);
      if (!this.state.res.headersSent && !this.state.res.destroyed) {
        this.state.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...this.headers });
      }
      this.state.res.end(text);
    }
  }

  /** Ends the answer with an error: a status before the commit, an error event after it. */
  fail(failure: UpstreamFailure | ProxyError, options: { retryAfterSeconds?: number; transport?: ExchangeError } = {}): void {
    if (this.state.ended) return;
    const error = 'kind' in failure ? errorForFailure(failure, options) : failure;
    if (this.state.committed) {
      this.write(this.writer.error(error));
      this.end();
    } else {
      this.state.ended = true;
      sendError(this.state.res, error, this.headers);
    }
  }

  private end(): void {
    this.state.ended = true;
    if (!this.state.res.writableEnded) this.state.res.end();
  }
}

/** Picks the session for a plan: the chat's owner when continuing, else the next in the pool. */
function sessionFor(plan: TurnPlan, pool: SessionPool, tried: ReadonlySet<string>): PooledSession | undefined {
  if (plan.kind === 'continue' && !tried.has(plan.thread.session)) return pool.take(plan.thread.session);
  return pool.pick(tried);
}

/**
 * Runs one chat completion. Never throws for upstream trouble; the caller's catch only sees bugs.
 * `state.abort` is aborted by the server when the client disconnects.
 */
export async function handleChatCompletion(ctx: ChatContext, request: ChatRequest, state: ResponseState): Promise<void> {
  const identity: ResponseIdentity = { id: `chatcmpl-${randomUUID().replace(/-/g, '')}`, created: Math.floor(Date.now() / 1000), model: request.model };
  const headers = responseHeaders(identity.id, request);
  const out = new TurnWriter(state, identity, request, headers);
  state.abort.signal.addEventListener('abort', out.stopUpstream, { once: true });

  const resolved = await ctx.models.resolve(request.model);
  if ('status' in resolved) return out.fail(resolved);
  if (state.abort.signal.aborted) return;
  const thinking = resolved.thinking || request.thinking === true;

  let plan = ctx.conversations.plan(request.messages);
  const tried = new Set<string>();
  let lastFailure: UpstreamFailure | undefined;
  // Bounded: each pass either ends the request or sets one more session aside.
  for (let attempt = 0; attempt <= ctx.pool.size; attempt++) {
    let session = sessionFor(plan, ctx.pool, tried);
    if (!session && plan.kind === 'continue') {
      // The account that owns the chat is resting: start over elsewhere with the history folded.
      plan = { kind: 'new', prompt: foldMessages(request.messages) };
      session = ctx.pool.pick(tried);
    }
    if (!session) break;
    const signal = out.reset();
    const owner = session;
    out.onAnswered = (turn) => {
      if (turn.chatId !== undefined && turn.responseId !== undefined) {
        ctx.conversations.remember(request.messages, turn.answer, { session: owner.label, chatId: turn.chatId, responseId: turn.responseId });
      }
    };
    const outcome = await runUpstreamTurn(ctx.upstream, {
      session,
      model: resolved.model,
      thinking,
      prompt: plan.prompt,
      ...(plan.kind === 'continue' ? { chatId: plan.thread.chatId, parentId: plan.thread.responseId } : {}),
      signal,
      onUpdate: out.onUpdate,
      onChat: (chatId) => {
        out.chatId = chatId;
      },
    });
    if (out.finishedByUpstream) return;
    if (state.ended) {
      // Answered already: cut at max_tokens, or a failure written into the committed stream.
      if (out.failure) ctx.log?.(`${identity.id}: ${out.failure.kind} mid-stream (session ${session.label})`);
      return;
    }
    const failure = out.failure ?? outcome.result.failure;
    if (state.abort.signal.aborted) return; // the client left; nothing to answer
    if (!failure) {
      // A stream without its final event always carries a failure: this is only a safety net.
      out.succeed('stop');
      return;
    }
    lastFailure = failure;
    ctx.log?.(`${identity.id}: ${failure.kind} at ${outcome.stage} (session ${session.label})`);
    if (out.committed || !isSessionFailure(failure)) return out.fail(failure, outcome.transportError ? { transport: outcome.transportError } : {});
    ctx.pool.coolDown(session.label, failure.kind, failure.kind === 'rate-limited' && failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : undefined);
    tried.add(session.label);
    if (plan.kind === 'continue') plan = { kind: 'new', prompt: foldMessages(request.messages) };
  }
  const retryAfterSeconds = Math.ceil(ctx.pool.msUntilAvailable() / 1000);
  if (lastFailure) return out.fail(lastFailure, lastFailure.kind === 'rate-limited' ? { retryAfterSeconds } : {});
  out.fail(
    proxyError(`Every session is cooling down after upstream refusals; the first is back in ${retryAfterSeconds} s.`, {
      status: 503,
      type: 'upstream_error',
      code: 'no_session_available',
      headers: { 'retry-after': String(Math.max(1, retryAfterSeconds)) },
    }),
  );
}

/** Writes a keep-alive comment to committed streams that have been quiet for `quietMs`. */
export function sendKeepAlives(open: ReadonlySet<ResponseState>, quietMs: number, now = Date.now()): void {
  for (const state of open) {
    if (!state.stream || !state.committed || state.ended || state.res.destroyed || now - state.lastWrite < quietMs) continue;
    state.res.write(KEEPALIVE_FRAME);
    state.lastWrite = now;
  }
}
