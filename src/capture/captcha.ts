/**
 * The firewall's captcha in place of a page: Aliyun's "Verification" page, or a redirect to its
 * punish URL (`/_____tmd_____/punish?x5secdata=…&action=captcha`, docs/protocol.md §11.13). No
 * program solves it; a person does, in a headed browser, and the session then keeps `x5sec`.
 */
import type { Page } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import type { CaptchaMarkers } from './site-profile.js';

/** The error for the firewall's captcha page. */
export function captchaError(url: string, title: string): ProbeError {
  const action = /[?&]action=([A-Za-z]+)/.exec(url)?.[1];
  const what = action ? `its captcha (action=${action})` : 'its captcha';
  return new ProbeError(
    'E_UPSTREAM_AUTH',
    `the site's firewall shows ${what} instead of the chat: the "${title || 'Verification'}" page at ` +
      `${url.split('?')[0]} (Aliyun NoCaptcha)`,
    {
      hint:
        'solve it by hand: run with --headed (or `qwen-probe login --headed`); the session then keeps the x5sec ' +
        'cookie the captcha sets',
    },
  );
}

/** The captcha error when the page shows the captcha, else undefined. */
export async function captchaOnPage(page: Page, markers: CaptchaMarkers): Promise<ProbeError | undefined> {
  const title = await page.title().catch(() => '');
  const url = page.url();
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const shown = markers.titles.includes(title.trim()) || markers.paths.some((p) => path.startsWith(p));
  return shown ? captchaError(url, title) : undefined;
}
