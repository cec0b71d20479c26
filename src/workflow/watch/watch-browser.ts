/**
 * The browser half of a watch round, in one Chromium: log in (session file or account), run the
 * page self-check (`capture --check-page`: which of the site profile's selectors still match), then
 * record one chat on the real page. The recording is what the round learns and compares with the
 * baseline; a chat that fails is itself a finding, not an error of the round.
 */
import type { Browser } from 'playwright-core';
import { closeQuietly, launchBrowser } from '../../capture/browser-launch.js';
import { contextForSession, loginWithBrowser } from '../../capture/browser-login.js';
import { startBrowserRecorder } from '../../capture/browser-recorder.js';
import { captureChat } from '../../capture/capture-chat.js';
import { checkPage } from '../../capture/check-page.js';
import { loadSiteProfile } from '../../capture/site-profiles.js';
import { readSessionFile } from '../../client/session-file.js';
import type { Exchange } from '../../exchange/exchange.js';
import type { WatchPageCheck } from '../../report/index.js';
import type { BrowserAccount } from '../browser-chat.js';

export interface WatchBrowserOptions {
  readonly target: string;
  readonly session?: string | undefined;
  readonly account?: BrowserAccount | undefined;
  readonly prompt: string;
  readonly timeoutMs: number;
  readonly headed?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface WatchBrowserResult {
  readonly pageCheck?: WatchPageCheck;
  readonly exchanges: readonly Exchange[];
  readonly ok: boolean;
  /** One sentence: answered in how long, or why not. */
  readonly detail: string;
}

async function logIn(
  browser: Browser,
  options: WatchBrowserOptions,
  profiles: Awaited<ReturnType<typeof loadSiteProfile>>,
) {
  if (options.session) {
    const session = await readSessionFile(options.session);
    const context = await contextForSession(browser, session, profiles);
    return { context, page: await context.newPage() };
  }
  const result = await loginWithBrowser({
    target: options.target,
    browser,
    profile: profiles,
    ...(options.account ? { account: options.account } : {}),
    timeoutMs: options.timeoutMs,
  });
  return { context: result.context, page: result.page };
}

/** Runs the browser half; throws only when Chromium cannot start or the login fails. */
export async function watchBrowser(options: WatchBrowserOptions): Promise<WatchBrowserResult> {
  const profiles = await loadSiteProfile(options.target);
  const { browser } = await launchBrowser({ headed: options.headed === true });
  try {
    const { context, page } = await logIn(browser, options, profiles);
    const check = await checkPage({ browser, context, target: options.target, profiles, timeoutMs: options.timeoutMs });
    const pageCheck: WatchPageCheck = {
      missing: check.missing.map((c) => c.key),
      checked: check.checks.filter((c) => c.status !== 'not-checked').length,
    };
    const recorder = await startBrowserRecorder(context, { origin: options.target });
    let turnDetail: { ok: boolean; detail: string };
    try {
      const turns = await captureChat({
        page,
        target: options.target,
        profile: profiles,
        recorder,
        prompts: [options.prompt],
        readyTimeoutMs: options.timeoutMs,
        answerTimeoutMs: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const first = turns[0];
      turnDetail =
        first?.outcome === 'answered'
          ? { ok: true, detail: `answered in ${(first.ms / 1000).toFixed(1)} s` }
          : { ok: false, detail: `the browser's chat did not answer: ${first?.reason ?? 'no turn was recorded'}` };
    } catch (error) {
      turnDetail = {
        ok: false,
        detail: `the browser's chat failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const exchanges = await recorder.stop();
    return { pageCheck, exchanges, ...turnDetail };
  } finally {
    await closeQuietly(browser);
  }
}
