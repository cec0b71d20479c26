/**
 * `qwen-probe watch --target URL (--session FILE | --user EMAIL:PASSWORD) [--every 15m] [--once]
 * [--baseline DIR] [--webhook URL] [--out reports/watch/]`: see the day the site changes. Each round
 * reads the front end's version constants, the model list, a canary completion per transport and
 * (unless --no-browser) one browser chat with the page self-check, learnt and compared with the
 * baseline; OUT/rounds.jsonl, dated drift reports, OUT/index.html, a webhook on drift.
 *
 * Exit codes: --once 0 no change, 3 drift, 1 target unreachable; 2 bad input; 130 Ctrl-C. Without
 * --once the watch runs until Ctrl-C and exits 0.
 */
import { exitCodesText } from './exit-codes.js';
import type { Argv, CommandModule } from 'yargs';
import { resolveCredentials } from '../client/credentials.js';
import { normaliseTarget } from '../client/target.js';
import { ProbeError } from '../exchange/errors.js';
import { roundSummary } from '../report/index.js';
import { DEFAULT_ERA, ERA_NAMES, isEraName } from '../upstream/eras.js';
import { runWatchRound, watchLoop, type WatchAuth, type WatchRoundOptions } from '../workflow/index.js';
import { PASSWORD_FILE_OPTION, resolveAccount, USER_FLAG_TEXT } from './browser-account.js';
import { interruptSignal, processIo, runCommand, type CommandIo } from './run-command.js';

/** The exit code of a round that saw drift. */
export const DRIFT_EXIT = 3;

export interface WatchArgs {
  readonly target?: string;
  readonly session?: string;
  readonly user?: string;
  readonly 'password-file'?: string;
  readonly era?: string;
  readonly every?: string;
  readonly once?: boolean;
  readonly baseline?: string;
  readonly webhook?: string;
  readonly out?: string;
  readonly browser?: boolean;
  readonly headed?: boolean;
  readonly timeout?: string;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration with its unit (`30s`, `15m`, `1h`), as the CLI's duration flags take them; a plain
 * number is refused, since a watch interval in ms or in s would be wrong by a thousand either way.
 */
export function parseWatchDuration(flag: string, text: string, range: { minMs: number; maxMs: number }): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/i.exec(text.trim());
  if (!m)
    throw new ProbeError(
      'E_USAGE',
      `--${flag} ${JSON.stringify(text)}: give a duration with a unit, e.g. 30s, 15m, 1h`,
    );
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!);
  if (ms < range.minMs || ms > range.maxMs)
    throw new ProbeError(
      'E_USAGE',
      `--${flag} ${text}: must be from ${range.minMs / 1000} s to ${range.maxMs / 3_600_000} h`,
    );
  return ms;
}

function checkUrl(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProbeError('E_USAGE', `--${flag} ${JSON.stringify(value)} is not a URL (http://… or https://…)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProbeError('E_USAGE', `--${flag} must be an http:// or https:// URL`);
  return value;
}

/** The round options from the flags; every check happens here, before anything is sent. */
export async function watchOptions(args: WatchArgs, io: CommandIo): Promise<WatchRoundOptions & { everyMs: number }> {
  if (!args.target) throw new ProbeError('E_USAGE', 'watch needs --target URL (https://chat.qwen.ai or a simulator)');
  const target = normaliseTarget(checkUrl('target', args.target));
  if (args.session && args.user) throw new ProbeError('E_USAGE', 'give only one of --session and --user');
  const era = args.era ?? DEFAULT_ERA;
  if (!isEraName(era)) throw new ProbeError('E_USAGE', `unknown --era "${era}": one of ${ERA_NAMES.join(', ')}`);
  const everyMs = parseWatchDuration('every', args.every ?? '15m', { minMs: 1000, maxMs: 7 * 24 * 3_600_000 });
  const timeoutMs = parseWatchDuration('timeout', args.timeout ?? '60s', { minMs: 1000, maxMs: 3_600_000 });
  if (args.webhook !== undefined) checkUrl('webhook', args.webhook);
  if (args.out === '') throw new ProbeError('E_USAGE', '--out must name a folder');
  const account = args.session
    ? undefined
    : await resolveAccount(args.user, {
        prompt: false,
        passwordFile: args['password-file'],
        warn: (line) => io.err(line),
      });
  if (!args.session && !account)
    throw new ProbeError(
      'E_USAGE',
      'watch needs --session FILE or --user EMAIL (password from QWEN_PROBE_PASSWORD or --password-file)',
      {
        hint: 'or set QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD',
      },
    );
  let auth: WatchAuth | undefined;
  const credentials = async (): Promise<WatchAuth> => {
    if (auth) return auth;
    const resolved = await resolveCredentials({
      target,
      ...(args.session ? { session: args.session } : { user: `${account!.email}:${account!.password}` }),
    });
    for (const warning of resolved.warnings) io.err(`warning: ${warning}`);
    auth = { token: resolved.token, cookies: resolved.cookies };
    return auth;
  };
  return {
    target,
    era,
    out: args.out ?? 'reports/watch',
    auth: credentials,
    browser:
      args.browser === false
        ? false
        : {
            ...(args.session ? { session: args.session } : {}),
            ...(account ? { account } : {}),
            headed: args.headed === true,
          },
    baseline: args.baseline,
    webhook: args.webhook,
    timeoutMs,
    everyMs,
    onLine: (line) => io.out(`  ${line}`),
  };
}

/** The command body; returns the exit code. */
export async function watch(args: WatchArgs, io: CommandIo = processIo): Promise<number> {
  const options = await watchOptions(args, io);
  if (args.once) {
    const record = await runWatchRound(options);
    io.out(`round ${record.round}: ${record.drift ? 'DRIFT' : 'no change'}; ${roundSummary(record)}`);
    if (!record.reachable) return 1;
    return record.drift ? DRIFT_EXIT : 0;
  }
  const stop = interruptSignal('stopping after this round (Ctrl-C again to quit now)');
  try {
    io.out(`watching ${options.target} every ${args.every ?? '15m'}; records in ${options.out}; Ctrl-C stops`);
    const done = await watchLoop({
      ...options,
      signal: stop.signal,
      onRound: (record) =>
        io.out(
          `round ${record.round} ${record.startedAt}: ${record.drift ? 'DRIFT' : 'no change'}; ${roundSummary(record)}`,
        ),
    });
    io.out(`watch stopped after ${done.rounds} round${done.rounds === 1 ? '' : 's'}, ${done.drifts} with drift`);
    return 0;
  } finally {
    stop.dispose();
  }
}

export const watchCommand: CommandModule<object, WatchArgs> = {
  command: 'watch',
  describe:
    "watch the target for protocol drift: version constants, models, a canary completion, the browser's protocol",
  builder: (yargs: Argv<object>) =>
    yargs
      .option('target', { type: 'string', describe: 'the site, e.g. https://chat.qwen.ai or the simulator URL' })
      .option('session', { type: 'string', describe: 'a session file saved by `login`' })
      .option('user', { type: 'string', describe: USER_FLAG_TEXT })
      .option('password-file', PASSWORD_FILE_OPTION)
      .option('era', {
        type: 'string',
        default: DEFAULT_ERA,
        describe: `the era whose working shape the canary sends: ${ERA_NAMES.join(', ')}`,
      })
      .option('every', { type: 'string', default: '15m', describe: 'time between rounds, with a unit: 30s, 15m, 1h' })
      .option('once', {
        type: 'boolean',
        default: false,
        describe: 'run one round; exit 0 no change, 3 drift, 1 unreachable',
      })
      .option('baseline', {
        type: 'string',
        describe: 'a protocol folder from `learn` to compare with; default OUT/baseline, learnt by the first round',
      })
      .option('webhook', { type: 'string', describe: 'POST a JSON summary of each drift to this URL' })
      .option('out', { type: 'string', default: 'reports/watch', describe: 'rounds.jsonl, index.html, drift reports' })
      .option('browser', {
        type: 'boolean',
        default: true,
        describe: 'capture one browser chat per round, with the page self-check (--no-browser skips both)',
      })
      .option('headed', { type: 'boolean', default: false, describe: 'show the browser' })
      .option('timeout', { type: 'string', default: '60s', describe: 'longest wait of each step, with a unit' })
      .example('$0 watch --target https://chat.qwen.ai --session .qwen-probe/session.json', 'a round every 15 minutes')
      .example(
        'QWEN_PROBE_PASSWORD=demo-password $0 watch --target http://127.0.0.1:8787 --user demo@qwen-probe.test --once --no-browser',
        'one quick round against the simulator (exit 3 on drift)',
      )
      .epilog(exitCodesText('watch')) as unknown as Argv<WatchArgs>,
  handler: (args) => runCommand(() => watch(args)),
};
