/**
 * The parts of `capture` that are not the recording itself: its flags, its per-turn lines, how a
 * failed turn becomes one error line, and the waits that Ctrl-C or a closed window end.
 */
import { rename, rm } from 'node:fs/promises';
import type { Argv } from 'yargs';
import type { Browser, BrowserContext } from 'playwright-core';
import { ProbeError } from '../exchange/errors.js';
import { readSessionFile, type SessionFile } from '../client/session-file.js';
import type { Exchange } from '../exchange/exchange.js';
import { openCaptureWriter, type CaptureWriterOptions } from '../exchange/capture-writer.js';
import type { ChatTurn } from '../capture/capture-chat.js';
import { applyNetLogHeaderOrder } from '../capture/net-log.js';
import { THINKING_MODES, type ThinkingMode } from '../capture/chat-page.js';
import { SITE_ERA_NAMES, type SiteEraChoice } from '../capture/site-profiles.js';
import {
  CDP_PORT_OPTION,
  LOGIN_TIMEOUT_OPTION,
  PASSWORD_FILE_OPTION,
  resolveAccount,
  USER_FLAG_TEXT,
  type BrowserAccount,
} from './browser-account.js';
import { durationOption, nonEmpty } from './flag-values.js';
import { KEEP_SECRETS_OPTION, OVERWRITE_OPTION, REDACT_OPTION } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';
import type { CommandIo } from './run-command.js';

/** The flags of `capture`, after yargs. */
export interface CaptureArgs {
  readonly target: string;
  readonly session?: string | undefined;
  readonly user?: string | undefined;
  readonly 'password-file'?: string | undefined;
  readonly headed: boolean;
  readonly prompt?: string[] | undefined;
  /** Thinking on (`--thinking`) or off (`--no-thinking`); absent leaves the page's choice. */
  readonly thinking?: boolean | undefined;
  /** The 2026 page's three-way choice; wins over `thinking`. */
  readonly 'thinking-mode'?: ThinkingMode | undefined;
  readonly model?: string | undefined;
  readonly interactive: boolean;
  readonly out?: string | undefined;
  readonly overwrite?: boolean | undefined;
  /** Redact before writing (the default). */
  readonly redact?: boolean | undefined;
  readonly 'keep-secrets'?: boolean | undefined;
  readonly include?: string[] | undefined;
  readonly exclude?: string[] | undefined;
  readonly selectors?: string | undefined;
  /** Which era of the site's page to drive; `auto` (default): the page decides. */
  readonly 'site-era'?: SiteEraChoice | undefined;
  /** Check the page's selectors instead of recording (exit 3 when a required one matches nothing). */
  readonly 'check-page'?: boolean | undefined;
  /** Milliseconds for page loads, the login form and the chat box (flags take `30s`). */
  readonly timeout: number;
  /** Milliseconds one answer may take (flags take `2m`). */
  readonly 'answer-timeout': number;
  /** Milliseconds a person may take to log in (--headed; flags take `5m`). */
  readonly 'login-timeout': number;
  /** Also open a DevTools endpoint on this port (0: any free one), printed as `cdp endpoint: URL`. */
  readonly 'cdp-port'?: number;
}

/** Declares the flags on a yargs instance. */
export function captureFlags(yargs: Argv<object>): Argv<CaptureArgs> {
  return yargs
    .option('target', {
      type: 'string',
      demandOption: true,
      describe: 'site to record: https://chat.qwen.ai or the simulator URL',
    })
    .option('session', { type: 'string', describe: 'session file saved by `qwen-probe login`' })
    .option('user', { type: 'string', describe: `${USER_FLAG_TEXT}; logs in through the page first` })
    .option('password-file', PASSWORD_FILE_OPTION)
    .option('headed', {
      type: 'boolean',
      default: false,
      describe: 'show the browser; without --session/--user you log in by hand',
    })
    .option('prompt', {
      type: 'string',
      array: true,
      describe: 'a message to type and send; repeat for more turns in the same chat',
      coerce: nonEmpty('prompt'),
    })
    .option('thinking', {
      type: 'boolean',
      describe: "switch the page's thinking on (--no-thinking: off); absent leaves the page's choice",
    })
    .option('thinking-mode', {
      type: 'string',
      choices: THINKING_MODES,
      describe: "the 2026 page's thinking choice (Fast, Auto, Thinking); wins over --thinking",
    })
    .option('model', { type: 'string', describe: "model id to pick in the page's model list" })
    .option('interactive', {
      type: 'boolean',
      default: false,
      describe: 'headed browser that you drive; stop by closing it or Ctrl-C',
    })
    .option('out', { type: 'string', describe: 'capture file (HAR); default captures/<host>-<timestamp>.har' })
    .option('overwrite', OVERWRITE_OPTION)
    .option('redact', REDACT_OPTION)
    .option('keep-secrets', KEEP_SECRETS_OPTION)
    .option('include', {
      type: 'string',
      array: true,
      describe:
        "hosts to record every request of (host, *.domain, *), as in intercept; default the target's /api/ paths",
    })
    .option('exclude', {
      type: 'string',
      array: true,
      describe: 'never record URLs matching this pattern (* = anything)',
    })
    .option('selectors', { type: 'string', describe: 'JSON file overriding the page selectors (see docs/capture.md)' })
    .option('site-era', {
      type: 'string',
      choices: ['auto', ...SITE_ERA_NAMES],
      default: 'auto',
      describe: "which era of chat.qwen.ai's page to drive (auto: the page decides)",
    })
    .option('check-page', {
      type: 'boolean',
      default: false,
      describe: "check the page's selectors instead of recording; exit 3 when a required one matches nothing",
    })
    .option(
      'timeout',
      durationOption('how long page loads, the login form and the chat box may take', '30s', {
        plainUnit: 's',
        minMs: 1,
      })('timeout'),
    )
    .option(
      'answer-timeout',
      durationOption('how long one answer may take before the turn counts as stalled', '2m', {
        plainUnit: 's',
        minMs: 1,
      })('answer-timeout'),
    )
    .option('login-timeout', LOGIN_TIMEOUT_OPTION)
    .option('cdp-port', CDP_PORT_OPTION)
    .example(
      '$0 capture --target http://127.0.0.1:8787 --session .qwen-probe/session.json --prompt Hello --prompt ' +
        '"And then?"',
      'two turns against the simulator',
    )
    .example(
      '$0 capture --target https://chat.qwen.ai --session .qwen-probe/session.json --interactive',
      'record while you chat',
    )
    .example(
      '$0 capture --check-page --target https://chat.qwen.ai --session .qwen-probe/session.json',
      'check that the page still has every element the recorder needs',
    )
    .epilog(
      `Captures are redacted (tokens, cookies, passwords) unless --keep-secrets. ${exitCodesText('capture')}`,
    ) as unknown as Argv<CaptureArgs>;
}

/** `turn 1/2: answered in 1.2 s: "Hello! …"` or `turn 2/2: failed: …`. */
export function turnLine(turn: ChatTurn, total: number): string {
  const head = `turn ${turn.index}/${total}: ${turn.outcome} in ${(turn.ms / 1000).toFixed(1)} s`;
  if (turn.outcome === 'answered') {
    const clip = (answer: string) => JSON.stringify(answer.length > 60 ? `${answer.slice(0, 60)}…` : answer);
    if (turn.answers && turn.answers.length > 1)
      return `${head}: the page showed ${turn.answers.length} answers side by side, all recorded: ${turn.answers.map(clip).join(' | ')}`;
    return `${head}: ${clip(turn.answer ?? '')}`;
  }
  return `${head}: ${turn.reason ?? 'no reason given'}`;
}

/** The error for the turn that stopped the run, or undefined when every turn answered. */
export function turnProblem(turns: readonly ChatTurn[], out: string): ProbeError | undefined {
  const bad = turns.find((t) => t.outcome === 'failed' || t.outcome === 'timeout');
  if (!bad) return undefined;
  const where = `the capture holds what happened: ${out}`;
  if (bad.outcome === 'timeout')
    return new ProbeError('E_TIMEOUT', `turn ${bad.index} timed out: ${bad.reason}`, {
      hint: `raise --answer-timeout if the site is just slow; ${where}`,
    });
  if (bad.authFailure) {
    return new ProbeError('E_UPSTREAM_AUTH', `turn ${bad.index} failed: ${bad.reason}`, {
      hint: `the token was refused or expired during the capture: log in again with \`qwen-probe login\`; ${where}`,
    });
  }
  return new ProbeError('E_UPSTREAM_PROTOCOL', `turn ${bad.index} failed: ${bad.reason}`, { hint: where });
}

/** Resolves with `work`, or rejects with E_INTERRUPTED as soon as `signal` fires. */
export async function withInterrupt<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  // The abandoned work rejects later, when the browser closes under it: that is expected.
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ProbeError('E_INTERRUPTED', 'interrupted before recording started'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Waits until the person is done: Ctrl-C, the browser gone, or every page of the context closed. */
export function untilStopped(browser: Browser, context: BrowserContext, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (context.pages().length === 0) resolve();
    };
    signal?.addEventListener('abort', () => resolve(), { once: true });
    browser.once('disconnected', () => resolve());
    context.once('close', () => resolve());
    for (const page of context.pages()) page.once('close', check);
    context.on('page', (page) => page.once('close', check));
    check();
  });
}

/**
 * Once the browser is closed (its NetLog complete), rewrites the capture at `out` with each request's
 * headers in wire order: the same exchanges, in the same order, with the same writer options, into
 * a temporary file that then replaces `out`. Any failure leaves `out` as it was (sorted headers,
 * still a valid capture). Returns how many exchanges got their wire order (the rest are tagged
 * `headers:sorted`).
 */
export async function rewriteInWireOrder(
  out: string,
  written: readonly Exchange[],
  netLogPath: string,
  options: CaptureWriterOptions,
): Promise<number> {
  if (written.length === 0) return 0;
  const ordered = await applyNetLogHeaderOrder(written, netLogPath);
  const matched = ordered.filter((e) => e.tags?.includes('headers:wire-order')).length;
  const temp = `${out}.reorder-${process.pid}`;
  try {
    const writer = await openCaptureWriter(temp, { ...options, overwrite: true });
    try {
      for (const exchange of ordered) await writer.append(exchange);
    } finally {
      await writer.close();
    }
    await rename(temp, out);
    return matched;
  } catch {
    await rm(temp, { force: true }).catch(() => undefined);
    return 0;
  }
}

/**
 * The session file, or else the account to log in with, resolved before Chromium starts: a missing
 * password is a usage error, not a browser launched for nothing.
 */
export async function sessionOrAccount(
  args: CaptureArgs,
  io: CommandIo,
): Promise<{ session: SessionFile | undefined; account: BrowserAccount | undefined }> {
  const session = args.session ? await readSessionFile(args.session) : undefined;
  if (session) return { session, account: undefined };
  const account = await resolveAccount(args.user, {
    prompt: args.user !== undefined,
    passwordFile: args['password-file'],
    warn: (line) => io.err(line),
  });
  return { session, account };
}
