/**
 * Starting Debian's Chromium through Playwright, with the flags this project's machines need
 * (docs: toolchain.md) and errors a person can act on: a missing browser says how to install it, a
 * headed run without a display says how to get one. Nothing here downloads a browser.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import { netLogArgs } from './net-log.js';

/** Where Chromium is looked for when CHROMIUM_PATH is not set. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags on every launch. Without the background-networking ones Chromium keeps calling Google hosts,
 * which these machines refuse (and which would pollute a capture); QUIC is off so that traffic stays
 * on TCP, where CDP reports it the same way on every run.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How to start the browser. */
export interface LaunchBrowserOptions {
  /** Show a window (a person logs in or drives the page). Needs $DISPLAY. Default false. */
  readonly headed?: boolean;
  /** Chromium binary; default CHROMIUM_PATH from `env`, else /usr/bin/chromium. */
  readonly executablePath?: string;
  /**
   * Also open a DevTools endpoint on 127.0.0.1 at this port, so another process (a test, a person's
   * own tooling) can drive the same browser with `chromium.connectOverCDP`. 0 picks a free port.
   */
  readonly cdpPort?: number;
  /** Milliseconds to wait for the browser to start; default 30 000. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra Chromium flags after the standard ones. */
  readonly extraArgs?: readonly string[];
  /**
   * Write Chromium's NetLog here, secrets included (mode IncludeSensitive): the only record of the
   * request headers' wire order; `applyNetLogHeaderOrder` reads it once the browser is closed.
   * Put it in a private directory and delete it afterwards: it holds cookies and tokens.
   */
  readonly netLogPath?: string;
}

/** A started browser and, when asked for, the DevTools endpoint others can connect to. */
export interface LaunchedBrowser {
  readonly browser: Browser;
  /** `http://127.0.0.1:PORT` when `cdpPort` was given. */
  readonly cdpEndpoint?: string;
  /** The NetLog file, when `netLogPath` was given. */
  readonly netLogPath?: string;
}

/** The Chromium binary to use: CHROMIUM_PATH when set, else the Debian default. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROMIUM_PATH?.trim();
  return fromEnv ? fromEnv : DEFAULT_CHROMIUM_PATH;
}

/** A TCP port on 127.0.0.1 that nobody listened on a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function assertExecutable(path: string): Promise<void> {
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new ProbeError('E_BROWSER', `no Chromium found at ${path}`, {
      hint:
        'install it with `sudo apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or ' +
        'Chrome binary',
    });
  }
}

/**
 * Launches Chromium. Playwright's own signal handlers are off: the commands decide what Ctrl-C means
 * (save what was recorded, then close), and Playwright would otherwise kill the browser first.
 */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<LaunchedBrowser> {
  const env = options.env ?? process.env;
  const executablePath = options.executablePath ?? chromiumPath(env);
  await assertExecutable(executablePath);
  if (options.headed && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    throw new ProbeError('E_BROWSER', 'a headed browser needs a display, and $DISPLAY is not set', {
      hint: 'run under a desktop session or `xvfb-run -a qwen-probe ...`, or log in with --user instead of --headed',
    });
  }
  const port = options.cdpPort === undefined ? undefined : options.cdpPort === 0 ? await freePort() : options.cdpPort;
  const args = [
    ...CHROMIUM_ARGS,
    ...(port === undefined ? [] : [`--remote-debugging-port=${port}`, '--remote-debugging-address=127.0.0.1']),
    ...(options.netLogPath ? netLogArgs(options.netLogPath) : []),
    ...(options.extraArgs ?? []),
  ];
  try {
    const browser = await chromium.launch({
      executablePath,
      headless: !options.headed,
      args,
      timeout: options.timeoutMs ?? 30_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    return {
      browser,
      ...(port === undefined ? {} : { cdpEndpoint: `http://127.0.0.1:${port}` }),
      ...(options.netLogPath ? { netLogPath: options.netLogPath } : {}),
    };
  } catch (error) {
    // Playwright's launch errors run to dozens of lines of browser log; the first line says what failed.
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
    throw new ProbeError('E_BROWSER', `Chromium (${executablePath}) did not start: ${first}`, {
      hint: 'check that the binary runs (`chromium --version`); set QWEN_PROBE_DEBUG=1 for details',
      cause: error,
    });
  }
}

/** Closes a browser, never throwing: used on the way out, where the browser may already be gone. */
export async function closeQuietly(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  await browser.close().catch(() => undefined);
}
