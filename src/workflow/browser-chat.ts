/**
 * The browser's half of an investigation, two steps in one Chromium: log in (with an account, a
 * session file, or by hand in a headed window), then record one chat turn on the real page. Its
 * recording is the working side of the diff, and its session signs every later request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { closeQuietly, launchBrowser } from '../capture/browser-launch.js';
import { contextForSession, loginWithBrowser, type BrowserLoginResult } from '../capture/browser-login.js';
import { startBrowserRecorder } from '../capture/browser-recorder.js';
import { captureChat, type ChatTurn } from '../capture/capture-chat.js';
import { applyNetLogHeaderOrder } from '../capture/net-log.js';
import { loadSiteProfile, type SiteProfiles } from '../capture/site-profiles.js';
import { readSessionFile } from '../client/session-file.js';
import { goodFailsHint } from '../bisect/explain-bisect.js';
import { ProbeError } from '../exchange/errors.js';
import type { Exchange } from '../exchange/exchange.js';
import { runStep, type InvestigationListener } from './investigation-event.js';

/** An email and password for the login form. */
export interface BrowserAccount {
  readonly email: string;
  readonly password: string;
}

/**
 * The account to log in with, or a function that finds one when the login step runs (the CLI reads
 * `--user` and the environment there, so a bad `--user` fails that step); undefined: none.
 */
export type AccountSource = BrowserAccount | (() => Promise<BrowserAccount | undefined>);

/** How the browser logs in and what it asks. */
export interface BrowserChatOptions {
  /** Normalised target base URL (`normaliseTarget`). */
  readonly target: string;
  readonly prompt: string;
  /** Fill the login form with this account; ignored with `session`. */
  readonly account?: AccountSource | undefined;
  /** A session file saved by `login`, instead of logging in. */
  readonly session?: string | undefined;
  /** Show the browser; without an account a person then logs in by hand. */
  readonly headed?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: InvestigationListener | undefined;
}

/** What the browser phase hands on: its recording, the session it logged in with, and its answer. */
export interface BrowserChat {
  readonly exchanges: readonly Exchange[];
  readonly token: string;
  readonly cookies: Readonly<Record<string, string>>;
  readonly answer?: string;
}

/** Logs in with Chromium and records one chat turn: the steps "log in" and "capture a chat". */
export async function browserChat(options: BrowserChatOptions): Promise<BrowserChat> {
  const profile = await loadSiteProfile(options.target);
  // The NetLog gives the request headers' wire order (CDP sorts them); it holds secrets, so it is private and removed.
  const netLogDir = await mkdtemp(join(tmpdir(), 'qwen-probe-netlog-'));
  const netLogPath = join(netLogDir, 'netlog.json');
  const { browser } = await launchBrowser({ headed: options.headed === true, netLogPath }).catch(
    async (error: unknown) => {
      await rm(netLogDir, { recursive: true, force: true });
      throw error;
    },
  );
  try {
    const login = await logInStep(browser, profile, options);
    const recorder = await startBrowserRecorder(login.context, { origin: options.target });
    const turn = await runStep('capture a chat in the browser', options.onEvent, async () => {
      let turns: ChatTurn[];
      try {
        turns = await captureChat({
          page: login.page,
          target: options.target,
          profile,
          recorder,
          prompts: [options.prompt],
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } finally {
        await recorder.stop();
      }
      const first = turns[0];
      if (options.signal?.aborted)
        throw new ProbeError('E_INTERRUPTED', "interrupted during the browser's chat; nothing was bisected yet");
      if (first?.outcome !== 'answered') {
        throw new ProbeError(
          'E_UPSTREAM_PROTOCOL',
          `the browser's own chat did not work: ${first?.reason ?? 'no turn was recorded'}`,
          { hint: goodFailsHint(first?.authFailure ? 'auth' : undefined) },
        );
      }
      return {
        value: first,
        detail: `answered in ${(first.ms / 1000).toFixed(1)} s, ${recorder.exchanges.length} exchanges recorded`,
      };
    });
    const exchanges = await recorder.stop();
    await closeQuietly(browser); // completes the NetLog
    return {
      exchanges: await applyNetLogHeaderOrder(exchanges, netLogPath),
      token: login.session.token,
      cookies: login.session.cookies,
      ...(turn.answer !== undefined ? { answer: turn.answer } : {}),
    };
  } finally {
    await closeQuietly(browser);
    await rm(netLogDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The step "log in with the browser": a session file, the login form, or a person in a headed window. */
function logInStep(
  browser: Browser,
  profile: SiteProfiles,
  options: BrowserChatOptions,
): Promise<Pick<BrowserLoginResult, 'context' | 'page' | 'session'>> {
  return runStep('log in with the browser', options.onEvent, async () => {
    if (options.session) {
      const session = await readSessionFile(options.session);
      const context = await contextForSession(browser, session, profile, {
        onWarning: (line) => options.onEvent?.({ kind: 'note', line: `warning: ${line}` }),
      });
      return { value: { context, page: await context.newPage(), session }, detail: `session from ${options.session}` };
    }
    const account = typeof options.account === 'function' ? await options.account() : options.account;
    if (!account && options.headed !== true)
      throw new ProbeError('E_USAGE', 'investigate --target needs --user EMAIL, --session FILE or --headed', {
        hint: 'or set QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD',
      });
    const result = await loginWithBrowser({
      target: options.target,
      browser,
      profile,
      ...(account ? { account } : {}),
      onStatus: (line) => options.onEvent?.({ kind: 'note', line }),
    });
    return {
      value: result,
      detail: `logged in as ${result.session.user?.email ?? account?.email ?? 'the account in the window'}`,
    };
  });
}
