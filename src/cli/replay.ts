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
import { replayCapture, selectEntries, type ReplayResult, type ReplayTurn } from '../replay/replay-capture.js';
import { checkOutputPath } from '../exchange/output-file.js';
import { PASSWORD_FILE_OPTION, USER_FLAG_TEXT, userCredential } from './browser-account.js';
import { durationOption, integerOption, nonEmpty } from './flag-values.js';
import { KEEP_SECRETS_OPTION, OVERWRITE_OPTION, REDACT_OPTION, redactionChoice, secretsNote } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';
import { applyOverrides, parseOverride } from '../replay/field-override.js';
import type { ExchangeRequest } from '../exchange/exchange.js';
import { isJsonObject, parseJsonText, valueAtPath } from '../common/index.js';
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
  readonly 'password-file'?: string;
  readonly prompt?: string;
  readonly set?: readonly string[];
  readonly out?: string;
  readonly overwrite?: boolean;
  /** Redact the `--out` capture (the default). */
  readonly redact?: boolean;
  readonly 'keep-secrets'?: boolean;
  readonly json?: boolean;
  readonly curl?: boolean;
  /** Milliseconds one request may take in all (flags take `180s`, `3m`). */
  readonly timeout?: number;
}

/**
 * The curl script of a replayed turn, runnable on its own: it creates a chat first, and a later
 * turn of a conversation is sent as the first turn of that new chat (its `parent_id` set to null),
 * since a chat's thread cannot be continued from outside (the server wants the chat's latest
 * response as parent). `chatRequest` is the chats/new request an earlier turn sent, for later turns.
 */
export function turnCurl(turn: ReplayTurn, token: string, chatRequest?: ExchangeRequest): string | undefined {
  if (!turn.request) return undefined;
  const created = turn.verdict.exchanges.length > 1 ? turn.verdict.exchanges[0] : undefined;
  const chat = created?.request ?? chatRequest;
  const request = created || !chat ? turn.request : asFirstTurn(turn.request);
  return curlScript(request, {
    token,
    ...(chat && turn.verdict.chatId ? { chatRequest: chat, chatId: turn.verdict.chatId } : {}),
  });
}

/** The request with every parent id it carries set to null: a first turn. */
function asFirstTurn(request: ExchangeRequest): ExchangeRequest {
  const body = parseJsonText(request.body ?? '');
  if (!isJsonObject(body)) return request;
  const overrides = ['parent_id', 'messages[0].parent_id', 'messages[0].parentId'].filter(
    (path) => valueAtPath(body, path) !== undefined,
  );
  return applyOverrides(
    request,
    overrides.map((path) => ({ location: 'body' as const, path, value: null })),
  );
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
  if (args.json && args.curl)
    throw new ProbeError('E_USAGE', '--json and --curl cannot be used together: both want stdout', {
      hint: 'the JSON result holds no request; run again with --curl for the scripts',
    });
  const target = normaliseTarget(args.target);
  const overrides = (args.set ?? []).map(parseOverride);
  const redacted = redactionChoice(args);
  if (args['keep-secrets'] && !args.out) throw new ProbeError('E_USAGE', '--keep-secrets is about the --out capture');
  if (args.out) await checkOutputPath(args.out, { flag: '--out', overwrite: args.overwrite });
  const capture = await readCaptureInput(args.capture);
  for (const note of capture.notes) io.err(`note: ${note}`);
  // Checked before signing in: a bad --entry must not cost a sign-in.
  selectEntries(capture.exchanges, {
    ...(args.entry !== undefined ? { entry: args.entry } : {}),
    ...(args.endpoint !== undefined ? { endpoint: args.endpoint } : {}),
  });
  const credentials = await resolveCredentials({
    target,
    token: args.token,
    session: args.session,
    user: await userCredential(args.user, {
      passwordFile: args['password-file'],
      prompt: true,
      warn: (line) => io.err(line),
    }),
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
      redacted,
      overwrite: args.overwrite === true,
      comment: `qwen-probe replay ${args.capture} --target ${target}`,
    });
  }
  let appended: Promise<void> = Promise.resolve();
  const live = args.json
    ? undefined
    : createStreamPrinter(terminal.write ?? ((text) => process.stdout.write(text)), { color: terminal.color === true });
  const timeoutMs = args.timeout ?? 180_000;
  /** The chats/new the last chat-creating turn sent, for the curl scripts of the turns after it. */
  let chatRequest: ExchangeRequest | undefined;
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
      onTurnStart: (n, total, exchange, entry) =>
        io.err(
          `replaying ${total > 1 ? `${n + 1}/${total}: ` : ''}${exchange.request.method} ` +
            `${new URL(exchange.request.url).pathname} (entry ${entry})`,
        ),
      onUpdate: (update) => live?.onUpdate(update),
      // Each turn's answer ends with its own status line (and its curl), before the next turn starts.
      onTurnEnd: (turn) => {
        if (turn.verdict.exchanges.length > 1) chatRequest = turn.verdict.exchanges[0]!.request;
        if (args.json) return;
        live?.end();
        io.out(statusLine(turn));
        if (args.curl) io.out(turnCurl(turn, credentials.token, chatRequest) ?? '');
      },
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
  const last = result.turns.at(-1);
  if (args.out)
    io.err(
      `recorded ${result.exchanges.length} exchange${result.exchanges.length === 1 ? '' : 's'} to ${args.out}` +
        secretsNote(redacted),
    );
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
      .option(
        'entry',
        integerOption('replay only this entry (its position in the capture, counted from 1)', undefined, {
          min: 1,
          max: 1_000_000_000,
        })('entry'),
      )
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
      .option('user', { type: 'string', describe: USER_FLAG_TEXT })
      .option('password-file', PASSWORD_FILE_OPTION)
      .option('prompt', { type: 'string', describe: 'replace the user message', coerce: nonEmpty('prompt') })
      .option('set', {
        type: 'string',
        array: true,
        describe:
          'override a field: body:model=qwen3-max, "header:x-foo=bar", query:chat_id=..., cookie:NAME=... ' +
          '(repeatable; JSON values allowed)',
      })
      .option('out', {
        type: 'string',
        describe: 'record the replay as a HAR capture (redacted unless --keep-secrets)',
      })
      .option('overwrite', OVERWRITE_OPTION)
      .option('redact', REDACT_OPTION)
      .option('keep-secrets', KEEP_SECRETS_OPTION)
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the typed result as JSON instead of streaming text',
      })
      .option('curl', {
        type: 'boolean',
        default: false,
        describe: 'after each turn, print a curl script that reproduces it (token as $QWEN_TOKEN)',
      })
      .option(
        'timeout',
        durationOption('how long one request may take in all', '180s', { plainUnit: 's', minMs: 1 })('timeout'),
      )
      .example(
        '$0 replay captures/browser.har --target http://127.0.0.1:8787 --session .qwen-probe/session.json',
        "replay the browser's chat against the simulator",
      )
      .example(
        '$0 replay captures/seed.har --target https://chat.qwen.ai --session session.json --set body:model=qwen3-max ' +
          '--curl',
        'try one change and get a curl for it',
      )
      .epilog(exitCodesText('replay')) as unknown as Argv<ReplayArgs>,
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
