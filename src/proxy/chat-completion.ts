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
import type { UpstreamFailure } from '../upstream/upstream-failure.js';
import type { ResponseIdentity } from './chunk-writer.js';
import { foldMessages, type ConversationStore, type TurnPlan } from './conversation-store.js';
import { isSessionFailure } from './failure-response.js';
import type { ModelsCache } from './models-cache.js';
import { proxyError, type ChatRequest } from './openai-schemas.js';
import type { PooledSession, SessionPool } from './session-pool.js';
import { TurnWriter, type ResponseState } from './turn-writer.js';
import { runUpstreamTurn, type UpstreamConfig } from './upstream-turn.js';

export type { ResponseState } from './turn-writer.js';

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

function responseHeaders(id: string, request: ChatRequest): Record<string, string> {
  return {
    'x-request-id': id,
    ...(request.ignored.length > 0 ? { 'x-qwen-probe-ignored': request.ignored.join(',') } : {}),
  };
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
export async function handleChatCompletion(
  ctx: ChatContext,
  request: ChatRequest,
  state: ResponseState,
): Promise<void> {
  const identity: ResponseIdentity = {
    id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
  };
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
    state.account = session.label;
    out.onAnswered = (turn) => {
      if (turn.chatId !== undefined && turn.responseId !== undefined) {
        ctx.conversations.remember(request.messages, turn.answer, {
          session: owner.label,
          chatId: turn.chatId,
          responseId: turn.responseId,
        });
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
    if (out.committed || !isSessionFailure(failure))
      return out.fail(failure, outcome.transportError ? { transport: outcome.transportError } : {});
    ctx.pool.coolDown(
      session.label,
      failure.kind,
      failure.kind === 'rate-limited' && failure.retryAfterSeconds !== undefined
        ? failure.retryAfterSeconds * 1000
        : undefined,
    );
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
