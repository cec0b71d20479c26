/**
 * Reading and setting the chat page's controls through a site profile: the model picker, the
 * thinking toggle, and the state of an assistant message. Kept apart from the turn logic so that a
 * site with other widgets needs changes here only.
 */
import type { Page } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import type { SiteProfile } from './site-profiles.js';

/** An assistant message as the page shows it. */
export interface AssistantState {
  /** `absent`: not rendered yet; `unknown`: the site marks no status. */
  readonly status: 'absent' | 'streaming' | 'done' | 'error' | 'unknown';
  readonly answer: string;
  readonly error?: string;
}

/** The state of the assistant message at `index` (0-based, in page order). */
export async function readAssistantState(page: Page, profile: SiteProfile, index: number): Promise<AssistantState> {
  const raw = await page
    .evaluate(
      ({ message, answer, error, attribute, index: i }) => {
        const el = document.querySelectorAll(message)[i];
        if (!el) return undefined;
        return {
          status: attribute ? el.getAttribute(attribute) : null,
          answer: el.querySelector(answer)?.textContent ?? '',
          error: el.querySelector(error)?.textContent?.trim() ?? '',
        };
      },
      {
        message: profile.selectors.assistantMessage,
        answer: profile.selectors.answerText,
        error: profile.selectors.answerError,
        attribute: profile.answerStatus?.attribute ?? null,
        index,
      },
    )
    .catch(() => undefined);
  if (!raw) return { status: 'absent', answer: '' };
  const states = profile.answerStatus;
  const status =
    !states || raw.status === null
      ? 'unknown'
      : states.done.includes(raw.status)
        ? 'done'
        : states.error.includes(raw.status)
          ? 'error'
          : 'streaming';
  return { status, answer: raw.answer, ...(raw.error ? { error: raw.error } : {}) };
}

async function setModel(page: Page, profile: SiteProfile, model: string): Promise<void> {
  const select = page.locator(profile.selectors.modelSelect).first();
  const offered = await select
    .evaluate((el) => (el instanceof HTMLSelectElement ? [...el.options].map((o) => o.value) : undefined))
    .catch(() => undefined);
  if (!offered) {
    throw new ProbeError(
      'E_BROWSER',
      `no model picker found (looked for a <select> at ${profile.selectors.modelSelect})`,
      {
        hint: "leave out --model, or give the site's selectors with --selectors FILE",
      },
    );
  }
  if (!offered.includes(model))
    throw new ProbeError('E_USAGE', `the page does not offer model ${model}; it offers: ${offered.join(', ')}`);
  await select.selectOption(model);
}

async function setThinking(page: Page, profile: SiteProfile, on: boolean): Promise<void> {
  const toggle = page.locator(profile.selectors.thinkingToggle).first();
  const state = await toggle
    .evaluate(
      (el) => {
        if (el instanceof HTMLInputElement && el.type === 'checkbox')
          return { kind: 'checkbox', on: el.checked, disabled: el.disabled };
        const pressed = el.getAttribute('aria-pressed') ?? el.getAttribute('aria-checked');
        return { kind: 'button', on: pressed === 'true', disabled: el.hasAttribute('disabled') };
      },
      undefined,
      { timeout: 5000 },
    )
    .catch(() => undefined);
  if (!state) {
    if (!on) return; // nothing to switch off
    throw new ProbeError('E_BROWSER', `no thinking toggle found (looked for ${profile.selectors.thinkingToggle})`, {
      hint: "give the site's selectors with --selectors FILE",
    });
  }
  if (state.on === on) return;
  if (state.disabled)
    throw new ProbeError(
      'E_USAGE',
      'the selected model cannot think (the page disables its thinking toggle): pick another --model',
    );
  if (state.kind === 'checkbox') await toggle.setChecked(on);
  else await toggle.click();
}

/** Picks the model and sets the thinking toggle, as a person would before typing. */
export async function applyChatSettings(
  page: Page,
  profile: SiteProfile,
  settings: { model?: string | undefined; thinking?: boolean | undefined },
): Promise<void> {
  if (settings.model !== undefined) await setModel(page, profile, settings.model);
  if (settings.thinking !== undefined) await setThinking(page, profile, settings.thinking);
}
