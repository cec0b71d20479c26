/**
 * What each selector of a site profile is for, as data: where on the site it can be checked, whether
 * a recording needs it, and which elements play the same role when it matches nothing (the nearest
 * candidates `checkPage` names: textareas for the composer, buttons with a send icon or label for
 * the send button, ...). The candidates' finder runs in the page as plain text, like the simulator's
 * page script, so that no bundler helper leaks into it.
 */
import type { SelectorKey, SiteProfile } from './site-profile.js';

/** Where a selector can be checked on an idle page. */
export type SelectorPlace =
  | 'login page'
  | 'chat page'
  | 'composer with text'
  | 'open model menu'
  | 'open thinking menu'
  | 'after a refused login'
  | 'for a signed-out visitor'
  | 'during or after a turn';

/** One selector's role. */
export interface SelectorRole {
  readonly place: SelectorPlace;
  /** Whether the recorder needs it to record a turn (a missing one makes `--check-page` exit 3). */
  readonly required: boolean;
  /** Elements of the same role: a CSS list, and a pattern their label, class or icon must match. */
  readonly candidates: { readonly css: string; readonly pattern?: string };
}

const TEXT_INPUTS = { css: 'textarea, [contenteditable="true"], [role="textbox"]' };
const BUTTONS = 'button, [role="button"], a';

/** The roles of the selectors, by name. */
export const SELECTOR_ROLES: Readonly<Record<SelectorKey, SelectorRole>> = {
  loginEmail: { place: 'login page', required: true, candidates: { css: 'input', pattern: 'mail|user|account' } },
  loginPassword: { place: 'login page', required: true, candidates: { css: 'input', pattern: 'pass' } },
  loginSubmit: {
    place: 'login page',
    required: false, // Enter submits where no button shows
    candidates: { css: BUTTONS, pattern: 'sign|log|submit|continue|登录' },
  },
  loginError: {
    place: 'during or after a turn',
    required: false,
    candidates: { css: '[role="alert"], [class*="error"]' },
  },
  chatReady: { place: 'chat page', required: true, candidates: TEXT_INPUTS },
  chatInput: { place: 'chat page', required: true, candidates: TEXT_INPUTS },
  modelSelect: {
    place: 'chat page',
    required: true,
    candidates: {
      css: `select, ${BUTTONS}, [aria-label], [class*="model"], .ant-dropdown-trigger`,
      pattern: 'model|qwen',
    },
  },
  thinkingToggle: {
    place: 'chat page',
    required: true,
    candidates: {
      css: `input[type="checkbox"], ${BUTTONS}, .ant-select, [class*="think"]`,
      pattern: 'think|fast|auto|deep',
    },
  },
  thinkingValue: {
    place: 'chat page',
    required: true,
    candidates: { css: '[class*="selection"], [class*="think"] *', pattern: '^(fast|auto|thinking)' },
  },
  newChat: { place: 'chat page', required: false, candidates: { css: `${BUTTONS}, [class*="new"]`, pattern: 'new' } },
  sendButton: {
    place: 'composer with text',
    required: true,
    candidates: { css: BUTTONS, pattern: 'send|submit|发送|arrow-up|icon-send' },
  },
  modelOption: {
    place: 'open model menu',
    required: true,
    candidates: { css: '[role="option"], [role="menuitem"], li, [class*="item"]', pattern: 'qwen' },
  },
  thinkingOption: {
    place: 'open thinking menu',
    required: true,
    candidates: { css: '[role="option"], li, [class*="option"], [class*="item"]', pattern: '^(fast|auto|thinking)' },
  },
  stopButton: {
    place: 'during or after a turn',
    required: false,
    candidates: { css: BUTTONS, pattern: 'stop|停止' },
  },
  assistantMessage: { place: 'during or after a turn', required: false, candidates: { css: '[class*="assistant"]' } },
  userMessage: { place: 'during or after a turn', required: false, candidates: { css: '[class*="user"]' } },
  answerText: { place: 'during or after a turn', required: false, candidates: { css: '[class*="markdown"]' } },
  answerError: {
    place: 'during or after a turn',
    required: false,
    candidates: { css: '[class*="error"], [class*="status"]' },
  },
  answerDone: { place: 'during or after a turn', required: false, candidates: { css: '[class*="action"]' } },
  dualMessage: { place: 'during or after a turn', required: false, candidates: { css: '[class*="dual"]' } },
  welcomeModal: {
    place: 'during or after a turn',
    required: false,
    candidates: { css: '[role="dialog"], [class*="modal"]' },
  },
};

/** A selector's role for a profile: a widget the profile does not use is not required. */
export function roleFor(profile: SiteProfile, key: SelectorKey): SelectorRole {
  const role = SELECTOR_ROLES[key];
  const unused =
    (key === 'modelOption' && profile.widgets.model !== 'dropdown') ||
    ((key === 'thinkingOption' || key === 'thinkingValue') && profile.widgets.thinking !== 'choice');
  return unused ? { ...role, required: false } : role;
}

/** An element that may be what a missing selector meant. */
export interface SelectorCandidate {
  /** A selector for it, from its tag, id, classes and label: `textarea.ime-text-area`. */
  readonly css: string;
  /** How many elements share that description. */
  readonly count: number;
}

/**
 * The page-side finder, as plain ES2020 text: `(input) => [{css, count}]` for `{css, pattern}`.
 * An element is a candidate when it matches the CSS and, with a pattern, its id, classes, label,
 * title, placeholder, name, type, icon classes or first words match it (case-insensitive).
 */
export const CANDIDATE_FINDER = String.raw`(function (input) {
  var pattern = input.pattern ? new RegExp(input.pattern, 'i') : null;
  var seen = {};
  var order = [];
  var els = [];
  try { els = Array.prototype.slice.call(document.querySelectorAll(input.css)); } catch (e) { els = []; }
  els.forEach(function (el) {
    var cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [];
    var icons = Array.prototype.map.call(el.querySelectorAll('[class]'), function (c) {
      return typeof c.className === 'string' ? c.className : (c.getAttribute('class') || '');
    }).join(' ');
    var label = el.getAttribute('aria-label') || '';
    var words = (el.textContent || '').trim().slice(0, 40);
    var sign = [el.id, cls.join(' '), label, el.getAttribute('title') || '', el.getAttribute('placeholder') || '',
      el.getAttribute('name') || '', el.getAttribute('type') || '', icons, words].join(' ');
    if (pattern && !pattern.test(sign)) return;
    var css = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      cls.slice(0, 4).map(function (c) { return '.' + c.replace(/([^A-Za-z0-9_-])/g, '\\$1'); }).join('') +
      (label ? '[aria-label="' + label.replace(/"/g, '\\"') + '"]' : '');
    if (!seen[css]) { seen[css] = 0; order.push(css); }
    seen[css] += 1;
  });
  return order.slice(0, 6).map(function (css) { return { css: css, count: seen[css] }; });
})`;
