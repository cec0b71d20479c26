/**
 * Logging in through the real page, so the session carries whatever the site's own scripts set
 * (anti-bot cookies, localStorage) and not just a token: with an account the form is filled in like
 * a person would; without one a person does it in a headed window (captcha, 2FA) while we wait for
 * the token to appear in localStorage. The password is typed into the page and nowhere else.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import { authsMeResponseSchema } from '../upstream/schemas.js';
import { describeTransportError } from '../client/target.js';
import { jwtExpiry, type SessionFile } from '../client/session-file.js';
import { errorCodeOf } from './cdp-events.js';
import { captchaOnPage } from './captcha.js';
import { eraCandidates, loginProfile, type SiteProfiles } from './site-profiles.js';
import type { SiteProfile } from './site-profile.js';

/** What `loginWithBrowser` needs. */
export interface BrowserLoginOptions {
  /** Normalised target base URL (`normaliseTarget`). */
  readonly target: string;
  readonly browser: Browser;
  /** One era's profile, or several: the login selectors of every era are tried. */
  readonly profile: SiteProfiles;
  /** Fill the login form with these; without them a person logs in by hand (headed browser). */
  readonly account?: { readonly email: string; readonly password: string };
  /** Log in inside this context (e.g. the one a capture then records) instead of a new one. */
  readonly context?: BrowserContext;
  /** Page loads and the form's answer; default 30 s. */
  readonly timeoutMs?: number;
  /** How long a person may take to log in by hand; default 5 min. */
  readonly manualTimeoutMs?: number;
  /** Progress lines for the person (never includes a secret). */
  readonly onStatus?: (line: string) => void;
}

/** A logged-in page and the session saved from it. */
export interface BrowserLoginResult {
  readonly session: SessionFile;
  readonly context: BrowserContext;
  readonly page: Page;
}

/**
 * Opens a URL, turning Chromium's network errors into the message a person needs: a refused or
 * unresolvable target is E_UPSTREAM_UNREACHABLE with a hint, a slow one E_TIMEOUT.
 */
export async function openPage(page: Page, url: string, timeoutMs: number): Promise<void> {
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (/Timeout .* exceeded/i.test(text)) {
      throw new ProbeError('E_TIMEOUT', `${url} did not load within ${Math.round(timeoutMs / 1000)} s`, {
        hint: 'raise --timeout, or check the target',
      });
    }
    const netError = /net::ERR_[A-Z_]+/.exec(text)?.[0];
    if (!netError) throw new ProbeError('E_BROWSER', `cannot open ${url}: ${text.split('\n')[0]}`, { cause: error });
    const problem = describeTransportError(new URL(url).origin, {
      code: errorCodeOf({ requestId: '', timestamp: 0, errorText: netError }),
      message: netError,
    });
    throw new ProbeError('E_UPSTREAM_UNREACHABLE', problem.message, { hint: problem.hint, cause: error });
  }
}

/** The raw JWT in localStorage, if the page has one (never printed). */
export async function readToken(page: Page, key: string): Promise<string | undefined> {
  const token = await page.evaluate((k) => localStorage.getItem(k), key).catch(() => null);
  return token && token.trim() !== '' ? token.trim() : undefined;
}

function isClosedError(error: unknown): boolean {
  return error instanceof Error && /closed|Target crashed|disconnected/i.test(error.message);
}

async function fillLoginForm(
  page: Page,
  options: BrowserLoginOptions,
  profile: SiteProfile,
  timeoutMs: number,
): Promise<void> {
  const { selectors } = profile;
  const account = options.account!;
  const email = page.locator(selectors.loginEmail).first();
  try {
    await email.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const captcha = await captchaOnPage(page, profile.captcha);
    if (captcha) throw captcha;
    throw new ProbeError(
      'E_BROWSER',
      `the login form never appeared at ${page.url()} (looked for ${selectors.loginEmail})`,
      {
        hint: 'if the site changed, give its selectors with --selectors FILE; or log in by hand with --headed',
      },
    );
  }
  await email.fill(account.email);
  const password = page.locator(selectors.loginPassword).first();
  await password.fill(account.password);
  // 2026 clients fall back to Enter where no submit button shows (docs/protocol.md §11.3).
  const submit = page.locator(selectors.loginSubmit).first();
  if (await submit.isVisible().catch(() => false)) await submit.click();
  else await password.press('Enter');
  // Either the app stores a token, or it shows why not; whichever comes first.
  const outcome = await page
    .waitForFunction(
      ({ key, errorSelector }) => {
        if (localStorage.getItem(key)) return 'token';
        const text = document.querySelector(errorSelector)?.textContent?.trim();
        return text ? `error:${text}` : false;
      },
      { key: profile.tokenKey, errorSelector: selectors.loginError },
      { timeout: timeoutMs, polling: 200 },
    )
    .then((handle) => handle.jsonValue() as Promise<string>)
    .catch((error: unknown) => {
      if (isClosedError(error)) throw new ProbeError('E_BROWSER', 'the browser closed during login', { cause: error });
      throw new ProbeError(
        'E_TIMEOUT',
        `no token after submitting the login form (waited ${Math.round(timeoutMs / 1000)} s)`,
        {
          hint: 'the site may want a captcha or a second factor: log in by hand with --headed',
        },
      );
    });
  if (outcome.startsWith('error:')) {
    // The page's message, minus anything that could echo the password back.
    const reason = outcome.slice('error:'.length).split(account.password).join('***');
    throw new ProbeError('E_UPSTREAM_AUTH', `login as ${account.email} refused: ${reason}`, {
      hint: 'check the email and password',
    });
  }
}

async function waitForManualLogin(page: Page, options: BrowserLoginOptions, profile: SiteProfile): Promise<void> {
  const limitMs = options.manualTimeoutMs ?? 300_000;
  options.onStatus?.(`log in in the browser window; waiting up to ${Math.round(limitMs / 1000)} s for the token`);
  try {
    await page.waitForFunction((key) => Boolean(localStorage.getItem(key)), profile.tokenKey, {
      timeout: limitMs,
      polling: 500,
    });
  } catch (error) {
    if (isClosedError(error))
      throw new ProbeError('E_INTERRUPTED', 'the browser window was closed before the login finished');
    throw new ProbeError('E_TIMEOUT', `no login within ${Math.round(limitMs / 1000)} s`, {
      hint: 'raise --login-timeout, or log in with --user',
    });
  }
}

/** The user behind a token, asked the way the page asks (GET /api/v1/auths/); undefined when it will not say. */
async function fetchUser(page: Page, token: string): Promise<SessionFile['user']> {
  const json = await page
    .evaluate(async (t) => {
      const res = await fetch('/api/v1/auths/', {
        headers: { Accept: 'application/json', Authorization: `Bearer ${t}` },
      });
      return res.ok ? ((await res.json()) as unknown) : undefined;
    }, token)
    .catch(() => undefined);
  const parsed = authsMeResponseSchema.safeParse(json);
  return parsed.success ? { id: parsed.data.id, email: parsed.data.email, name: parsed.data.name } : undefined;
}

/** A session file's content from a logged-in page: storage state, raw token, expiry, cookies. */
export async function sessionFromPage(page: Page, target: string, profiles: SiteProfiles): Promise<SessionFile> {
  const { tokenKey } = loginProfile(profiles);
  const token = await readToken(page, tokenKey);
  if (!token) throw new ProbeError('E_UPSTREAM_AUTH', `the page holds no token (localStorage "${tokenKey}")`);
  const context = page.context();
  const storageState = await context.storageState();
  const cookies: Record<string, string> = {};
  for (const cookie of await context.cookies(target)) if (cookie.name !== 'token') cookies[cookie.name] = cookie.value;
  const expires = jwtExpiry(token);
  const user = await fetchUser(page, token);
  return {
    version: 1,
    target,
    createdAt: new Date().toISOString(),
    storageState,
    token,
    ...(expires ? { tokenExpiresAt: expires.toISOString() } : {}),
    cookies,
    ...(user ? { user } : {}),
  };
}

/** Logs in on the target's page (form or by hand) and returns the session and the logged-in page. */
export async function loginWithBrowser(options: BrowserLoginOptions): Promise<BrowserLoginResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const profile = loginProfile(options.profile);
  const context = options.context ?? (await options.browser.newContext());
  const page = await context.newPage();
  await openPage(page, `${options.target}${profile.loginPath}`, timeoutMs);
  // A person can solve the captcha in a headed window; a form filled for them cannot.
  const captcha = options.account ? await captchaOnPage(page, profile.captcha) : undefined;
  if (captcha) throw captcha;
  if (options.account) await fillLoginForm(page, options, profile, timeoutMs);
  else await waitForManualLogin(page, options, profile);
  const session = await sessionFromPage(page, options.target, options.profile);
  return { session, context, page };
}

/**
 * What a session without a browser storage state lacks, in one sentence, or undefined for a whole
 * session. Such a session is a token (and perhaps a few cookies) put into a fresh browser: the
 * page then starts without the device and firewall cookies its own scripts set, and chat.qwen.ai's
 * firewall blocks it with FAIL_SYS_USER_VALIDATE (docs/protocol.md §12.5).
 */
export function thinSessionWarning(session: SessionFile, profiles: SiteProfiles): string | undefined {
  if (session.storageState) return undefined;
  const expected = [...new Set(eraCandidates(profiles).flatMap((p) => p.sessionCookies))];
  const missing = expected.filter((name) => session.cookies[name] === undefined);
  const held = Object.keys(session.cookies);
  return (
    `this session holds only a token${held.length > 0 ? ` and the cookies ${held.join(', ')}` : ''}, no browser ` +
    `storage state: the page starts without its own localStorage` +
    `${missing.length > 0 ? ` and without the cookies ${missing.join(', ')}` : ''}. chat.qwen.ai's firewall ` +
    'blocks such a session (FAIL_SYS_USER_VALIDATE); save a whole one with `qwen-probe login`'
  );
}

/**
 * A browser context that carries a saved session: its storage state when it has one, else the
 * token put into localStorage before any page script runs, plus its cookies. The latter is a thin
 * session, never built silently: `onWarning` gets `thinSessionWarning`.
 */
export async function contextForSession(
  browser: Browser,
  session: SessionFile,
  profiles: SiteProfiles,
  options: { onWarning?: ((line: string) => void) | undefined } = {},
): Promise<BrowserContext> {
  // The session file's schema is a loose superset of Playwright's storage state (passthrough fields).
  if (session.storageState)
    return browser.newContext({
      storageState: session.storageState as NonNullable<BrowserContextOptions['storageState']>,
    });
  const warning = thinSessionWarning(session, profiles);
  if (warning) options.onWarning?.(warning);
  const { tokenKey } = loginProfile(profiles);
  const context = await browser.newContext();
  const origin = new URL(session.target).origin;
  await context.addInitScript(
    ({ key, token, at }) => {
      if (location.origin === at && !localStorage.getItem(key)) localStorage.setItem(key, token);
    },
    { key: tokenKey, token: session.token, at: origin },
  );
  const cookies = Object.entries({ token: session.token, ...session.cookies }).map(([name, value]) => ({
    name,
    value,
    url: origin,
  }));
  await context.addCookies(cookies);
  return context;
}
