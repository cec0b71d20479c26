/**
 * `qwen-probe replay CAPTURE`: re-issues captured requests against a target with fresh volatile
 * values, streaming the answer as it arrives. Exit codes: 0 every replayed request worked; 1 one
 * failed (its failure is the last line) or the target could not be reached; 2 bad input; 130 Ctrl-C.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ProbeError } from '../exchange/errors.js';
import { openCaptureWriter, type CaptureWriter } from '../exchange/capture-writer.js';
import { readCaptureInput } from '../client/read-capture-input.js';
import { restoreRemovedCredentials } from '../client/restore-credentials.js';
import { resolveCredentials } from '../client/credentials.js';
import { describeTransportError, normaliseTarget } from '../client/target.js';
import { replayCapture, type ReplayResult, type ReplayTurn } from '../replay/replay-capture.js';
import { parseOverride } from '../replay/field-override.js';
import { createStreamPrinter, replayJson, statusLine } from '../replay/replay-output.js';
import { curlScript } from '../replay/curl-export.js';
import { interruptSignal, processIo, runCommand, type CommandIo } from './run-command.js';

export interface ReplayArgs {
  readonly capture: string;
  readonly entry?: number;
  readonly endpoint?: string;
  readonly target: string;
  readonly session?: string;
  readonly token?: string;
  readonly user?: string;
  readonly prompt?: string;
  readonly set?: readonly string[];
  readonly out?: string;
  readonly json?: boolean;
  readonly curl?: boolean;
  /** Seconds one request may take in all. */
  readonly timeout?: number;
}

/** The curl script of a replayed turn, with the chat it created re-created first. */
export function turnCurl(turn: ReplayTurn, token: string): string | undefined {
  if (!turn.request) return undefined;
  const chat = turn.verdict.exchanges.length > 1 ? turn.verdict.exchanges[0] : undefined;
  return curlScript(turn.request, {
    token,
    ...(chat && turn.verdict.chatId ? { chatRequest: chat.request, chatId: turn.verdict.chatId } : {}),
  });
}

/** How the body talks to the terminal: Ctrl-C, colour, and where streamed text goes. */
export interface ReplayTerminal {
  readonly signal?: AbortSignal;
  readonly color?: boolean;
  /** Streamed answer text (no newline added); stdout by default. */
  readonly write?: (text: string) => void;
}

/** The command body; returns the exit code. */
export async function replay(
  args: ReplayArgs,
  io: CommandIo = processIo,
  terminal: ReplayTerminal = {},
): Promise<number> {
  const signal = terminal.signal;
  const target = normaliseTarget(args.target);
  const overrides = (args.set ?? []).map(parseOverride);
  const capture = await readCaptureInput(args.capture);
  for (const note of capture.notes) io.err(`note: ${note}`);
  const credentials = await resolveCredentials({
    target,
    token: args.token,
    session: args.session,
    user: args.user,
    useEnv: true,
  });
  for (const warning of credentials.warnings) io.err(`warning: ${warning}`);
  // A sanitized DevTools export lost its credentials: the session's are sent in their place.
  const exchanges = restoreRemovedCredentials(capture.exchanges, credentials.token);
  let writer: CaptureWriter | undefined;
  if (args.out) {
    await mkdir(dirname(args.out), { recursive: true });
    writer = await openCaptureWriter(args.out, {
      source: 'replay',
      comment: `qwen-probe replay ${args.capture} --target ${target}`,
    });
  }
  let appended: Promise<void> = Promise.resolve();
  const live = args.json
    ? undefined
    : createStreamPrinter(terminal.write ?? ((text) => process.stdout.write(text)), { color: terminal.color === true });
  const timeoutMs = (args.timeout ?? 180) * 1000;
  let result: ReplayResult;
  try {
    result = await replayCapture(exchanges, {
      target,
      token: credentials.token,
      cookies: credentials.cookies,
      ...(args.entry !== undefined ? { entry: args.entry } : {}),
      ...(args.endpoint !== undefined ? { endpoint: args.endpoint } : {}),
      ...(args.prompt !== undefined ? { prompt: args.prompt } : {}),
      overrides,
      connectTimeoutMs: Math.min(timeoutMs, 30_000),
      idleTimeoutMs: Math.min(timeoutMs, 60_000),
      totalTimeoutMs: timeoutMs,
      ...(signal ? { signal } : {}),
      onTurnStart: (n, total, exchange) =>
        io.err(
          `replaying ${total > 1 ? `${n + 1}/${total}: ` : ''}${exchange.request.method} ` +
            `${new URL(exchange.request.url).pathname} (entry ${exchanges.indexOf(exchange)})`,
        ),
      onUpdate: (update) => live?.onUpdate(update),
      onExchange: (exchange) => {
        if (writer) appended = appended.then(() => writer!.append(exchange));
      },
    });
  } finally {
    await appended.catch(() => undefined);
    await writer?.close();
  }
  live?.end();
  if (args.json) io.out(JSON.stringify(replayJson(result), null, 2));
  else for (const turn of result.turns) io.out(statusLine(turn));
  const last = result.turns.at(-1);
  if (args.curl && last) io.out(turnCurl(last, credentials.token) ?? '');
  if (args.out)
    io.err(`recorded ${result.exchanges.length} exchange${result.exchanges.length === 1 ? '' : 's'} to ${args.out}`);
  if (signal?.aborted) throw new ProbeError('E_INTERRUPTED', 'interrupted');
  const unreachable = result.exchanges.find((e) => !e.response && e.error && e.error.code !== 'ETIMEDOUT');
  if (unreachable) {
    const problem = describeTransportError(target, unreachable.error);
    throw new ProbeError('E_UPSTREAM_UNREACHABLE', problem.message, { hint: problem.hint });
  }
  if (!result.ok && last && !args.json) io.err(last.verdict.explanation);
  return result.ok ? 0 : 1;
}

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <capture>',
  describe: 'send captured requests again with fresh ids, chat and token, streaming the answer',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('capture', { type: 'string', demandOption: true, describe: 'HAR capture to replay' })
      .option('entry', { type: 'number', describe: 'replay only this entry (position in the capture, from 0)' })
      .option('endpoint', {
        type: 'string',
        describe: 'replay every request of this endpoint (default: every chat completion, in order)',
      })
      .option('target', {
        type: 'string',
        demandOption: true,
        describe: 'origin to send to: https://chat.qwen.ai or the simulator URL',
      })
      .option('session', { type: 'string', describe: 'session file saved by `qwen-probe login`' })
      .option('token', { type: 'string', describe: 'raw JWT to authenticate with' })
      .option('user', {
        type: 'string',
        describe: 'EMAIL:PASSWORD to sign in with (else QWEN_PROBE_EMAIL/QWEN_PROBE_PASSWORD)',
      })
      .option('prompt', { type: 'string', describe: 'replace the user message' })
      .option('set', {
        type: 'string',
        array: true,
        describe:
          'override a field: body:model=qwen3-max, "header:x-foo=bar", query:chat_id=..., cookie:NAME=... ' +
          '(repeatable; JSON values allowed)',
      })
      .option('out', { type: 'string', describe: 'record the replay as a HAR capture' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the typed result as JSON instead of streaming text',
      })
      .option('curl', {
        type: 'boolean',
        default: false,
        describe: 'print a curl script that reproduces the request (token as $QWEN_TOKEN)',
      })
      .option('timeout', { type: 'number', default: 180, describe: 'seconds one request may take in all' })
      .example(
        '$0 replay captures/browser.har --target http://127.0.0.1:8787 --user demo@qwen-probe.test:demo-password',
        "replay the browser's chat against the simulator",
      )
      .example(
        '$0 replay captures/seed.har --target https://chat.qwen.ai --session session.json --set body:model=qwen3-max ' +
          '--curl',
        'try one change and get a curl for it',
      )
      .epilog(
        'Exit codes: 0 every request worked, 1 one failed or the target was unreachable, 2 bad input, 130 Ctrl-C.',
      ) as unknown as Argv<ReplayArgs>,
  handler: (args) =>
    runCommand(async () => {
      const stop = interruptSignal('');
      try {
        return await replay(args, processIo, {
          signal: stop.signal,
          color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
        });
      } finally {
        stop.dispose();
      }
    }),
};
