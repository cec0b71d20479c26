/**
 * Opening the chat page and deciding, before any prompt is sent, what it is: which era of the site
 * (the first era whose composer shows), and whether it will answer at all. A signed-out visitor
 * gets the 2026 chat page anyway, with a "Welcome to Qwen" modal, and ends at `/c/guest`, where
 * nothing is answered; an expired token stays in localStorage while the header shows "Log in" for a
 * moment. So the verdict comes from the page's own `GET /api/v1/auths/` and the URL, not the
 * header, and it comes at once (E_UPSTREAM_AUTH), not after a turn has timed out. The firewall's
 * captcha page stops the run the same way, naming the captcha and `--headed` as the way out.
 */
import type { Page, Response } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import { openPage } from './browser-login.js';
import { captchaError } from './captcha.js';
import { eraCandidates, type SiteProfiles } from './site-profiles.js';
import type { SiteProfile } from './site-profile.js';

/** How long a page that showed its composer may take to answer its own who-am-I request. */
const AUTH_CHECK_GRACE_MS = 3000;

/** What the page shows, read in one evaluation. */
interface PageState {
  /** Index of the first era whose `chatReady` is visible, or -1. */
  readonly ready: number;
  readonly login: boolean;
  readonly guestPath: boolean;
  readonly welcomeModal: boolean;
  readonly captcha: boolean;
  readonly hasToken: boolean;
  readonly url: string;
  readonly title: string;
}

/** The status of the page's own who-am-I requests, as they answer. */
interface AuthWatch {
  /** The last status, or undefined before the first answer. */
  readonly status: () => number | undefined;
  stop(): void;
}

function watchAuthCheck(page: Page, path: string): AuthWatch {
  let status: number | undefined;
  const onResponse = (response: Response) => {
    try {
      if (new URL(response.url()).pathname === path && response.request().method() === 'GET')
        status = response.status();
    } catch {
      // not a URL we can read: not the auth check
    }
  };
  page.on('response', onResponse);
  return { status: () => status, stop: () => page.off('response', onResponse) };
}

async function readPageState(page: Page, eras: readonly SiteProfile[]): Promise<PageState | undefined> {
  const input = {
    ready: eras.map((p) => p.selectors.chatReady),
    login: [...new Set(eras.map((p) => p.selectors.loginEmail))],
    modals: eras.flatMap((p) =>
      p.signedOut && p.selectors.welcomeModal ? [{ css: p.selectors.welcomeModal, text: p.signedOut.modalText }] : [],
    ),
    guestPaths: eras.flatMap((p) => p.signedOut?.paths ?? []),
    captchaTitles: eras.flatMap((p) => p.captcha.titles),
    captchaPaths: eras.flatMap((p) => p.captcha.paths),
    tokenKey: eras[0]!.tokenKey,
  };
  // An element counts when it is rendered (a hidden form or a detached shell does not).
  return page
    .evaluate(
      (i) => ({
        ready: i.ready.findIndex((css) =>
          [...document.querySelectorAll(css)].some((el) => (el as HTMLElement).getClientRects().length > 0),
        ),
        login: i.login.some((css) =>
          [...document.querySelectorAll(css)].some((el) => (el as HTMLElement).getClientRects().length > 0),
        ),
        guestPath: i.guestPaths.some((p) => location.pathname === p || location.pathname.startsWith(`${p}/`)),
        welcomeModal: i.modals.some((m) =>
          [...document.querySelectorAll(m.css)].some(
            (el) =>
              (el as HTMLElement).getClientRects().length > 0 &&
              (el.textContent ?? '').toLowerCase().includes(m.text.toLowerCase()),
          ),
        ),
        captcha:
          i.captchaTitles.includes(document.title.trim()) ||
          i.captchaPaths.some((p) => location.pathname.startsWith(p)),
        hasToken: Boolean(localStorage.getItem(i.tokenKey)),
        url: location.href,
        title: document.title,
      }),
      input,
    )
    .catch(() => undefined); // a navigation in progress: ask again
}

function signedOutError(state: PageState, authStatus: number | undefined, target: string): ProbeError {
  const signs = [
    authStatus === 401 ? "the page's GET /api/v1/auths/ answered 401" : undefined,
    state.guestPath
      ? `it moved to ${new URL(state.url).pathname}, the guest chat where nothing is answered`
      : undefined,
    state.welcomeModal ? 'it shows its "Welcome to Qwen" modal' : undefined,
  ].filter((s): s is string => s !== undefined);
  const why = state.hasToken
    ? "the session's token, still in localStorage, has expired or was refused"
    : 'the browser holds no session';
  return new ProbeError(
    'E_UPSTREAM_AUTH',
    `${target} treats this browser as signed out (${signs.join('; ')}): ${why}`,
    {
      hint: 'log in again with `qwen-probe login`, or capture with --user / --headed',
    },
  );
}

function loginFormError(target: string): ProbeError {
  return new ProbeError(
    'E_UPSTREAM_AUTH',
    `${target} shows its login form: the session's token was refused or has expired`,
    {
      hint: 'log in again with `qwen-probe login`, or capture with --user / --headed',
    },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How `openChat` runs. */
export interface OpenChatOptions {
  /** Page load and chat box; default 30 s. */
  readonly timeoutMs?: number | undefined;
  /** Open the chat page first (default true); false judges the page as it stands. */
  readonly navigate?: boolean | undefined;
}

/**
 * Opens the chat page (unless told not to) and waits until it can take a prompt; returns the era
 * the page turned out to be. A login form, a guest chat, the welcome modal or a 401 from the page's
 * own auth check is E_UPSTREAM_AUTH; the captcha page too, naming it; neither ready nor refused
 * within the time is E_BROWSER, naming the selectors it waited for.
 */
export async function openChat(
  page: Page,
  target: string,
  profiles: SiteProfiles,
  options: OpenChatOptions | number = {},
): Promise<SiteProfile> {
  const { timeoutMs = 30_000, navigate = true } = typeof options === 'number' ? { timeoutMs: options } : options;
  const eras = eraCandidates(profiles);
  const auth = watchAuthCheck(page, eras[0]!.authCheckPath);
  try {
    if (navigate) await openPage(page, `${target}${eras[0]!.chatPath}`, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    let readySince: number | undefined;
    while (Date.now() < deadline) {
      const state = await readPageState(page, eras);
      if (state) {
        if (state.captcha) throw captchaError(state.url, state.title);
        if (state.guestPath || state.welcomeModal || auth.status() === 401)
          throw signedOutError(state, auth.status(), target);
        if (state.login && state.ready < 0) throw loginFormError(target);
        const era = eras[state.ready];
        if (era) {
          // A page that serves visitors the chat anyway answers no one without a token.
          if (era.signedOut && !state.hasToken) throw signedOutError(state, auth.status(), target);
          readySince ??= Date.now();
          // The composer shows before the page knows who it is: wait for its auth check's answer
          // (or a moment, for a page that never asks), so an expired token fails here.
          const answered = auth.status() !== undefined;
          if (answered || !navigate || Date.now() - readySince > AUTH_CHECK_GRACE_MS) return era;
        }
      }
      await sleep(100);
    }
    const waited = eras.map((p) => `${p.selectors.chatReady} (${p.name} ${p.era})`).join(' or ');
    throw new ProbeError(
      'E_BROWSER',
      `the chat page never became ready within ${Math.round(timeoutMs / 1000)} s (waited for ${waited})`,
      {
        hint:
          "raise --timeout, check the page with `qwen-probe capture --check-page`, or give the site's selectors with " +
          '--selectors FILE',
      },
    );
  } finally {
    auth.stop();
  }
}
