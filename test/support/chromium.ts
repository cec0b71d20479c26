/**
 * Launches Debian's Chromium through playwright-core for e2e tests, with the same flags and path
 * rules as the recorder (src/capture/browser-launch.ts): no sandbox, no GPU, no background calls.
 */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from '../../src/capture/browser-launch.js';

export { CHROMIUM_ARGS };

/** The Chromium binary: `CHROMIUM_PATH`, else /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env['CHROMIUM_PATH'] ?? DEFAULT_CHROMIUM_PATH;
}

/** A headless Chromium; close it in afterAll. Extra args are appended to CHROMIUM_ARGS. */
export function launchChromium(options: { args?: readonly string[]; headless?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: options.headless ?? true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
