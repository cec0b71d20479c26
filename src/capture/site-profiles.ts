/**
 * Where things are on a chat site's page, as data: the recorder clicks and types through these CSS
 * selectors and nothing else, so a site redesign is a JSON file (`--selectors FILE`), not a code
 * change. The simulator's names are known (its page is built to them); the real chat.qwen.ai's are
 * educated guesses from its Open WebUI heritage and are expected to need overriding.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { definedFields } from '../common/index.js';
import { ProbeError } from '../exchange/errors.js';

/** CSS selectors for the parts of the page the recorder touches. */
export interface SiteSelectors {
  readonly loginEmail: string;
  readonly loginPassword: string;
  readonly loginSubmit: string;
  /** Shown when the site refuses the credentials; its text becomes the error message. */
  readonly loginError: string;
  /** A `<select>` of models; other widgets are not supported yet. */
  readonly modelSelect: string;
  /** A checkbox, or a button with aria-pressed / aria-checked. */
  readonly thinkingToggle: string;
  readonly chatInput: string;
  readonly sendButton: string;
  readonly newChat: string;
  /** Present once the chat page is usable (models loaded, input enabled). */
  readonly chatReady: string;
  /** Every assistant message; the last one is the answer to the last prompt. */
  readonly assistantMessage: string;
  /** Inside an assistant message: the answer text. */
  readonly answerText: string;
  /** Inside an assistant message: the error text the page shows when the turn failed. */
  readonly answerError: string;
}

/** How the recorder finds its way around one site. */
export interface SiteProfile {
  readonly name: string;
  readonly description: string;
  /** Path (from the target origin) of the login page. */
  readonly loginPath: string;
  /** Path of the chat page. */
  readonly chatPath: string;
  /** localStorage key of the JWT (protocol.md §3.1). */
  readonly tokenKey: string;
  /**
   * Attribute of an assistant message that says whether it is still arriving, and its final values.
   * Absent for sites without one: the end of the completion stream then decides.
   */
  readonly answerStatus?: {
    readonly attribute: string;
    readonly done: readonly string[];
    readonly error: readonly string[];
  };
  readonly selectors: SiteSelectors;
}

/** The built-in profiles, by name. */
export const SITE_PROFILES = {
  simulator: {
    name: 'simulator',
    description: 'the bundled chat.qwen.ai stand-in (qwen-probe simulate)',
    loginPath: '/auth',
    chatPath: '/',
    tokenKey: 'token',
    answerStatus: { attribute: 'data-status', done: ['done'], error: ['error'] },
    selectors: {
      loginEmail: '#login-email',
      loginPassword: '#login-password',
      loginSubmit: '#login-submit',
      loginError: '#login-error',
      modelSelect: '#model-select',
      thinkingToggle: '#thinking-toggle',
      chatInput: '#chat-input',
      sendButton: '#send-button',
      newChat: '#new-chat',
      chatReady: 'body[data-ready="true"]',
      assistantMessage: '#messages .message.assistant',
      answerText: '.answer',
      answerError: '.error',
    },
  },
  'chat.qwen.ai': {
    name: 'chat.qwen.ai',
    description: 'the real web app; selectors are unverified guesses: override them with --selectors FILE',
    loginPath: '/auth?action=signin',
    chatPath: '/',
    tokenKey: 'token',
    selectors: {
      loginEmail: 'input[type="email"], input[name="email"]',
      loginPassword: 'input[type="password"]',
      loginSubmit: 'button[type="submit"]',
      loginError: '[role="alert"], .toast-error',
      modelSelect: '#model-selector, select[name="model"]',
      thinkingToggle: 'button[aria-label*="hink"], [data-testid="thinking-toggle"]',
      chatInput: '#chat-input, textarea',
      sendButton: '#send-message-button, button[type="submit"]',
      newChat: '#new-chat-button, a[href="/"]',
      chatReady: '#chat-input, textarea',
      assistantMessage: '.chat-assistant, [data-role="assistant"]',
      answerText: '.markdown-prose, .markdown',
      answerError: '.text-red-500, [role="alert"]',
    },
  },
} as const satisfies Record<string, SiteProfile>;

/** Names of the built-in profiles. */
export type SiteProfileName = keyof typeof SITE_PROFILES;

/** The built-in profile for a target: the real site's for *.qwen.ai hosts, else the simulator's. */
export function profileForTarget(target: string): SiteProfile {
  let host = '';
  try {
    host = new URL(target).hostname;
  } catch {
    // normaliseTarget reports bad URLs; here any non-Qwen host means the simulator.
  }
  return host === 'qwen.ai' || host.endsWith('.qwen.ai') ? SITE_PROFILES['chat.qwen.ai'] : SITE_PROFILES.simulator;
}

const selectorsSchema = z.strictObject({
  loginEmail: z.string().min(1),
  loginPassword: z.string().min(1),
  loginSubmit: z.string().min(1),
  loginError: z.string().min(1),
  modelSelect: z.string().min(1),
  thinkingToggle: z.string().min(1),
  chatInput: z.string().min(1),
  sendButton: z.string().min(1),
  newChat: z.string().min(1),
  chatReady: z.string().min(1),
  assistantMessage: z.string().min(1),
  answerText: z.string().min(1),
  answerError: z.string().min(1),
});

/** The `--selectors FILE` format: every field optional, merged over the target's built-in profile. */
export const siteProfileFileSchema = z.strictObject({
  extends: z.enum(['simulator', 'chat.qwen.ai']).optional(),
  loginPath: z.string().startsWith('/').optional(),
  chatPath: z.string().startsWith('/').optional(),
  tokenKey: z.string().min(1).optional(),
  answerStatus: z
    .strictObject({ attribute: z.string().min(1), done: z.array(z.string()), error: z.array(z.string()) })
    .nullable()
    .optional(),
  selectors: selectorsSchema.partial().optional(),
});

/** Merges an override (the parsed `--selectors` file) over a base profile. `answerStatus: null` removes it. */
export function mergeSiteProfile(base: SiteProfile, override: z.infer<typeof siteProfileFileSchema>): SiteProfile {
  const from: SiteProfile = override.extends ? SITE_PROFILES[override.extends] : base;
  const { answerStatus, selectors, extends: _ignored, ...rest } = override;
  const merged: SiteProfile = {
    ...from,
    ...definedFields(rest),
    name: `${from.name}+custom`,
    selectors: { ...from.selectors, ...definedFields(selectors ?? {}) },
  };
  if (answerStatus === null) {
    const { answerStatus: _dropped, ...withoutStatus } = merged;
    return withoutStatus;
  }
  return answerStatus ? { ...merged, answerStatus } : merged;
}

/** The profile for a target, with `--selectors FILE` merged in when given. Bad files are E_INPUT. */
export async function loadSiteProfile(target: string, selectorsFile?: string): Promise<SiteProfile> {
  const base = profileForTarget(target);
  if (!selectorsFile) return base;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(selectorsFile, 'utf8'));
  } catch (error) {
    throw new ProbeError('E_INPUT', `cannot read --selectors ${selectorsFile}: ${(error as Error).message}`);
  }
  const parsed = siteProfileFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ProbeError('E_INPUT', `--selectors ${selectorsFile} is not a site profile: ${issues}`, {
      hint:
        'fields: extends, loginPath, chatPath, tokenKey, answerStatus, selectors.{loginEmail, chatInput, ' +
        'sendButton, ...}',
    });
  }
  return mergeSiteProfile(base, parsed.data);
}
