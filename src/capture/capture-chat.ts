/**
 * Driving a chat page like a person: pick the model and thinking mode, put the prompt in, send it,
 * and wait until the answer is finished. "Finished" is decided by the network (the completion
 * exchange ended, as the recorder saw it) and, where the site marks it, by the page (the message's
 * status or its action bar), so a stream that stalls, breaks or is blocked ends the turn with a
 * reason instead of a hang. Which era of the site the page is, and whether it will answer at all,
 * is settled first (`openChat`).
 */
import type { Page } from 'playwright-core';
import type { Exchange } from '../exchange/exchange.js';
import { judgeQwenResponse } from '../upstream/stream-reader.js';
import { explainFailure } from '../upstream/upstream-failure.js';
import type { BrowserRecorder } from './browser-recorder.js';
import { eraCandidates, type SiteProfiles } from './site-profiles.js';
import type { SiteProfile } from './site-profile.js';
import { applyChatSettings, readAssistantState, type AssistantState, type ThinkingMode } from './chat-page.js';
import { checkPromptLengths, composerLimit, enterPrompt, submitPrompt } from './composer.js';
import { modelNameFrom } from './model-names.js';
import { openChat } from './open-chat.js';

export { openChat } from './open-chat.js';
export type { OpenChatOptions } from './open-chat.js';

/** How one prompt went. */
export interface ChatTurn {
  readonly index: number;
  readonly prompt: string;
  /** `answered`: a complete answer; `failed`: the site or the stream said no; `timeout`: no end in time. */
  readonly outcome: 'answered' | 'failed' | 'timeout' | 'interrupted';
  readonly answer?: string;
  /** One sentence on why the turn did not answer. */
  readonly reason?: string;
  /**
   * Every answer the page showed for the turn: two when it put two side by side (an A/B screen,
   * `dualMessage`); the completion exchange holds both streams.
   */
  readonly answers?: readonly string[];
  /** The completion exchange, when it completed. */
  readonly exchange?: Exchange;
  /** The failure looked like a refused or expired token. */
  readonly authFailure?: boolean;
  readonly ms: number;
}

/** What `captureChat` needs. */
export interface CaptureChatOptions {
  readonly page: Page;
  /** Normalised target base URL. */
  readonly target: string;
  /** One era's profile, or the eras among which the page decides (`openChat`). */
  readonly profile: SiteProfiles;
  /** The recorder attached to the page (its exchanges tell when an answer ended). */
  readonly recorder: BrowserRecorder;
  readonly prompts: readonly string[];
  /** Set the thinking mode to this (`true` = thinking, `false` = fast); undefined leaves the page's choice. */
  readonly thinking?: boolean | ThinkingMode;
  /** A model id; a dropdown that lists names is matched by the name `/api/models` gives it. */
  readonly model?: string;
  /** Open the chat page first (default true); false when the page already shows it. */
  readonly navigate?: boolean;
  /** Page load and chat box; default 30 s. */
  readonly readyTimeoutMs?: number;
  /** One answer, from send to its last event; default 120 s. */
  readonly answerTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onTurn?: (turn: ChatTurn) => void;
}

const RENDER_GRACE_MS = 10_000;

const isCompletion = (ex: Exchange) => ex.endpoint === 'chat.completions' || ex.endpoint === 'chat.completions.v1';

/**
 * Waits `ms`, or less when `signal` fires. The abort listener is removed when the time is up: the
 * answer loop sleeps hundreds of times on the command's one signal, and listeners left behind pile
 * up into a MaxListenersExceededWarning.
 */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What `sendTurn` needs: the options, with the era the page turned out to be. */
export type SendTurnOptions = Omit<CaptureChatOptions, 'profile'> & { readonly profile: SiteProfile };

/**
 * Sends one prompt and waits for its answer; never throws for what the site or stream did (a prompt
 * over the composer's limit is the caller's mistake: E_USAGE).
 */
export async function sendTurn(options: SendTurnOptions, index: number, prompt: string): Promise<ChatTurn> {
  const { page, profile, recorder, signal } = options;
  const started = Date.now();
  const limit = started + (options.answerTimeoutMs ?? 120_000);
  const before = await page.locator(profile.selectors.assistantMessage).count();
  let completion: Exchange | undefined;
  let completedAt = 0;
  const unsubscribe = recorder.subscribe((ex) => {
    if (completion || !isCompletion(ex)) return;
    completion = ex;
    completedAt = Date.now();
  });
  const turn = (rest: Omit<ChatTurn, 'index' | 'prompt' | 'ms'>): ChatTurn => ({
    index,
    prompt,
    ...rest,
    ms: Date.now() - started,
  });
  try {
    checkPromptLengths([prompt], await composerLimit(page, profile));
    await enterPrompt(page, profile, prompt);
    const unsent = await submitPrompt(page, profile);
    if (unsent) return turn({ outcome: 'failed', reason: unsent });
    const pageMarksEnd = profile.answerStatus !== undefined || profile.selectors.answerDone !== undefined;
    let dom: AssistantState | undefined;
    // Polling, not events: both the recorder and the page may finish first, and either may never.
    while (Date.now() < limit && !signal?.aborted) {
      dom = await readAssistantState(page, profile, before);
      const domEnded = dom.status === 'done' || dom.status === 'error';
      // Once the stream is over the page gets a few seconds to render the end, not the whole limit.
      if (completion && (domEnded || !pageMarksEnd || Date.now() - completedAt > RENDER_GRACE_MS)) break;
      if (dom.status === 'error' && !completion) {
        // The page gave up (e.g. chats/new refused): give the recorder a moment for the completion.
        await sleep(1000, signal);
        break;
      }
      await sleep(100, signal);
    }
    if (signal?.aborted) return turn({ outcome: 'interrupted', reason: 'recording was stopped' });
    if (!completion && dom?.status !== 'error') {
      return turn({
        outcome: 'timeout',
        reason:
          `no complete answer within ${Math.round((limit - started) / 1000)} s (the stream stalled or never ` +
          `started)`,
      });
    }
    if (completion) {
      const verdict = judgeQwenResponse(completion.response, completion.error);
      if (verdict.ok && dom?.status !== 'error') {
        // Two answers side by side: the stream interleaves them, the page shows each whole.
        const dual = (dom?.answers.length ?? 0) > 1;
        return turn({
          outcome: 'answered',
          answer: dual ? dom!.answers[0]! : verdict.answer,
          ...(dual ? { answers: dom!.answers } : {}),
          exchange: completion,
        });
      }
      const cause = completion.error ? ` (${completion.error.code}: ${completion.error.message})` : '';
      const reason = `${verdict.failure ? explainFailure(verdict.failure) : (dom?.error ?? 'the answer failed')}${cause}`;
      return turn({ outcome: 'failed', reason, exchange: completion, authFailure: verdict.failure?.kind === 'auth' });
    }
    const reason = dom?.error ?? 'the page reported an error';
    return turn({
      outcome: 'failed',
      reason: `the page reported: ${reason}`,
      authFailure: /\b401\b|token/i.test(reason),
    });
  } finally {
    unsubscribe();
  }
}

/**
 * Runs the prompts in order on one chat, stopping at the first turn that does not answer (later
 * turns would build on a broken conversation). Returns every turn tried.
 */
export async function captureChat(options: CaptureChatOptions): Promise<ChatTurn[]> {
  const profile =
    options.navigate === false && eraCandidates(options.profile).length === 1
      ? eraCandidates(options.profile)[0]!
      : await openChat(options.page, options.target, options.profile, {
          timeoutMs: options.readyTimeoutMs,
          navigate: options.navigate,
        });
  // Every prompt is checked before the first is sent: a refusal later would leave half a chat.
  checkPromptLengths(options.prompts, await composerLimit(options.page, profile));
  await applyChatSettings(options.page, profile, {
    thinking: options.thinking,
    model: options.model,
    modelName: options.model === undefined ? undefined : modelNameFrom(options.recorder.exchanges, options.model),
  });
  const turns: ChatTurn[] = [];
  for (const [i, prompt] of options.prompts.entries()) {
    if (options.signal?.aborted) break;
    const turn = await sendTurn({ ...options, profile }, i + 1, prompt);
    turns.push(turn);
    options.onTurn?.(turn);
    if (turn.outcome !== 'answered') break;
  }
  return turns;
}
