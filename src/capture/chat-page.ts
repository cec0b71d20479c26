/**
 * Reading and setting the chat page's controls through a site profile: the model picker (a native
 * `<select>`, or a dropdown whose menu lists the models), the thinking switch (a toggle, or the
 * three-way Fast / Auto / Thinking choice), and the state of an assistant message. Menus are opened
 * with real clicks: Ant Design's listen for pointer events, so an in-page `click()` opens nothing
 * (OnFlip, ACP). A switch is only done once the page shows the new value: a click is not evidence.
 */
import type { Locator, Page } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import type { SiteProfile } from './site-profile.js';

/** The thinking modes of the 2026 page's choice; a toggle knows `fast` (off) and `thinking` (on). */
export type ThinkingMode = 'fast' | 'auto' | 'thinking';

/** The modes, in the order the page lists them. */
export const THINKING_MODES: readonly ThinkingMode[] = ['fast', 'auto', 'thinking'];

/** An assistant message as the page shows it. */
export interface AssistantState {
  /** `absent`: not rendered yet; `unknown`: the page marks no status. */
  readonly status: 'absent' | 'streaming' | 'done' | 'error' | 'unknown';
  readonly answer: string;
  readonly error?: string;
  /** Every answer shown for this turn: two when the page put two side by side (`dualMessage`). */
  readonly answers: readonly string[];
}

/** The state of the assistant message at `index` (0-based, in page order). */
export async function readAssistantState(page: Page, profile: SiteProfile, index: number): Promise<AssistantState> {
  const { selectors } = profile;
  const raw = await page
    .evaluate(
      (i) => {
        const el = document.querySelectorAll(i.message)[i.index];
        if (!el) return undefined;
        const dual = i.dual ? el.closest(i.dual) : null;
        const turn = dual ? [...dual.querySelectorAll(i.message)] : [el];
        return {
          status: i.attribute ? el.getAttribute(i.attribute) : null,
          answers: turn.map((m) => m.querySelector(i.answer)?.textContent ?? ''),
          error: turn.map((m) => m.querySelector(i.error)?.textContent?.trim() ?? '').find((t) => t !== '') ?? '',
          done: i.done ? turn.every((m) => m.querySelector(i.done!) !== null) : false,
          streaming: i.stop
            ? [...document.querySelectorAll(i.stop)].some((s) => (s as HTMLElement).getClientRects().length > 0)
            : false,
        };
      },
      {
        message: selectors.assistantMessage,
        answer: selectors.answerText,
        error: selectors.answerError,
        done: selectors.answerDone ?? null,
        stop: selectors.stopButton ?? null,
        dual: selectors.dualMessage ?? null,
        attribute: profile.answerStatus?.attribute ?? null,
        index,
      },
    )
    .catch(() => undefined);
  if (!raw) return { status: 'absent', answer: '', answers: [] };
  const states = profile.answerStatus;
  const fromAttribute =
    !states || raw.status === null
      ? undefined
      : states.done.includes(raw.status)
        ? 'done'
        : states.error.includes(raw.status)
          ? 'error'
          : 'streaming';
  const status =
    raw.error !== ''
      ? 'error'
      : (fromAttribute ??
        (raw.done ? 'done' : raw.streaming ? 'streaming' : selectors.answerDone ? 'streaming' : 'unknown'));
  return {
    status,
    answer: raw.answers[0] ?? '',
    answers: raw.answers,
    ...(raw.error ? { error: raw.error } : {}),
  };
}

/** The first line of an element's text, trimmed: the label Ant Design rows and triggers show. */
function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').trim();
}

function noWidget(what: string, selector: string): ProbeError {
  return new ProbeError('E_BROWSER', `no ${what} found (looked for ${selector})`, {
    hint: "check the page with `qwen-probe capture --check-page`, or give the site's selectors with --selectors FILE",
  });
}

/** Clicks the item of an open menu whose label is one of `labels`; returns the labels offered. */
async function pickOption(
  options: Locator,
  labels: readonly string[],
  what: string,
  selector: string,
): Promise<{ picked: string | undefined; offered: string[] }> {
  try {
    await options.first().waitFor({ state: 'visible', timeout: 5000 });
  } catch {
    throw noWidget(`${what} menu item`, selector);
  }
  const rows = await options.evaluateAll((els) =>
    els.map((el) => ({
      text: (el as HTMLElement).innerText ?? el.textContent ?? '',
      values: [el.getAttribute('data-value'), el.getAttribute('data-model-id'), el.getAttribute('title')],
      // Zero-size rows are accessibility mirrors, not what a person clicks (ACP).
      clickable: (() => {
        const box = el.getBoundingClientRect();
        return box.width >= 2 && box.height >= 2;
      })(),
      disabled: el.getAttribute('aria-disabled') === 'true' || /-disabled\b/.test(el.className),
    })),
  );
  const wanted = labels.map((l) => l.toLowerCase());
  const index = rows.findIndex(
    (row) =>
      row.clickable &&
      [firstLine(row.text), ...row.values].some((v) => v !== null && wanted.includes(v.trim().toLowerCase())),
  );
  const offered = [...new Set(rows.filter((r) => r.clickable).map((r) => firstLine(r.text)))];
  if (index < 0) return { picked: undefined, offered };
  if (rows[index]!.disabled) throw new ProbeError('E_USAGE', `the page offers ${what} "${labels[0]}" but disables it`);
  await options.nth(index).click();
  return { picked: firstLine(rows[index]!.text), offered };
}

/** Waits until `read` returns a value `accepts` takes; false when it never does within 3 s. */
async function shows(read: () => Promise<string>, accepts: (value: string) => boolean): Promise<boolean> {
  const until = Date.now() + 3000;
  while (Date.now() < until) {
    if (accepts(await read().catch(() => ''))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function setModelBySelect(page: Page, profile: SiteProfile, model: string): Promise<void> {
  const select = page.locator(profile.selectors.modelSelect).first();
  const offered = await select
    .evaluate((el) => (el instanceof HTMLSelectElement ? [...el.options].map((o) => o.value) : undefined))
    .catch(() => undefined);
  if (!offered) throw noWidget('model picker (a <select>)', profile.selectors.modelSelect);
  if (!offered.includes(model))
    throw new ProbeError('E_USAGE', `the page does not offer model ${model}; it offers: ${offered.join(', ')}`);
  await select.selectOption(model);
}

async function setModelByDropdown(page: Page, profile: SiteProfile, model: string, name?: string): Promise<void> {
  const { modelSelect, modelOption } = profile.selectors;
  const trigger = page.locator(modelSelect).first();
  const labels = [model, ...(name ? [name] : [])];
  const current = async () => firstLine(await trigger.innerText({ timeout: 2000 }));
  const isWanted = (shown: string) => labels.some((l) => shown.toLowerCase() === l.toLowerCase());
  if (!(await trigger.isVisible().catch(() => false))) throw noWidget('model picker', modelSelect);
  if (isWanted(await current().catch(() => ''))) return;
  if (!modelOption) throw noWidget('model menu item selector (selectors.modelOption)', 'the site profile');
  await trigger.click();
  const { picked, offered } = await pickOption(page.locator(modelOption), labels, 'model', modelOption);
  if (!picked) {
    await page.keyboard.press('Escape').catch(() => undefined);
    throw new ProbeError('E_USAGE', `the page does not offer model ${model}; it offers: ${offered.join(', ')}`);
  }
  if (!(await shows(current, (shown) => shown.toLowerCase() === picked.toLowerCase())))
    throw new ProbeError('E_BROWSER', `picked model ${picked} in the menu, but the picker does not show it`);
}

/** Picks the model, by id or by the name the page shows for it. */
async function setModel(page: Page, profile: SiteProfile, model: string, name?: string): Promise<void> {
  if (profile.widgets.model === 'select') await setModelBySelect(page, profile, model);
  else await setModelByDropdown(page, profile, model, name);
}

async function setThinkingToggle(page: Page, profile: SiteProfile, mode: ThinkingMode): Promise<void> {
  if (mode === 'auto')
    throw new ProbeError('E_USAGE', "this page's thinking switch is on or off: it has no Auto mode", {
      hint: 'use --thinking (on) or leave it out (off)',
    });
  const on = mode === 'thinking';
  const toggle = page.locator(profile.selectors.thinkingToggle).first();
  const state = await toggle
    .evaluate(
      (el) => {
        if (el instanceof HTMLInputElement && el.type === 'checkbox')
          return { kind: 'checkbox', on: el.checked, disabled: el.disabled };
        const pressed = el.getAttribute('aria-pressed') ?? el.getAttribute('aria-checked');
        return {
          kind: 'button',
          on: pressed === null ? el.classList.contains('active') : pressed === 'true',
          disabled: el.hasAttribute('disabled'),
        };
      },
      undefined,
      { timeout: 5000 },
    )
    .catch(() => undefined);
  if (!state) {
    if (!on) return; // nothing to switch off
    throw noWidget('thinking toggle', profile.selectors.thinkingToggle);
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

async function setThinkingChoice(page: Page, profile: SiteProfile, mode: ThinkingMode): Promise<void> {
  const { thinkingToggle, thinkingOption, thinkingValue } = profile.selectors;
  const label = profile.thinkingLabels[mode];
  const root = page.locator(thinkingToggle).first();
  if (!(await root.isVisible().catch(() => false))) {
    if (mode === 'fast') return; // a model without the choice does not think
    throw noWidget('thinking mode choice', thinkingToggle);
  }
  const value = page.locator(thinkingValue ?? thinkingToggle).first();
  const current = async () => firstLine(await value.innerText({ timeout: 2000 }));
  const isLabel = (shown: string) => shown.toLowerCase() === label.toLowerCase();
  if (isLabel(await current().catch(() => ''))) return;
  if (!thinkingOption) throw noWidget('thinking menu item selector (selectors.thinkingOption)', 'the site profile');
  await root.click();
  const { picked, offered } = await pickOption(page.locator(thinkingOption), [label], 'thinking mode', thinkingOption);
  if (!picked) {
    await page.keyboard.press('Escape').catch(() => undefined);
    throw new ProbeError('E_USAGE', `the page offers no thinking mode "${label}"; it offers: ${offered.join(', ')}`);
  }
  if (!(await shows(current, isLabel)))
    throw new ProbeError('E_BROWSER', `picked thinking mode ${label}, but the page still shows ${await current()}`);
}

/** `true`/`false` as the thinking modes they mean. */
export function thinkingModeOf(thinking: boolean | ThinkingMode): ThinkingMode {
  return thinking === true ? 'thinking' : thinking === false ? 'fast' : thinking;
}

/** What to set before typing. */
export interface ChatSettings {
  readonly model?: string | undefined;
  /** The name the page shows for the model (from `/api/models`), for dropdowns that list names. */
  readonly modelName?: string | undefined;
  /** `true` is `thinking`, `false` is `fast`. */
  readonly thinking?: boolean | ThinkingMode | undefined;
}

/** Picks the model and sets the thinking mode, as a person would before typing. */
export async function applyChatSettings(page: Page, profile: SiteProfile, settings: ChatSettings): Promise<void> {
  if (settings.model !== undefined) await setModel(page, profile, settings.model, settings.modelName);
  if (settings.thinking === undefined) return;
  const mode = thinkingModeOf(settings.thinking);
  if (profile.widgets.thinking === 'toggle') await setThinkingToggle(page, profile, mode);
  else await setThinkingChoice(page, profile, mode);
}
