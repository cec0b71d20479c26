/**
 * What a site profile is: where things are on one era of a chat site's page, as data. The recorder
 * clicks and types through these CSS selectors and nothing else, so a redesign is a data change
 * (`--selectors FILE`, or a new era), not a code change. Each built-in selector carries the date the
 * page was seen with it and the public source that drives the page with it (`SelectorSource`), as
 * the simulator's rules carry theirs.
 */

/** The widgets the recorder can drive to pick a model and a thinking mode. */
export interface SiteWidgets {
  /** `select`: a native `<select>`; `dropdown`: a trigger that opens a menu of `modelOption` items. */
  readonly model: 'select' | 'dropdown';
  /**
   * `toggle`: a checkbox, or a button whose `aria-pressed`/`aria-checked` or `active` class says on;
   * `choice`: a select-like widget that opens a list of `thinkingOption` items (Fast / Auto / Thinking).
   */
  readonly thinking: 'toggle' | 'choice';
}

/** CSS selectors for the parts of the page the recorder touches or reads. */
export interface SiteSelectors {
  readonly loginEmail: string;
  readonly loginPassword: string;
  readonly loginSubmit: string;
  /** Shown when the site refuses the credentials; its text becomes the error message. */
  readonly loginError: string;
  /** The model picker: a `<select>`, or the trigger of a dropdown (`widgets.model`). */
  readonly modelSelect: string;
  /** The thinking switch: a toggle, or the root of a choice widget (`widgets.thinking`). */
  readonly thinkingToggle: string;
  readonly chatInput: string;
  readonly sendButton: string;
  readonly newChat: string;
  /** Visible once the chat page can take a prompt (the composer of the hydrated app). */
  readonly chatReady: string;
  /** Every assistant message; the one after the last prompt is its answer. */
  readonly assistantMessage: string;
  /** Inside an assistant message: the answer text. */
  readonly answerText: string;
  /** Inside an assistant message: the error text the page shows when the turn failed. */
  readonly answerError: string;
  /** The items of the open model menu (`widgets.model: dropdown`). */
  readonly modelOption?: string;
  /** The items of the open thinking list (`widgets.thinking: choice`). */
  readonly thinkingOption?: string;
  /** The thinking widget's shown value (`widgets.thinking: choice`). */
  readonly thinkingValue?: string;
  /** Shown while an answer is being written, in the send button's place. */
  readonly stopButton?: string;
  /** Inside an assistant message: present once the answer is finished (the action bar). */
  readonly answerDone?: string;
  /** Every user message (a sent prompt lands as one). */
  readonly userMessage?: string;
  /** The container of two answers side by side (an A/B screen). */
  readonly dualMessage?: string;
  /** The modal a signed-out visitor gets over the chat page. */
  readonly welcomeModal?: string;
}

/** A selector's name. */
export type SelectorKey = keyof SiteSelectors;

/** Where a built-in selector (or path) comes from. */
export interface SelectorSource {
  /** When the page was seen with it: `2025-12-07`, `2026`, `mid-2026`. */
  readonly date: string;
  /** The public code that drives the page with it (docs/protocol.md §1.4 keys), or why it is a guess. */
  readonly source: string;
  /** `confirmed`: public code drives the real page with it; `unconfirmed`: inferred, or from an older era. */
  readonly status: 'confirmed' | 'unconfirmed';
}

/** How a signed-out visitor shows on a page that serves them the chat anyway. */
export interface SignedOutMarkers {
  /** Paths the page moves a visitor to when no session is in effect (`/c/guest`). */
  readonly paths: readonly string[];
  /** Text of `welcomeModal` that marks it as the sign-in wall (a promo modal is not). */
  readonly modalText: string;
}

/** How the firewall's captcha shows instead of the page. */
export interface CaptchaMarkers {
  /** Titles of the firewall's own page. */
  readonly titles: readonly string[];
  /** URL paths of its punish page. */
  readonly paths: readonly string[];
}

/** How the recorder finds its way around one era of one site. */
export interface SiteProfile {
  /** The site: `chat.qwen.ai`, or `NAME+custom` after a `--selectors` file. */
  readonly name: string;
  /** The era of the site's page this profile describes (`2025`, `2026`). */
  readonly era: string;
  readonly description: string;
  /** Path (from the target origin) of the login page. */
  readonly loginPath: string;
  /** Path of the chat page. */
  readonly chatPath: string;
  /** localStorage key of the JWT (protocol.md §3.1). */
  readonly tokenKey: string;
  /** The page's own who-am-I request: its 401 means the token in localStorage is dead. */
  readonly authCheckPath: string;
  /**
   * Attribute of an assistant message that says whether it is still arriving, and its final values.
   * Absent for sites without one: `answerDone`, the stop button and the end of the stream decide.
   */
  readonly answerStatus?: {
    readonly attribute: string;
    readonly done: readonly string[];
    readonly error: readonly string[];
  };
  readonly widgets: SiteWidgets;
  /** Labels of the thinking choice's items, for `fast`, `auto` and `thinking`. */
  readonly thinkingLabels: { readonly fast: string; readonly auto: string; readonly thinking: string };
  /** A CSS class that disables the send button (instead of the `disabled` attribute). */
  readonly sendDisabledClass?: string;
  /** Absent for pages that send a signed-out visitor to the login form. */
  readonly signedOut?: SignedOutMarkers;
  readonly captcha: CaptchaMarkers;
  /** Cookies a complete browser session holds; a session without them gets the firewall's block. */
  readonly sessionCookies: readonly string[];
  readonly selectors: SiteSelectors;
  /** Date and source of each built-in selector (a `--selectors` override drops the replaced ones). */
  readonly sources: Readonly<Partial<Record<SelectorKey | 'loginPath' | 'tokenKey', SelectorSource>>>;
}

/** A selector, path or key with its source: how era data is written. */
export interface Sourced extends SelectorSource {
  readonly css: string;
}

/** `{css, date, source, status}` in one call, so that era data reads as a table. */
export function sourced(
  css: string,
  date: string,
  source: string,
  status: SelectorSource['status'] = 'confirmed',
): Sourced {
  return { css, date, source, status };
}

/** An era as its data file writes it: every selector with its source. */
export interface SiteEraData extends Omit<SiteProfile, 'selectors' | 'sources' | 'loginPath' | 'tokenKey'> {
  readonly loginPath: Sourced;
  readonly tokenKey: Sourced;
  /** Optional where `SiteSelectors` is: an era without a stop button leaves it out. */
  readonly selectors: { readonly [K in keyof SiteSelectors]: Sourced };
}

/** The profile the recorder uses: the era data's selectors as plain CSS, their sources beside them. */
export function profileFromEra(data: SiteEraData): SiteProfile {
  const selectors: Record<string, string> = {};
  const sources: Record<string, SelectorSource> = {};
  for (const [key, value] of Object.entries(data.selectors) as [SelectorKey, Sourced][]) {
    const { css, ...source } = value;
    selectors[key] = css;
    sources[key] = source;
  }
  const { css: loginPath, ...loginSource } = data.loginPath;
  const { css: tokenKey, ...tokenSource } = data.tokenKey;
  return {
    ...data,
    loginPath,
    tokenKey,
    selectors: selectors as unknown as SiteSelectors,
    sources: { ...sources, loginPath: loginSource, tokenKey: tokenSource },
  };
}
