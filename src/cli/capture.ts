/**
 * `qwen-probe capture`: records what a real browser sends to the target's /api/ paths while it
 * chats, as a HAR capture (events with arrival times, raw chunk timings). Either the command drives
 * the page (each --prompt typed and sent, each answer awaited) or, with --interactive, a person does
 * until they close the window or press Ctrl-C. Every exchange is on disk as soon as it completes, so
 * an interruption, a crash or a failed turn loses nothing that was recorded.
 *
 * Exit codes: 0 all turns answered (or an interactive session ended); 1 a turn failed, timed out,
 * or the target/browser could not be used (the capture still holds what happened); 2 bad input;
 * 3 --check-page found a required selector matching nothing; 130 interrupted (Ctrl-C) outside
 * --interactive.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import type { Exchange } from '../exchange/exchange.js';
import { openCaptureWriter } from '../exchange/capture-writer.js';
import type { SessionFile } from '../client/session-file.js';
import { normaliseTarget } from '../client/target.js';
import { exchangeLine } from '../client/describe-exchange.js';
import { closeQuietly, launchBrowser } from '../capture/browser-launch.js';
import { contextForSession, loginWithBrowser, openPage } from '../capture/browser-login.js';
import { startBrowserRecorder } from '../capture/browser-recorder.js';
import { captureChat, type ChatTurn } from '../capture/capture-chat.js';
import { loadSiteProfile, loginProfile, type SiteProfiles } from '../capture/site-profiles.js';
import type { BrowserAccount } from './browser-account.js';
import { checkPageCommand } from './capture-check-page.js';
import { urlFilter } from '../capture/browser-recorder.js';
import { checkOutputPath } from '../exchange/output-file.js';
import { redactionChoice, secretsNote } from './output-flags.js';
import { timestampForFile } from './file-names.js';
import { refuseTogether } from './flag-values.js';
import { interruptSignal, processIo, runCommand, type CommandIo } from './run-command.js';
import {
  captureFlags,
  rewriteInWireOrder,
  turnLine,
  turnProblem,
  untilStopped,
  withInterrupt,
  type CaptureArgs,
  sessionOrAccount,
} from './capture-support.js';

export type { CaptureArgs } from './capture-support.js';

/** `captures/<host>-<timestamp>.har`. */
export function defaultCapturePath(target: string, now = new Date()): string {
  const host = new URL(target).host.replace(/[^A-Za-z0-9.-]/g, '_');
  return `captures/${host}-${timestampForFile(now)}.har`;
}

interface Prepared {
  readonly context: BrowserContext;
  readonly page: Page;
  /** The page already shows the chat (it just logged in there). */
  readonly loggedInHere: boolean;
}

async function prepareContext(
  args: CaptureArgs,
  target: string,
  profile: SiteProfiles,
  session: SessionFile | undefined,
  account: BrowserAccount | undefined,
  io: CommandIo,
  browser: Browser,
): Promise<Prepared> {
  if (session) {
    const context = await contextForSession(browser, session, profile, {
      onWarning: (line) => io.err(`warning: ${line}`),
    });
    return { context, page: await context.newPage(), loggedInHere: false };
  }
  const { context, page } = await loginWithBrowser({
    target,
    browser,
    profile,
    ...(account ? { account } : {}),
    timeoutMs: args.timeout,
    manualTimeoutMs: args['login-timeout'],
    onStatus: (line) => io.err(line),
  });
  return { context, page, loggedInHere: true };
}

/** The command body; `signal` is Ctrl-C. */
export async function capture(args: CaptureArgs, io: CommandIo = processIo, signal?: AbortSignal): Promise<number> {
  const target = normaliseTarget(args.target);
  if (args['check-page']) {
    // A check records nothing: flags about the recording would be silently ignored.
    refuseTogether({ ...args }, [
      ['check-page', 'prompt'],
      ['check-page', 'interactive'],
      ['check-page', 'out'],
      ['check-page', 'keep-secrets'],
    ]);
    return checkPageCommand(args, target, io);
  }
  const prompts = args.prompt ?? [];
  if (prompts.length === 0 && !args.interactive)
    throw new ProbeError('E_USAGE', 'give at least one --prompt TEXT, or --interactive to drive the browser yourself');
  if ([args.session, args.user].filter(Boolean).length > 1)
    throw new ProbeError('E_USAGE', 'give only one of --session and --user');
  const redacted = redactionChoice(args);
  const keep = urlFilter({ origin: target, include: args.include ?? [], exclude: args.exclude ?? [] });
  const completions = `${target}/api/v2/chat/completions`;
  if (!args.interactive && !keep(completions))
    throw new ProbeError(
      'E_USAGE',
      `--include/--exclude leave out ${completions}: capture could not see the answers it waits for`,
    );
  const out = args.out ?? defaultCapturePath(target);
  await checkOutputPath(out, { flag: '--out', overwrite: args.overwrite });
  const profile = await loadSiteProfile(target, { selectorsFile: args.selectors, era: args['site-era'] });
  const { session, account } = await sessionOrAccount(args, io);
  if (!session && !account && !args.headed)
    throw new ProbeError('E_USAGE', 'capture needs --session FILE, --user EMAIL or --headed', {
      hint: 'or set QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD',
    });
  await mkdir(dirname(out), { recursive: true });
  // Chromium's NetLog is the only record of the request headers' wire order (CDP sorts them). It
  // holds cookies and tokens: a private directory, removed once the capture is rewritten.
  const netLogDir = await mkdtemp(join(tmpdir(), 'qwen-probe-netlog-'));
  const netLogPath = join(netLogDir, 'netlog.json');
  const dropNetLog = () => rm(netLogDir, { recursive: true, force: true }).catch(() => undefined);
  const launched = await launchBrowser({
    headed: args.headed || args.interactive,
    netLogPath,
    ...(args['cdp-port'] !== undefined ? { cdpPort: args['cdp-port'] } : {}),
  }).catch(async (error: unknown) => {
    await dropNetLog();
    throw error;
  });
  const { browser, cdpEndpoint } = launched;
  if (cdpEndpoint) io.out(`cdp endpoint: ${cdpEndpoint}`);
  const writerOptions = {
    source: 'browser' as const,
    redacted,
    overwrite: args.overwrite === true,
    comment: `qwen-probe capture --target ${target}`,
  };
  // The file exists (valid, empty HAR) from here on, whatever happens next.
  const writer = await openCaptureWriter(out, writerOptions).catch(async (error: unknown) => {
    await closeQuietly(browser);
    await dropNetLog();
    throw error;
  });
  const written: Exchange[] = [];
  let appended: Promise<void> = Promise.resolve();
  let turns: ChatTurn[] = [];
  let recorded: Exchange[];
  let stopRecorder: (() => Promise<Exchange[]>) | undefined;
  /** Recording started: from here on even an empty capture is a finding (the page sent nothing). */
  let recording = false;
  let writerClosed = false;
  const streaming = new Set<string>();
  try {
    const prepared = await withInterrupt(prepareContext(args, target, profile, session, account, io, browser), signal);
    const recorder = await startBrowserRecorder(prepared.context, {
      origin: target,
      include: args.include ?? [],
      exclude: args.exclude ?? [],
      onExchange: (exchange) => {
        // One that ends after the capture was closed (a stream cut while the browser shut down) is
        // said, not appended to a closed file (an unhandled rejection).
        if (writerClosed)
          return io.err(`warning: not in the capture (it ended after the close): ${exchangeLine(exchange)}`);
        appended = appended.then(() => writer.append(exchange)).then(() => void written.push(exchange));
        io.out(exchangeLine(exchange));
      },
      // Progress on stderr: a stream is open (its summary line follows when it ends).
      onStreamEvent: (id, url) => {
        if (streaming.has(id)) return;
        streaming.add(id);
        io.err(`streaming: ${new URL(url).pathname}`);
      },
    });
    stopRecorder = () => recorder.stop();
    recording = true;
    const options = {
      page: prepared.page,
      target,
      profile,
      recorder,
      readyTimeoutMs: args.timeout,
      answerTimeoutMs: args['answer-timeout'],
      ...(signal ? { signal } : {}),
    };
    if (prompts.length > 0) {
      turns = await captureChat({
        ...options,
        prompts,
        ...(args['thinking-mode'] !== undefined || args.thinking !== undefined
          ? { thinking: args['thinking-mode'] ?? args.thinking! }
          : {}),
        ...(args.model ? { model: args.model } : {}),
        onTurn: (t) => io.out(turnLine(t, prompts.length)),
      });
    } else if (!prepared.loggedInHere) {
      await openPage(prepared.page, `${target}${loginProfile(profile).chatPath}`, args.timeout);
    }
    if (args.interactive && !signal?.aborted) {
      io.out('recording: drive the browser; close its window or press Ctrl-C to stop');
      await untilStopped(browser, prepared.context, signal);
    }
  } finally {
    recorded = stopRecorder ? await stopRecorder() : [];
    await appended.catch(() => undefined);
    writerClosed = true;
    await writer.close();
    await closeQuietly(browser);
    // Exchanges were written as they completed, headers sorted by name; now the NetLog is complete,
    // the file is rewritten with wire order. A crash before this point leaves the sorted capture.
    const ordered =
      written.length === writer.count
        ? await rewriteInWireOrder(out, written, netLogPath, writerOptions).catch(() => 0)
        : 0;
    await dropNetLog();
    if (written.length > 0)
      io.err(
        `request headers in wire order: ${ordered} of ${written.length} exchange${written.length === 1 ? '' : 's'}`,
      );
    const cut = recorded.filter((e) => e.tags?.includes('stream-cut')).length;
    if (!recording && writer.count === 0) {
      // Chromium or the login failed before anything could be recorded: no empty capture is left behind.
      await rm(out, { force: true }).catch(() => undefined);
      io.err('no capture written: recording never started');
    } else
      io.out(
        `captured ${writer.count} exchange${writer.count === 1 ? '' : 's'}${cut > 0 ? ` (${cut} cut)` : ''} to ` +
          `${out}${secretsNote(redacted)}`,
      );
  }
  if (signal?.aborted && !args.interactive) {
    throw new ProbeError(
      'E_INTERRUPTED',
      recording ? `interrupted; ${writer.count} exchanges saved to ${out}` : 'interrupted before recording started',
    );
  }
  const problem = turnProblem(turns, out);
  if (problem) throw problem;
  return 0;
}

/** The yargs module. */
export const captureCommand: CommandModule<object, CaptureArgs> = {
  command: 'capture',
  describe: 'record a real browser chatting with the target (HAR with live event timings)',
  builder: (yargs: Argv<object>) => captureFlags(yargs),
  handler: (args) =>
    runCommand(async () => {
      const stop = interruptSignal('stopping: saving what was recorded (press Ctrl-C again to quit at once)', {
        sigterm: true,
      });
      try {
        return await capture(args, processIo, stop.signal);
      } finally {
        stop.dispose();
      }
    }),
};
