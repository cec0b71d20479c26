/**
 * A bisect of two captures against a live target, as `qwen-probe bisect` and `investigate` run it:
 * each probe is the failing request with some findings applied, sent afresh by client/ (fresh ids,
 * the session's token, a chat of its own) and judged by its answer. Progress comes as events, never
 * as printed lines, so a library caller gets the result with no output and the CLI chooses the words.
 *
 *     const { plan } = planCaptures(good, bad);
 *     const result = await runBisectPlan(plan, [...good, ...bad], { target, credentials });
 */
import type { Credentials } from '../client/credentials.js';
import { createRequestProber } from '../client/probe-request.js';
import { chatTemplate } from '../client/chat-template.js';
import type { Exchange } from '../exchange/exchange.js';
import { bisectPlan, type BisectPlan, type FindingChange } from './bisect-captures.js';
import type { BisectResult } from './bisect-result.js';
import type { BisectProgress } from './probe-runner.js';

/** What a live bisect reports: the plan it starts on, then each phase and probe of the search. */
export type LiveBisectProgress = { readonly kind: 'plan'; readonly plan: BisectPlan } | BisectProgress;

/** Where to probe and how; all but `target` and `credentials` have defaults. */
export interface LiveBisectOptions {
  /** Base URL every probe goes to, whatever origin the captures came from (`normaliseTarget`). */
  readonly target: string;
  readonly credentials: Pick<Credentials, 'token' | 'cookies'>;
  /** Silence that ends a stalled probe, as inconclusive (default 20 s). */
  readonly idleTimeoutMs?: number | undefined;
  /** Most probes to send, retries included (default 64). */
  readonly budget?: number | undefined;
  /** Pause between probes: be gentle with a live service (default 0). */
  readonly delayMs?: number | undefined;
  /** Also look for the fields the working request needs (default true). */
  readonly required?: boolean | undefined;
  /** Stops the bisect (Ctrl-C): the probe in flight is abandoned and the result keeps what was learned. */
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((event: LiveBisectProgress) => void) | undefined;
  /** Every exchange a probe sent, as soon as it completed. */
  readonly onExchange?: ((exchange: Exchange) => void) | undefined;
}

/** The `chats/new` request that gives each probe a fresh chat (client/chat-template.ts). */
export { chatTemplate };

/** Bisects a plan against a live target; `exchanges` are both captures. Never throws for a verdict. */
export async function runBisectPlan(
  plan: BisectPlan,
  exchanges: readonly Exchange[],
  options: LiveBisectOptions,
): Promise<BisectResult<FindingChange>> {
  const chatRequest = chatTemplate(exchanges);
  const probe = createRequestProber(plan.endpoint, {
    target: options.target,
    token: options.credentials.token,
    cookies: options.credentials.cookies,
    chatRequest,
    // A stalled stream must end a probe (as inconclusive), not the whole bisect.
    idleTimeoutMs: options.idleTimeoutMs ?? 20_000,
    connectTimeoutMs: 20_000,
    totalTimeoutMs: 120_000,
    signal: options.signal,
    onExchange: options.onExchange,
  });
  options.onProgress?.({ kind: 'plan', plan });
  const signal = options.signal;
  return bisectPlan(plan, {
    probe,
    budget: options.budget,
    delayMs: options.delayMs,
    required: options.required !== false,
    ...(signal ? { shouldStop: () => signal.aborted } : {}),
    onProgress: options.onProgress,
  });
}
