/**
 * The page self-check for the day the site changes: it loads the login page (in a fresh context) and
 * the chat page (with the session), and reports which of the profile's selectors match and how many
 * elements each. Selectors that only exist in some state are checked in it: the send button after a
 * character is put into the composer (it is mounted late), the menus' items with the menu open. A
 * required selector that matches nothing comes with the nearest candidates of the same role. What
 * only shows during a turn (messages, the stop button) is listed as not checked.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openPage } from './browser-login.js';
import { eraCandidates, loginProfile, type SiteProfiles } from './site-profiles.js';
import type { SelectorKey, SelectorSource, SiteProfile } from './site-profile.js';
import { CANDIDATE_FINDER, roleFor, type SelectorCandidate, type SelectorPlace } from './selector-roles.js';

/** One selector's result. */
export interface SelectorCheck {
  readonly key: SelectorKey;
  readonly css: string;
  readonly place: SelectorPlace;
  readonly required: boolean;
  /** `matched`: at least one element; `missing`: none; `not-checked`: its place was not reached. */
  readonly status: 'matched' | 'missing' | 'not-checked';
  /** Elements matched (0 when missing or not checked). */
  readonly count: number;
  /** Why it was not checked. */
  readonly note?: string;
  /** Elements of the same role, when it is missing. */
  readonly candidates: readonly SelectorCandidate[];
  readonly source?: SelectorSource;
}

/** The whole check. */
export interface PageCheck {
  /** The era the checks ran against, and how it was chosen. */
  readonly profile: SiteProfile;
  readonly eraChosenBy: 'the page' | 'the only candidate';
  /** Whether the chat page showed a signed-in chat (else its selectors are not checked). */
  readonly chatReached: boolean;
  readonly chatNote?: string;
  readonly checks: readonly SelectorCheck[];
  /** Required selectors that matched nothing. */
  readonly missing: readonly SelectorCheck[];
}

/** What `checkPage` needs. */
export interface CheckPageOptions {
  readonly browser: Browser;
  /** The context of the session (chat page); without one, only the login page is checked. */
  readonly context?: BrowserContext | undefined;
  /** Normalised target base URL. */
  readonly target: string;
  readonly profiles: SiteProfiles;
  /** Page loads and the chat page's readiness; default 30 s. */
  readonly timeoutMs?: number | undefined;
}

async function countMatches(page: Page, css: string): Promise<number> {
  return page
    .evaluate((s) => {
      try {
        return document.querySelectorAll(s).length;
      } catch {
        return -1;
      }
    }, css)
    .catch(() => 0);
}

async function findCandidates(page: Page, profile: SiteProfile, key: SelectorKey): Promise<SelectorCandidate[]> {
  const input = roleFor(profile, key).candidates;
  return page
    .evaluate(`${CANDIDATE_FINDER}(${JSON.stringify(input)})`)
    .then((found) => found as SelectorCandidate[])
    .catch(() => []);
}

/** Checks one selector where the page now stands. */
async function check(page: Page, profile: SiteProfile, key: SelectorKey): Promise<SelectorCheck> {
  const role = roleFor(profile, key);
  const css = profile.selectors[key] ?? '';
  const source = profile.sources[key];
  const count = css === '' ? 0 : await countMatches(page, css);
  const base = { key, css, place: role.place, required: role.required, ...(source ? { source } : {}) };
  if (count > 0) return { ...base, status: 'matched', count, candidates: [] };
  return {
    ...base,
    status: 'missing',
    count: 0,
    ...(count < 0 ? { note: 'not a valid CSS selector' } : {}),
    candidates: await findCandidates(page, profile, key),
  };
}

function notChecked(profile: SiteProfile, key: SelectorKey, note: string): SelectorCheck {
  const role = roleFor(profile, key);
  const source = profile.sources[key];
  return {
    key,
    css: profile.selectors[key] ?? '',
    place: role.place,
    required: role.required,
    status: 'not-checked',
    count: 0,
    note,
    candidates: [],
    ...(source ? { source } : {}),
  };
}

const KEYS_BY_PLACE = (profile: SiteProfile, place: SelectorPlace): SelectorKey[] =>
  (Object.keys(profile.selectors) as SelectorKey[]).filter((key) => roleFor(profile, key).place === place);

/** How many of an era's chat-page selectors match: the page's era is the one that fits best. */
async function eraScore(page: Page, profile: SiteProfile): Promise<number> {
  let score = 0;
  for (const key of KEYS_BY_PLACE(profile, 'chat page')) {
    if ((await countMatches(page, profile.selectors[key] ?? '')) > 0) score += 1;
  }
  return score;
}

/** How long a page that shows its widgets but no composer gets to finish rendering. */
const SETTLE_GRACE_MS = 2000;

/**
 * Waits for the chat page to show a composer (any era's) or a login form; a page that shows only
 * other chat widgets (a renamed composer) gets a moment more, then is checked as it stands.
 */
async function settleChatPage(page: Page, eras: readonly SiteProfile[], timeoutMs: number): Promise<void> {
  const selectors = (keys: readonly SelectorKey[]) =>
    eras.flatMap((p) => keys.map((key) => p.selectors[key]).filter((s): s is string => s !== undefined)).join(', ');
  const done = selectors(['chatReady', 'loginEmail']);
  const shown = await page
    .waitForFunction(
      (s) =>
        [...document.querySelectorAll(s.done)].some((el) => (el as HTMLElement).getClientRects().length > 0)
          ? 'done'
          : [...document.querySelectorAll(s.widgets)].some((el) => (el as HTMLElement).getClientRects().length > 0)
            ? 'widgets'
            : false,
      { done, widgets: selectors(['modelSelect', 'thinkingToggle', 'newChat']) },
      { timeout: timeoutMs, polling: 200 },
    )
    .then((handle) => handle.jsonValue())
    .catch(() => undefined);
  if (shown === 'widgets')
    await page
      .locator(done)
      .first()
      .waitFor({ state: 'visible', timeout: SETTLE_GRACE_MS })
      .catch(() => undefined);
}

async function signedOutNote(page: Page, profile: SiteProfile): Promise<string | undefined> {
  const state = await page
    .evaluate(
      (s) => ({
        path: location.pathname,
        login: [...document.querySelectorAll(s.login)].some((el) => (el as HTMLElement).getClientRects().length > 0),
        token: Boolean(localStorage.getItem(s.tokenKey)),
      }),
      { login: profile.selectors.loginEmail, tokenKey: profile.tokenKey },
    )
    .catch(() => undefined);
  if (!state) return 'the chat page could not be read';
  if (state.login) return 'the chat page shows the login form (signed out: give --session FILE)';
  if (profile.signedOut?.paths.some((p) => state.path.startsWith(p)))
    return `the page moved to ${state.path} (signed out: give --session FILE)`;
  if (!state.token) return 'no session token in the page (give --session FILE)';
  return undefined;
}

/** Opens a menu with a real click, counts its items, and closes it again with Escape. */
async function checkInMenu(
  page: Page,
  profile: SiteProfile,
  trigger: SelectorKey,
  keys: readonly SelectorKey[],
): Promise<SelectorCheck[]> {
  const opener = page.locator(profile.selectors[trigger] ?? '').first();
  if (!(await opener.isVisible().catch(() => false)))
    return keys.map((key) => notChecked(profile, key, `its menu's trigger (${trigger}) is not on the page`));
  await opener.click({ timeout: 5000 }).catch(() => undefined);
  const first = keys[0]!;
  await page
    .locator(profile.selectors[first] ?? '')
    .first()
    .waitFor({ state: 'visible', timeout: 3000 })
    .catch(() => undefined);
  const results = [];
  for (const key of keys) results.push(await check(page, profile, key));
  await page.keyboard.press('Escape').catch(() => undefined);
  return results;
}

/** The send button, mounted once the composer holds text: one character in, checked, taken out. */
async function checkWithText(page: Page, profile: SiteProfile): Promise<SelectorCheck> {
  const input = page.locator(profile.selectors.chatInput).first();
  if (!(await input.isVisible().catch(() => false)))
    return notChecked(profile, 'sendButton', 'the composer (chatInput) is not on the page to type into');
  await input.fill('?');
  await page
    .locator(profile.selectors.sendButton)
    .first()
    .waitFor({ state: 'attached', timeout: 3000 })
    .catch(() => undefined);
  const result = await check(page, profile, 'sendButton');
  await input.fill('');
  return result;
}

async function checkLoginPage(options: CheckPageOptions, profile: SiteProfile, timeoutMs: number) {
  // A fresh context: a signed-in browser may be sent on from the login page.
  const context = await options.browser.newContext();
  try {
    const page = await context.newPage();
    await openPage(page, `${options.target}${profile.loginPath}`, timeoutMs);
    await page
      .locator(profile.selectors.loginEmail)
      .first()
      .waitFor({ state: 'visible', timeout: Math.min(timeoutMs, 10_000) })
      .catch(() => undefined);
    const results = [];
    for (const key of KEYS_BY_PLACE(profile, 'login page')) results.push(await check(page, profile, key));
    return results;
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** Loads the pages and checks every selector of the profile that can be checked there. */
export async function checkPage(options: CheckPageOptions): Promise<PageCheck> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const eras = eraCandidates(options.profiles);
  let profile = eras[0]!;
  let chosenBy: PageCheck['eraChosenBy'] = 'the only candidate';
  const checks: SelectorCheck[] = [];
  let chatReached = false;
  let chatNote: string | undefined = 'no --session given: the chat page is checked only for a signed-in browser';
  if (options.context) {
    const page = await options.context.newPage();
    await openPage(page, `${options.target}${profile.chatPath}`, timeoutMs);
    await settleChatPage(page, eras, timeoutMs);
    if (eras.length > 1) {
      const scores = [];
      for (const era of eras) scores.push(await eraScore(page, era));
      profile = eras[scores.indexOf(Math.max(...scores))]!;
      chosenBy = 'the page';
    }
    chatNote = await signedOutNote(page, profile);
    chatReached = chatNote === undefined;
    if (chatReached) {
      for (const key of KEYS_BY_PLACE(profile, 'chat page')) checks.push(await check(page, profile, key));
      checks.push(await checkWithText(page, profile));
      if (profile.widgets.model === 'dropdown')
        checks.push(...(await checkInMenu(page, profile, 'modelSelect', ['modelOption'])));
      if (profile.widgets.thinking === 'choice')
        checks.push(...(await checkInMenu(page, profile, 'thinkingToggle', ['thinkingOption'])));
    }
    await page.close().catch(() => undefined);
  }
  // The login form comes before the page can tell its era: without a detected era, any era's fields.
  const loginChecks = await checkLoginPage(options, loginProfile(chosenBy === 'the page' ? profile : eras), timeoutMs);
  const checked = new Set([...checks, ...loginChecks].map((c) => c.key));
  const rest = (Object.keys(profile.selectors) as SelectorKey[])
    .filter((key) => !checked.has(key))
    .map((key) => {
      const place = roleFor(profile, key).place;
      const only = ['during or after a turn', 'after a refused login', 'for a signed-out visitor'];
      return notChecked(
        profile,
        key,
        only.includes(place) ? `shows only ${place}` : (chatNote ?? `needs the ${place}`),
      );
    });
  const all = [...loginChecks, ...checks, ...rest];
  return {
    profile,
    eraChosenBy: chosenBy,
    chatReached,
    ...(chatNote ? { chatNote } : {}),
    checks: all,
    missing: all.filter((c) => c.required && c.status === 'missing'),
  };
}
