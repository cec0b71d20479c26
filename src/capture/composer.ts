/**
 * Putting a prompt into the page's composer and sending it, past the traps of the 2026 page: Enter
 * sends, so a multi-line prompt is inserted in one piece rather than typed (typing its `\n` would
 * send the first line alone); the composer's `maxlength` would cut a long prompt, so it is refused
 * up front with the limit named; the send button is mounted only once there is text and is disabled
 * by a CSS class, which Playwright's checks do not see, so the recorder waits for the class to go;
 * and a click is not evidence, so the send counts once the page took the prompt (OnFlip).
 */
import type { Page } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import type { SiteProfile } from './site-profile.js';

/** How long the send button may take to mount and enable, and the page to take the prompt. */
const SEND_WAIT_MS = 10_000;
const LANDED_WAIT_MS = 5000;

/** The composer's `maxlength`, or undefined when it has none. */
export async function composerLimit(page: Page, profile: SiteProfile): Promise<number | undefined> {
  const limit = await page
    .locator(profile.selectors.chatInput)
    .first()
    .evaluate((el) => (el as HTMLTextAreaElement).maxLength, undefined, { timeout: 5000 })
    .catch(() => -1);
  return limit > 0 ? limit : undefined;
}

/** Refuses prompts longer than the composer takes (E_USAGE, naming the limit and the prompt). */
export function checkPromptLengths(prompts: readonly string[], limit: number | undefined): void {
  if (limit === undefined) return;
  for (const [i, prompt] of prompts.entries()) {
    if (prompt.length > limit) {
      throw new ProbeError(
        'E_USAGE',
        `prompt ${i + 1} has ${prompt.length} characters; the page's composer takes at most ${limit} ` +
          '(its maxlength), so it would send only the first part',
        { hint: `shorten it to ${limit} characters or split it into several --prompt turns` },
      );
    }
  }
}

/** Counts that tell whether the page took a prompt. */
interface ComposerCounts {
  readonly value: string;
  readonly assistants: number;
  readonly users: number;
}

async function readCounts(page: Page, profile: SiteProfile): Promise<ComposerCounts> {
  return page
    .evaluate(
      (s) => ({
        value: (document.querySelector(s.input) as HTMLTextAreaElement | null)?.value ?? '',
        assistants: document.querySelectorAll(s.assistant).length,
        users: s.user ? document.querySelectorAll(s.user).length : 0,
      }),
      {
        input: profile.selectors.chatInput,
        assistant: profile.selectors.assistantMessage,
        user: profile.selectors.userMessage ?? null,
      },
    )
    .catch(() => ({ value: '', assistants: 0, users: 0 }));
}

/**
 * Puts the prompt into the composer: typed key by key when it is one line (as a person would),
 * inserted in one piece when it has line breaks. Checks that the composer holds it afterwards.
 */
export async function enterPrompt(page: Page, profile: SiteProfile, prompt: string): Promise<void> {
  const input = page.locator(profile.selectors.chatInput).first();
  await input.click();
  if (prompt.includes('\n')) await input.fill(prompt);
  else {
    await input.fill('');
    await input.pressSequentially(prompt);
  }
  const held = await input.inputValue().catch(() => '');
  if (held !== prompt) {
    // A re-render wiped it (the shell's textarea) or the page cut it: insert once more, then give up.
    await input.fill(prompt);
    if ((await input.inputValue().catch(() => '')) !== prompt)
      throw new ProbeError('E_BROWSER', `the composer (${profile.selectors.chatInput}) does not keep the prompt`, {
        hint: 'check the page with `qwen-probe capture --check-page`',
      });
  }
}

/** Waits for the send button to be mounted, shown and enabled (attribute and class); false if it never is. */
async function sendButtonReady(page: Page, profile: SiteProfile): Promise<boolean> {
  return page
    .waitForFunction(
      (s) =>
        [...document.querySelectorAll(s.button)].some(
          (el) =>
            (el as HTMLElement).getClientRects().length > 0 &&
            !(el as HTMLButtonElement).disabled &&
            !(s.disabledClass && el.classList.contains(s.disabledClass)),
        ),
      { button: profile.selectors.sendButton, disabledClass: profile.sendDisabledClass ?? null },
      { timeout: SEND_WAIT_MS, polling: 50 },
    )
    .then(() => true)
    .catch(() => false);
}

async function landed(page: Page, profile: SiteProfile, before: ComposerCounts): Promise<boolean> {
  const until = Date.now() + LANDED_WAIT_MS;
  while (Date.now() < until) {
    const now = await readCounts(page, profile);
    if (now.value === '' || now.assistants > before.assistants || now.users > before.users) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/**
 * Sends what the composer holds: clicks the send button once it is enabled, then checks that the
 * page took the prompt (the composer emptied, or a message appeared); when it did not, presses
 * Enter once. Returns undefined when sent, else one sentence on why not.
 */
export async function submitPrompt(page: Page, profile: SiteProfile): Promise<string | undefined> {
  const before = await readCounts(page, profile);
  const enabled = await sendButtonReady(page, profile);
  if (enabled) {
    await page
      .locator(profile.selectors.sendButton)
      .first()
      .click({ timeout: 5000 })
      .catch(() => undefined);
    if (await landed(page, profile, before)) return undefined;
  }
  await page.locator(profile.selectors.chatInput).first().press('Enter');
  if (await landed(page, profile, before)) return undefined;
  return enabled
    ? `the page did not take the prompt: neither the send button (${profile.selectors.sendButton}) nor Enter sent it`
    : `the send button (${profile.selectors.sendButton}) never became enabled, and Enter did not send the prompt`;
}
