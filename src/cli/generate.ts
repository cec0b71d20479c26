/**
 * `qwen-probe generate`: writes the requests a client library sends (a named shape) as a capture,
 * and with `--send` performs them against a target and records the responses, streams included.
 *
 * Exit codes: 0 when the capture was written, including when the upstream answered with a failure
 * (that failure is the finding, printed as the verdict line); 2 for bad input (unknown shape,
 * --send without --target, missing credentials); 1 when the target could not be reached (the
 * capture is still written first: a refused connection is evidence too).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ProbeError } from '../exchange/errors.js';
import type { Exchange } from '../exchange/exchange.js';
import { openCaptureWriter } from '../exchange/capture-writer.js';
import { SHAPE_NAMES, SHAPES, isShapeName, shapeFor, systemIdClock, type ShapeContext } from '../upstream/shapes.js';
import { DEFAULT_ERA, ERA_NAMES, isEraName } from '../upstream/eras.js';
import { buildShapeRequests } from '../client/build-shape-requests.js';
import { resolveCredentials, type Credentials } from '../client/credentials.js';
import { exchangeLine, verdictLine } from '../client/describe-exchange.js';
import { runShapeTurn, shapeSender } from '../client/run-shape.js';
import { describeTransportError, normaliseTarget } from '../client/target.js';
import { processIo, runCommand, type CommandIo } from './run-command.js';
import { timestampForFile } from './file-names.js';
import { checkOutputPath } from '../exchange/output-file.js';
import { explainFailure, failureName } from '../upstream/upstream-failure.js';
import { PASSWORD_FILE_OPTION, USER_FLAG_TEXT, userCredential } from './browser-account.js';
import { durationOption } from './flag-values.js';
import { KEEP_SECRETS_OPTION, OVERWRITE_OPTION, REDACT_OPTION, redactionChoice, secretsNote } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';

/** The flags of `generate`, after yargs. */
export interface GenerateArgs {
  readonly shape: string;
  /** The era whose front end `web` and `modern` follow (src/upstream/eras.ts); default qwen-2025-10. */
  readonly era?: string;
  readonly prompt?: string;
  readonly model?: string;
  readonly thinking?: boolean;
  readonly out?: string;
  readonly send?: boolean;
  readonly target?: string;
  readonly token?: string;
  readonly session?: string;
  readonly user?: string;
  readonly 'password-file'?: string;
  /** Redact secrets before writing (the default). */
  readonly redact?: boolean;
  /** Write tokens and cookies as they are (file mode 0600). */
  readonly 'keep-secrets'?: boolean;
  readonly overwrite?: boolean;
  /** Print the outcome as one JSON document. */
  readonly json?: boolean;
  /** Milliseconds one request may take in all (flags take `120s`, `2m`). */
  readonly timeout?: number;
}

const DEFAULT_TARGET = 'https://chat.qwen.ai';

/**
 * Stands in for a token when generating offline without credentials: JWT-shaped (so a diff sees the
 * same kind of value as a real token) but unsigned and obviously fake.
 */
export const PLACEHOLDER_TOKEN = [
  Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url'),
  Buffer.from('{"id":"placeholder","exp":0}').toString('base64url'),
  'placeholder',
].join('.');

/** `captures/<shape>-<UTC timestamp>.har`, named like every other command's captures. */
export function defaultCapturePath(shape: string, now = new Date()): string {
  return `captures/${shape}-${timestampForFile(now)}.har`;
}

async function credentialsFor(args: GenerateArgs, baseUrl: string, io: CommandIo): Promise<Credentials | undefined> {
  if (args.send)
    return resolveCredentials({
      target: baseUrl,
      token: args.token,
      session: args.session,
      user: await userCredential(args.user, {
        passwordFile: args['password-file'],
        prompt: true,
        warn: (line) => io.err(line),
      }),
      useEnv: true,
    });
  if (args.user || args['password-file']) {
    throw new ProbeError('E_USAGE', '--user signs in over the network, which generate does only with --send', {
      hint: 'add --send --target URL, or pass --token / --session to generate offline',
    });
  }
  if (args.token || args.session)
    return resolveCredentials({ target: baseUrl, token: args.token, session: args.session });
  return undefined;
}

/** The command body; returns the exit code, throws ProbeError for input and reachability problems. */
export async function generate(args: GenerateArgs, io: CommandIo = processIo): Promise<number> {
  if (!isShapeName(args.shape)) {
    throw new ProbeError(
      'E_USAGE',
      `unknown shape ${JSON.stringify(args.shape)}; valid shapes: ${SHAPE_NAMES.join(', ')}`,
      {
        hint: SHAPE_NAMES.map((name) => `${name}: ${SHAPES[name].summary}`).join('\n      '),
      },
    );
  }
  if (args.send && !args.target) {
    throw new ProbeError(
      'E_USAGE',
      '--send needs --target URL (https://chat.qwen.ai, or the URL `qwen-probe simulate` prints)',
    );
  }
  const era = args.era ?? DEFAULT_ERA;
  if (!isEraName(era))
    throw new ProbeError('E_USAGE', `unknown era ${JSON.stringify(era)}; valid eras: ${ERA_NAMES.join(', ')}`);
  const shape = shapeFor(args.shape, era);
  const baseUrl = normaliseTarget(args.target ?? DEFAULT_TARGET);
  const redacted = redactionChoice(args);
  const out = args.out ?? defaultCapturePath(shape.name);
  await checkOutputPath(out, { flag: '--out', overwrite: args.overwrite });
  const credentials = await credentialsFor(args, baseUrl, io);
  for (const warning of credentials?.warnings ?? []) io.err(`warning: ${warning}`);
  // With --json, stdout carries the one JSON document; the progress lines go to stderr.
  const say = args.json ? io.err : io.out;
  const ctx: ShapeContext = {
    baseUrl,
    token: credentials?.token ?? PLACEHOLDER_TOKEN,
    cookies: credentials?.cookies ?? {},
    idClock: systemIdClock,
    ...(args.model !== undefined ? { model: args.model } : {}),
    ...(args.prompt !== undefined ? { prompt: args.prompt } : {}),
    ...(args.thinking !== undefined ? { thinking: args.thinking } : {}),
  };

  await mkdir(dirname(out), { recursive: true });
  const writer = await openCaptureWriter(out, {
    source: 'library',
    redacted,
    overwrite: args.overwrite === true,
    comment: `qwen-probe generate --shape ${shape.name}${args.send ? ` --send --target ${baseUrl}` : ''}`,
  });
  let unreachable: Exchange | undefined;
  try {
    if (!args.send) {
      const exchanges = buildShapeRequests(shape, ctx);
      for (const exchange of exchanges) {
        await writer.append(exchange);
        say(exchangeLine(exchange));
      }
      if (!credentials) say('note: no credentials given; the requests carry a placeholder token');
      say(
        `wrote ${exchanges.length} request${exchanges.length === 1 ? '' : 's'} (not sent) to ${out}${secretsNote(redacted)}`,
      );
      if (args.json)
        io.out(
          JSON.stringify(
            {
              shape: shape.name,
              sent: false,
              out,
              redacted,
              exchanges: exchanges.length,
              requests: exchanges.map((e) => ({ method: e.request.method, url: e.request.url })),
            },
            null,
            2,
          ),
        );
      return 0;
    }
    const timeoutMs = args.timeout ?? 120_000;
    // Appends chain in completion order; the writer serialises them, we only keep the last promise.
    let appended: Promise<void> = Promise.resolve();
    const turn = await runShapeTurn(
      shape,
      ctx,
      {},
      {
        send: shapeSender({
          source: 'library',
          connectTimeoutMs: Math.min(timeoutMs, 30_000),
          idleTimeoutMs: Math.min(timeoutMs, 60_000),
          totalTimeoutMs: timeoutMs,
        }),
        onExchange: (exchange) => {
          appended = appended.then(() => writer.append(exchange));
          say(exchangeLine(exchange));
          if (!exchange.response && exchange.error) unreachable ??= exchange;
        },
      },
    );
    await appended;
    say(verdictLine(turn.result));
    say(
      `wrote ${turn.exchanges.length} exchange${turn.exchanges.length === 1 ? '' : 's'} to ${out}${secretsNote(redacted)}`,
    );
    if (args.json)
      io.out(
        JSON.stringify(
          {
            shape: shape.name,
            sent: true,
            target: baseUrl,
            out,
            redacted,
            ok: turn.result.ok,
            ...(turn.result.failure
              ? { failure: failureName(turn.result.failure), explanation: explainFailure(turn.result.failure) }
              : {}),
            answer: turn.result.answer,
            exchanges: turn.exchanges.map((e) => ({
              method: e.request.method,
              url: e.request.url,
              ...(e.response ? { status: e.response.status } : {}),
              ...(e.error ? { error: e.error.code } : {}),
            })),
          },
          null,
          2,
        ),
      );
  } finally {
    await writer.close();
  }
  if (unreachable) {
    const problem = describeTransportError(baseUrl, unreachable.error);
    throw new ProbeError('E_UPSTREAM_UNREACHABLE', problem.message, { hint: problem.hint });
  }
  return 0;
}

/** The yargs module: flags, help text with examples, and the handler. */
export const generateCommand: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe:
    'write the requests a client library sends (a named shape) as a capture; with --send, run them and record the ' +
    'answers',
  builder: (yargs: Argv<object>) =>
    yargs
      .option('shape', {
        type: 'string',
        demandOption: true,
        describe: `request shape to generate: ${SHAPE_NAMES.join(', ')}`,
      })
      .option('era', {
        type: 'string',
        default: DEFAULT_ERA,
        describe:
          `the era whose front end the web and modern shapes follow: ${ERA_NAMES.join(', ')} (the names of the ` +
          `simulator's profiles)`,
      })
      .option('prompt', { type: 'string', describe: 'user message of the completion (default "Hello!")' })
      .option('model', {
        type: 'string',
        describe:
          "model id; default per shape (seed-*: qwen-turbo, web and modern: the era's, qwen3-max before 2026-09)",
      })
      .option('thinking', {
        type: 'boolean',
        describe: "ask for reasoning (thinking_enabled and the shape's related fields)",
      })
      .option('out', {
        type: 'string',
        describe: 'capture file to write (HAR); default captures/<shape>-<timestamp>.har',
      })
      .option('send', {
        type: 'boolean',
        default: false,
        describe:
          'perform the requests against --target (chats/new first where the shape does) and record the responses',
      })
      .option('target', {
        type: 'string',
        describe: 'origin to send to, e.g. https://chat.qwen.ai or the simulator URL; needed with --send',
      })
      .option('token', { type: 'string', describe: 'raw JWT (localStorage "token") to authenticate with' })
      .option('session', {
        type: 'string',
        describe: 'session file saved by `qwen-probe login` (token + anti-bot cookies)',
      })
      .option('user', { type: 'string', describe: `${USER_FLAG_TEXT}; needs --send` })
      .option('password-file', PASSWORD_FILE_OPTION)
      .option('redact', REDACT_OPTION)
      .option('keep-secrets', KEEP_SECRETS_OPTION)
      .option('overwrite', OVERWRITE_OPTION)
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the outcome as JSON (progress lines go to stderr)',
      })
      .option(
        'timeout',
        durationOption('how long one request may take in all', '120s', { plainUnit: 's', minMs: 1 })('timeout'),
      )
      .example('$0 generate --shape seed-v4', "write the seed's final request offline (placeholder token)")
      .example(
        'QWEN_PROBE_PASSWORD=demo-password $0 generate --shape web --send --target http://127.0.0.1:8787 --user ' +
          'demo@qwen-probe.test',
        'run the browser shape against the simulator',
      )
      .example(
        '$0 generate --shape seed-v3 --send --target https://chat.qwen.ai --session session.json --out captures/v3.har',
        'run a seed step against the real site',
      )
      .epilog(
        'Captures are redacted (tokens, cookies, passwords) unless --keep-secrets. ' + exitCodesText('generate'),
      ) as unknown as Argv<GenerateArgs>,
  handler: (args) => runCommand(() => generate(args)),
};
