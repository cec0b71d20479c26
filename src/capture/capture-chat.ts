/**
 * Driving a chat page like a person: pick the model and thinking, type the prompt, click send, and
 * wait until the answer is finished. "Finished" is decided by the network (the completion exchange
 * ended, as the recorder saw it) and, where the site marks it, by the page (the message's status),
 * so a stream that stalls, breaks or is blocked ends the turn with a reason instead of a hang.
 */
import type { Page } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import type { Exchange } from '../exchange/exchange.js';
import { judgeQwenResponse } from '../upstream/stream-reader.js';
import { explainFailure } from '../upstream/upstream-failure.js';
import type { BrowserRecorder } from './browser-recorder.js';
import { openPage } from './browser-login.js';
import type { SiteProfile } from './site-profiles.js';
import { applyChatSettings, readAssistantState, type AssistantState } from './chat-page.js';

/** How one prompt went. */
export interface ChatTurn {
  readonly index: number;
  readonly prompt: string;
  /** `answered`: a complete answer; `failed`: the site or the stream said no; `timeout`: no end in time. */
  readonly outcome: 'answered' | 'failed' | 'timeout' | 'interrupted';
  readonly answer?: string;
  /** One sentence on why the turn did not answer. */
  readonly reason?: string;
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
  readonly profile: SiteProfile;
  /** The recorder attached to the page (its exchanges tell when an answer ended). */
  readonly recorder: BrowserRecorder;
  readonly prompts: readonly string[];
  /** Set the thinking toggle to this; undefined leaves the page's choice. */
  readonly thinking?: boolean;
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

/**
 * Opens the chat page and waits until it can take a prompt. A login form instead means the token
 * was refused (E_UPSTREAM_AUTH); neither within the time is E_BROWSER, naming the selector.
 */
export async function openChat(page: Page, target: string, profile: SiteProfile, timeoutMs = 30_000): Promise<void> {
  await openPage(page, `${target}${profile.chatPath}`, timeoutMs);
  const state = await page
    .waitForFunction(
      ({ ready, login }) => {
        if (document.querySelector(ready)) return 'ready';
        const form = document.querySelector(login) as HTMLElement | null;
        return form && form.offsetParent !== null ? 'login' : false;
      },
      { ready: profile.selectors.chatReady, login: profile.selectors.loginEmail },
      { timeout: timeoutMs, polling: 200 },
    )
    .then((h) => h.jsonValue() as Promise<string>)
    .catch(() => 'timeout');
  if (state === 'login') {
    throw new ProbeError(
      'E_UPSTREAM_AUTH',
      `${target} shows its login form: the session's token was refused or has expired`,
      {
        hint: 'log in again with `qwen-probe login`, or capture with --user / --headed',
      },
    );
  }
  if (state === 'timeout') {
    throw new ProbeError(
      'E_BROWSER',
      `the chat page never became ready within ${Math.round(timeoutMs / 1000)} s (waited for ` +
        `${profile.selectors.chatReady})`,
      {
        hint: "raise --ready-timeout, or give the site's selectors with --selectors FILE",
      },
    );
  }
}

const RENDER_GRACE_MS = 10_000;

const isCompletion = (ex: Exchange) => ex.endpoint === 'chat.completions' || ex.endpoint === 'chat.completions.v1';

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** Sends one prompt and waits for its answer; never throws for what the site or stream did. */
export async function sendTurn(options: CaptureChatOptions, index: number, prompt: string): Promise<ChatTurn> {
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
    const input = page.locator(profile.selectors.chatInput).first();
    await input.click();
    await input.fill('');
    await input.pressSequentially(prompt);
    await page.locator(profile.selectors.sendButton).first().click();
    let dom: AssistantState | undefined;
    // Polling, not events: both the recorder and the page may finish first, and either may never.
    while (Date.now() < limit && !signal?.aborted) {
      dom = await readAssistantState(page, profile, before);
      const domEnded = dom.status === 'done' || dom.status === 'error';
      // Once the stream is over the page gets a few seconds to render the end, not the whole limit.
      if (completion && (domEnded || !profile.answerStatus || Date.now() - completedAt > RENDER_GRACE_MS)) break;
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
      if (verdict.ok && dom?.status !== 'error')
        return turn({ outcome: 'answered', answer: verdict.answer, exchange: completion });
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
  if (options.navigate !== false) await openChat(options.page, options.target, options.profile, options.readyTimeoutMs);
  await applyChatSettings(options.page, options.profile, { thinking: options.thinking, model: options.model });
  const turns: ChatTurn[] = [];
  for (const [i, prompt] of options.prompts.entries()) {
    if (options.signal?.aborted) break;
    const turn = await sendTurn(options, i + 1, prompt);
    turns.push(turn);
    options.onTurn?.(turn);
    if (turn.outcome !== 'answered') break;
  }
  return turns;
}
