/**
 * Launches Debian's Chromium through playwright-core for e2e tests, with the flags this machine
 * needs (docs/toolchain.md): no sandbox, no GPU, and no background calls to Google hosts.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** The Chromium binary: `CHROMIUM_PATH`, else /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
}

/** A headless Chromium; close it in afterAll. Extra args are appended to CHROMIUM_ARGS. */
export function launchChromium(options: { args?: readonly string[]; headless?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: options.headless ?? true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
