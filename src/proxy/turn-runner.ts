/**
 * One client request → one upstream turn, whatever the client's API (OpenAI's chat completions,
 * Anthropic's messages): resolve the model, plan the turn against the conversation memory, pick an
 * account, run the turn, and move to the next account when this one failed for a reason of its
 * own (rate limit, refused token, captcha) before the client saw a byte.
 *
 * A response is *committed* (status 200 and SSE headers written) only when the first upstream
 * event arrives. Until then every failure can still become a proper HTTP status, and an account
 * failure can move the request to the next account without the client noticing. After the commit
 * a failure becomes an error event in the stream, then the stream closes.
 */
import type { UpstreamFailure } from '../upstream/upstream-failure.js';
import { answeredKey, foldMessages, planTurn, type TurnPlan } from './conversation-store.js';
import type { ModelsCache } from './models-cache.js';
import { proxyError, type ChatRequest } from './openai-schemas.js';
import type { PooledSession, SessionPool } from './session-pool.js';
import type { SharedState } from './shared-state.js';
import type { ResponseState, TurnWriter } from './turn-writer.js';
import { runUpstreamTurn, type UpstreamConfig } from './upstream-turn.js';

/** What a turn needs from the server; one per server. */
export interface ChatContext {
  readonly upstream: UpstreamConfig;
  readonly pool: SessionPool;
  readonly store: SharedState;
  /** How long a conversation can be continued (and its chat kept upstream); 0: no limit. */
  readonly chatTtlMs: number;
  readonly models: ModelsCache;
  /** Open streams, for keep-alives and shutdown. */
  readonly open: Set<ResponseState>;
  readonly log?: (line: string) => void;
}

/** Picks the session for a plan: the chat's owner when continuing, else the next in the pool. */
function sessionFor(
  plan: TurnPlan,
  pool: SessionPool,
  tried: ReadonlySet<string>,
  model: string,
): PooledSession | undefined {
  if (plan.kind === 'continue' && !tried.has(plan.thread.session)) return pool.take(plan.thread.session, model);
  return pool.pick(tried, model);
}

function sharedStateError(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  return proxyError(`redis: ${message}`, {
    status: 503,
    type: 'upstream_error',
    code: 'shared_state_unavailable',
    headers: { 'retry-after': '1' },
  });
}

/**
 * Runs one turn into `out`. Never throws for upstream trouble; the caller's catch only sees bugs.
 * `state.abort` is aborted by the server when the client disconnects.
 */
export async function runTurn(
  ctx: ChatContext,
  request: ChatRequest,
  state: ResponseState,
  out: TurnWriter,
  requestId: string,
): Promise<void> {
  state.abort.signal.addEventListener('abort', out.stopUpstream, { once: true });
  const unavailable = ctx.store.problem();
  if (unavailable) return out.fail(unavailable);

  const resolved = await ctx.models.resolve(request.model);
  if ('status' in resolved) return out.fail(resolved);
  if (state.abort.signal.aborted) return;
  const thinking = resolved.thinking || request.thinking === true;

  let plan: TurnPlan;
  try {
    plan = await planTurn(request.messages, (key) => ctx.store.lookupConversation(key));
  } catch (error) {
    return out.fail(sharedStateError(error));
  }
  const tried = new Set<string>();
  let lastFailure: UpstreamFailure | undefined;
  // Bounded: each pass either ends the request or sets one more session aside.
  for (let attempt = 0; attempt <= ctx.pool.size; attempt++) {
    let session = sessionFor(plan, ctx.pool, tried, resolved.model);
    if (!session && plan.kind === 'continue') {
      // The account that owns the chat is resting: start over elsewhere with the history folded.
      plan = { kind: 'new', prompt: foldMessages(request.messages) };
      session = ctx.pool.pick(tried, resolved.model);
    }
    if (!session) break;
    const signal = out.reset();
    const owner = session;
    state.account = session.label; // for the access log line
    out.onAnswered = (turn) => {
      ctx.pool.spend(owner.label, resolved.model);
      // Written before the answer ends, so that an instance killed the moment after loses nothing.
      const counted = ctx.store.countRequest(owner.label, true).catch(() => undefined);
      if (turn.chatId === undefined || turn.responseId === undefined) return counted;
      const remembered = ctx.store
        .rememberConversation(
          answeredKey(request.messages, turn.answer),
          { session: owner.label, chatId: turn.chatId, responseId: turn.responseId },
          ctx.chatTtlMs,
        )
        .catch((error: unknown) => ctx.log?.(`${requestId}: conversation not remembered: ${String(error)}`));
      return Promise.all([counted, remembered]).then(() => undefined);
    };
    ctx.pool.begin(owner.label);
    let outcome;
    try {
      outcome = await runUpstreamTurn(ctx.upstream, {
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
      if (out.finishing) await out.finishing;
    } finally {
      ctx.pool.end(owner.label);
    }
    const failure = out.failure ?? outcome.result.failure;
    if (out.finishedByUpstream) return; // counted by onAnswered
    count(ctx, owner.label, failure === undefined);
    if (state.ended) {
      // Answered already: cut at max_tokens, or a failure written into the committed stream.
      if (out.failure) ctx.log?.(`${requestId}: ${out.failure.kind} mid-stream (session ${session.label})`);
      return;
    }
    if (state.abort.signal.aborted) return; // the client left; nothing to answer
    if (!failure) {
      // A stream without its final event always carries a failure: this is only a safety net.
      out.succeed('stop');
      return;
    }
    lastFailure = failure;
    ctx.log?.(`${requestId}: ${failure.kind} at ${outcome.stage} (session ${session.label})`);
    // The account's own trouble sets it aside; the request's trouble is the client's answer.
    if (out.committed || !ctx.pool.reportFailure(session.label, failure))
      return out.fail(failure, outcome.transportError ? { transport: outcome.transportError } : {});
    tried.add(session.label);
    if (plan.kind === 'continue') plan = { kind: 'new', prompt: foldMessages(request.messages) };
  }
  const retryAfterSeconds = Math.ceil(ctx.pool.msUntilAvailable() / 1000);
  if (lastFailure) return out.fail(lastFailure, lastFailure.kind === 'rate-limited' ? { retryAfterSeconds } : {});
  if (ctx.pool.quotaSpentFor(resolved.model))
    return out.fail(
      proxyError(
        `Every account in the rotation has used its daily quota of ${resolved.model}; it comes back with the next ` +
          'quota read after the upstream resets it.',
        {
          status: 429,
          type: 'rate_limit_error',
          code: 'quota_exhausted',
          headers: { 'retry-after': '600', 'x-should-retry': 'false' },
        },
      ),
    );
  const wait = Number.isFinite(retryAfterSeconds) ? Math.max(1, retryAfterSeconds) : 600;
  out.fail(
    proxyError(
      Number.isFinite(retryAfterSeconds)
        ? `Every session is set aside after upstream refusals; the first is back in ${retryAfterSeconds} s.`
        : 'Every session is disabled after repeated sign-in failures; see GET /admin/accounts.',
      {
        status: 503,
        type: 'upstream_error',
        code: 'no_session_available',
        headers: { 'retry-after': String(wait) },
      },
    ),
  );
}

/** Counts a request on its account (shared across instances with Redis); never delays the answer. */
function count(ctx: ChatContext, label: string, ok: boolean): void {
  ctx.store.countRequest(label, ok).catch(() => undefined);
}
