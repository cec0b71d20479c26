/**
 * The built-in site profiles, one per era of the site's page, and how a run picks among them: one
 * era when `--site-era` names it, else every era, newest first, and the page decides which it is
 * (`detectSiteEra`). The simulator is driven with the same `chat.qwen.ai` profiles as the real
 * site: its pages are built to the same data, so the capture tests run against the page users meet.
 * `--selectors FILE` merges a user's overrides over the chosen era(s).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { definedFields } from '../common/index.js';
import { ProbeError } from '../exchange/errors.js';
import { CHAT_QWEN_2025 } from './site-eras/chat-qwen-2025.js';
import { CHAT_QWEN_2026 } from './site-eras/chat-qwen-2026.js';
import { profileFromEra, type SelectorKey, type SiteProfile, type SiteSelectors } from './site-profile.js';

export type { SelectorKey, SelectorSource, SiteProfile, SiteSelectors, SiteWidgets } from './site-profile.js';

/** The eras of chat.qwen.ai's page, newest first. */
export const CHAT_QWEN_ERAS: readonly SiteProfile[] = [profileFromEra(CHAT_QWEN_2026), profileFromEra(CHAT_QWEN_2025)];

/** Era names, for `--site-era` (besides `auto`). */
export const SITE_ERA_NAMES = ['2025', '2026'] as const;
export type SiteEraName = (typeof SITE_ERA_NAMES)[number];

/** `--site-era`: one era, or `auto` (the page decides). */
export type SiteEraChoice = SiteEraName | 'auto';

/** The built-in profiles by name: `chat.qwen.ai` is its newest era. */
export const SITE_PROFILES = {
  'chat.qwen.ai': CHAT_QWEN_ERAS[0]!,
} as const satisfies Record<string, SiteProfile>;

/** Names of the built-in profiles. */
export type SiteProfileName = keyof typeof SITE_PROFILES;

/**
 * What a run drives a page with: one era's profile, or several eras among which the page decides
 * (`detectSiteEra`). Login needs no decision: `loginProfile` joins the eras' login selectors.
 */
export type SiteProfiles = SiteProfile | readonly SiteProfile[];

/** The candidates of a `SiteProfiles`, newest first. */
export function eraCandidates(profiles: SiteProfiles): readonly SiteProfile[] {
  return isProfileList(profiles) ? profiles : [profiles];
}

function isProfileList(profiles: SiteProfiles): profiles is readonly SiteProfile[] {
  return Array.isArray(profiles);
}

/** The built-in era of a site by name. */
export function siteEra(era: SiteEraName): SiteProfile {
  return CHAT_QWEN_ERAS.find((p) => p.era === era)!;
}

/** The eras to try for a choice: the named one, or all of them (newest first) for `auto`. */
export function siteEras(choice: SiteEraChoice = 'auto'): SiteProfiles {
  return choice === 'auto' ? CHAT_QWEN_ERAS : siteEra(choice);
}

const LOGIN_KEYS = ['loginEmail', 'loginPassword', 'loginSubmit', 'loginError'] as const;

/** Comma-separated selector lists joined, each alternative once, in order. */
function joinSelectorLists(lists: readonly string[]): string {
  const seen = new Set<string>();
  for (const list of lists) for (const part of list.split(/,(?![^(]*\))/)) seen.add(part.trim());
  return [...seen].filter((s) => s !== '').join(', ');
}

/**
 * The profile for the login page: the newest era's, with each login selector matching any era's
 * (the eras' login forms differ little, and the form comes before the page can tell its era).
 */
export function loginProfile(profiles: SiteProfiles): SiteProfile {
  const eras = eraCandidates(profiles);
  const newest = eras[0]!;
  if (eras.length === 1) return newest;
  const selectors: Record<string, string> = { ...newest.selectors };
  for (const key of LOGIN_KEYS) selectors[key] = joinSelectorLists(eras.map((p) => p.selectors[key]));
  return { ...newest, selectors: selectors as unknown as SiteSelectors };
}

const SELECTOR_KEYS = [
  'loginEmail',
  'loginPassword',
  'loginSubmit',
  'loginError',
  'modelSelect',
  'thinkingToggle',
  'chatInput',
  'sendButton',
  'newChat',
  'chatReady',
  'assistantMessage',
  'answerText',
  'answerError',
  'modelOption',
  'thinkingOption',
  'thinkingValue',
  'stopButton',
  'answerDone',
  'userMessage',
  'dualMessage',
  'welcomeModal',
] as const satisfies readonly SelectorKey[];

const selectorsSchema = z.strictObject(
  Object.fromEntries(SELECTOR_KEYS.map((key) => [key, z.string().min(1)])) as Record<SelectorKey, z.ZodString>,
);

/** The `--selectors FILE` format: every field optional, merged over the chosen era(s). */
export const siteProfileFileSchema = z.strictObject({
  /** `simulator` is the old name of the simulator's own profile: it now means chat.qwen.ai too. */
  extends: z.enum(['chat.qwen.ai', 'simulator']).optional(),
  era: z.enum(SITE_ERA_NAMES).optional(),
  loginPath: z.string().startsWith('/').optional(),
  chatPath: z.string().startsWith('/').optional(),
  tokenKey: z.string().min(1).optional(),
  authCheckPath: z.string().startsWith('/').optional(),
  answerStatus: z
    .strictObject({ attribute: z.string().min(1), done: z.array(z.string()), error: z.array(z.string()) })
    .nullable()
    .optional(),
  widgets: z
    .strictObject({ model: z.enum(['select', 'dropdown']), thinking: z.enum(['toggle', 'choice']) })
    .partial()
    .optional(),
  thinkingLabels: z.strictObject({ fast: z.string(), auto: z.string(), thinking: z.string() }).partial().optional(),
  sendDisabledClass: z.string().min(1).nullable().optional(),
  selectors: selectorsSchema.partial().optional(),
});

/** A parsed `--selectors` file. */
export type SiteProfileOverride = z.infer<typeof siteProfileFileSchema>;

/**
 * Merges an override (the parsed `--selectors` file) over a base profile. `answerStatus: null` and
 * `sendDisabledClass: null` remove them; an overridden selector loses its built-in source.
 */
export function mergeSiteProfile(base: SiteProfile, override: SiteProfileOverride): SiteProfile {
  const {
    answerStatus,
    selectors,
    widgets,
    thinkingLabels,
    sendDisabledClass,
    extends: _site,
    era: _era,
    ...rest
  } = override;
  const replaced = new Set(Object.keys(definedFields(selectors ?? {})));
  const sources = Object.fromEntries(Object.entries(base.sources).filter(([key]) => !replaced.has(key)));
  const merged: SiteProfile = {
    ...base,
    ...definedFields(rest),
    name: `${base.name.replace(/\+custom$/, '')}+custom`,
    widgets: { ...base.widgets, ...definedFields(widgets ?? {}) },
    thinkingLabels: { ...base.thinkingLabels, ...definedFields(thinkingLabels ?? {}) },
    selectors: { ...base.selectors, ...definedFields(selectors ?? {}) },
    sources,
  };
  const { answerStatus: _status, sendDisabledClass: _class, ...bare } = merged;
  return {
    ...bare,
    ...(answerStatus === null
      ? {}
      : answerStatus
        ? { answerStatus }
        : base.answerStatus
          ? { answerStatus: base.answerStatus }
          : {}),
    ...(sendDisabledClass === null
      ? {}
      : sendDisabledClass
        ? { sendDisabledClass }
        : base.sendDisabledClass
          ? { sendDisabledClass: base.sendDisabledClass }
          : {}),
  };
}

/** How a run chooses its site profile(s). */
export interface SiteProfileOptions {
  /** A JSON file of overrides (`--selectors`). */
  readonly selectorsFile?: string | undefined;
  /** `--site-era`; default `auto`, unless the selectors file names an era. */
  readonly era?: SiteEraChoice | undefined;
}

/** Reads and checks a `--selectors` file; a bad file is E_INPUT. */
export async function readSiteProfileFile(path: string): Promise<SiteProfileOverride> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ProbeError('E_INPUT', `cannot read --selectors ${path}: ${(error as Error).message}`);
  }
  const parsed = siteProfileFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ProbeError('E_INPUT', `--selectors ${path} is not a site profile: ${issues}`, {
      hint:
        'fields: era, loginPath, chatPath, tokenKey, answerStatus, widgets, sendDisabledClass, ' +
        'selectors.{loginEmail, chatInput, sendButton, ...}',
    });
  }
  return parsed.data;
}

/**
 * The profile(s) for a run: the chosen era of chat.qwen.ai (all eras for `auto`), with the
 * `--selectors` file merged over each. Every target gets chat.qwen.ai's profiles: the simulator's
 * pages are built to them.
 */
export async function loadSiteProfile(_target: string, options: SiteProfileOptions = {}): Promise<SiteProfiles> {
  const override = options.selectorsFile ? await readSiteProfileFile(options.selectorsFile) : undefined;
  const choice = options.era && options.era !== 'auto' ? options.era : (override?.era ?? 'auto');
  const profiles = siteEras(choice);
  if (!override) return profiles;
  const merged = eraCandidates(profiles).map((p) => mergeSiteProfile(p, override));
  return merged.length === 1 ? merged[0]! : merged;
}
