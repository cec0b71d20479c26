/**
 * `qwen-probe bisect --good CAPTURE --bad CAPTURE --target URL`: finds, by delta debugging over the
 * diff's findings, a smallest set of differences that makes the failing request work, live against
 * the target, each probe in a fresh chat with fresh ids. The work is the library's (`planCaptures`,
 * `runBisectPlan` of src/bisect/); this file reads the flags and inputs and prints the progress events.
 *
 * Exit codes: 0 culprits found and confirmed; 1 any other verdict (not found, the working request
 * fails, the failing one works, budget spent, inconclusive) or the target was unreachable; 2 bad
 * input (unreadable or unpairable captures, bad flags); 130 Ctrl-C, after writing what was learned.
 */
import type { Argv, CommandModule } from 'yargs';
import { ProbeError } from '../exchange/errors.js';
import { resolveCredentials } from '../client/credentials.js';
import { normaliseTarget } from '../client/target.js';
import { restoreRemovedCredentials } from '../client/restore-credentials.js';
import type { BisectPlan, FindingChange } from '../bisect/bisect-captures.js';
import { planCaptures } from '../bisect/bisect-captures.js';
import type { BisectResult } from '../bisect/bisect-result.js';
import { DEFAULT_BUDGET } from '../bisect/bisect-requests.js';
import { runBisectPlan, type LiveBisectProgress } from '../bisect/run-bisect-plan.js';
import { renderBisectJson } from '../report/bisect-json.js';
import { bisectProgressLine, renderBisectText } from '../report/bisect-text.js';
import { renderBisectMarkdown } from '../report/bisect-markdown.js';
import { checkEndpoint, readDiffInput } from './diff.js';
import { checkOutputPath, writeFileAtomic } from '../exchange/output-file.js';
import { PASSWORD_FILE_OPTION, USER_FLAG_TEXT, userCredential } from './browser-account.js';
import { durationOption, integerOption } from './flag-values.js';
import { OVERWRITE_OPTION } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';
import { interruptSignal, processIo, runCommand, type CommandIo } from './run-command.js';

export interface BisectArgs {
  readonly good: string;
  readonly bad: string;
  readonly target: string;
  readonly session?: string;
  readonly token?: string;
  readonly user?: string;
  readonly 'password-file'?: string;
  readonly endpoint?: string;
  readonly budget?: number;
  /** Milliseconds between probes (flags take `500ms`, `2s`). */
  readonly delay?: number;
  readonly json?: boolean;
  readonly out?: string;
  readonly overwrite?: boolean;
  /** Skip the search for required fields. */
  readonly required?: boolean;
}

/** `bisecting chat.completions: 33 differences (5 volatile values refreshed on every probe)`. */
function planLine(plan: BisectPlan): string {
  return (
    `bisecting ${plan.pair.key}: ${plan.changes.length} differences (${plan.volatile} volatile values refreshed on ` +
    `every probe)`
  );
}

/**
 * Turns a live bisect's progress events into the lines `bisect` and `investigate` print. It keeps the
 * failing request's failure, so a probe line can say when the failure moved to another kind.
 */
export function bisectProgressPrinter(print: (line: string) => void): (event: LiveBisectProgress) => void {
  let badFailure: string | undefined;
  return (event) => {
    if (event.kind === 'plan') return print(planLine(event.plan));
    if (event.kind === 'probe-end' && event.entry.purpose === 'bad') badFailure = event.entry.failure;
    const line = bisectProgressLine(event, badFailure);
    if (line !== undefined) print(line);
  };
}

/** The formats `bisect --out` writes, by extension. */
const BISECT_REPORT_EXTENSIONS = /\.(json|md|markdown|txt)$/i;

/** The report text for `--out FILE`, by its extension (checked by `checkBisectOut`). */
function reportFor(file: string, result: BisectResult<FindingChange>, endpoint: string | undefined): string {
  if (/\.json$/i.test(file)) return renderBisectJson(result, { ...(endpoint !== undefined ? { endpoint } : {}) });
  if (/\.(md|markdown)$/i.test(file)) return renderBisectMarkdown(result);
  return renderBisectText(result);
}

/** `--out x.html` would get text under an HTML name: refuse any extension it cannot honour. */
function checkBisectOut(file: string): void {
  if (!BISECT_REPORT_EXTENSIONS.test(file))
    throw new ProbeError('E_USAGE', `--out ${file}: bisect writes .json, .md or .txt reports`, {
      hint: 'for an HTML page of the whole story, run `qwen-probe investigate`',
    });
}

/** The command body; returns the exit code. `signal` is Ctrl-C. */
export async function bisect(args: BisectArgs, io: CommandIo = processIo, signal?: AbortSignal): Promise<number> {
  const target = normaliseTarget(args.target);
  if (args.budget !== undefined && (!Number.isInteger(args.budget) || args.budget < 3))
    throw new ProbeError(
      'E_USAGE',
      '--budget must be a whole number of at least 3 (the two baselines and one search probe)',
    );
  if (args.delay !== undefined && (!Number.isFinite(args.delay) || args.delay < 0))
    throw new ProbeError('E_USAGE', '--delay takes a duration, 0ms or more');
  // Every output is checked before the first probe: a live bisect is not to be lost to a typo.
  if (args.out) {
    checkBisectOut(args.out);
    await checkOutputPath(args.out, { flag: '--out', overwrite: args.overwrite });
  }
  const read = { good: await readDiffInput(args.good, 'GOOD', io), bad: await readDiffInput(args.bad, 'BAD', io) };
  if (args.endpoint !== undefined) checkEndpoint(args.endpoint, [...read.good, ...read.bad]);
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
  const good = restoreRemovedCredentials(read.good, credentials.token);
  const bad = restoreRemovedCredentials(read.bad, credentials.token);
  const { plan } = planCaptures(good, bad, { endpoint: args.endpoint });
  const result = await runBisectPlan(plan, [...good, ...bad], {
    target,
    credentials,
    budget: args.budget ?? DEFAULT_BUDGET,
    delayMs: args.delay ?? 0,
    required: args.required !== false,
    signal,
    onProgress: bisectProgressPrinter((line) => io.err(line)),
  });
  let lostOut: unknown;
  if (args.out) {
    try {
      await writeFileAtomic(args.out, reportFor(args.out, result, plan.endpoint), { overwrite: args.overwrite });
      io.err(`wrote ${args.out}`);
    } catch (error) {
      lostOut = error;
    }
  }
  io.out(
    (args.json
      ? renderBisectJson(result, { ...(plan.endpoint !== undefined ? { endpoint: plan.endpoint } : {}) })
      : renderBisectText(result)
    ).replace(/\n$/, ''),
  );
  if (lostOut !== undefined) {
    // The result is above, on stdout: the work is not lost, only the file.
    const reason = lostOut instanceof Error ? lostOut.message : String(lostOut);
    throw new ProbeError('E_INPUT', `${reason}; the result is printed above instead`, { cause: lostOut });
  }
  if (signal?.aborted)
    throw new ProbeError(
      'E_INTERRUPTED',
      `interrupted after ${result.probes} probes; what was learned is above${args.out ? ` and in ${args.out}` : ''}`,
    );
  return result.verdict === 'found' ? 0 : 1;
}

export const bisectCommand: CommandModule<object, BisectArgs> = {
  command: 'bisect',
  describe: 'find the smallest set of differences that makes the failing request work (delta debugging, live)',
  builder: (yargs: Argv<object>) =>
    yargs
      .option('good', {
        type: 'string',
        demandOption: true,
        describe: 'capture of the working requests (HAR, JSON request, or curl)',
      })
      .option('bad', {
        type: 'string',
        demandOption: true,
        describe: 'capture of the failing requests, in any of the same forms',
      })
      .option('target', {
        type: 'string',
        demandOption: true,
        describe: 'origin to probe: https://chat.qwen.ai or the simulator URL',
      })
      .option('session', { type: 'string', describe: 'session file saved by `qwen-probe login`' })
      .option('token', { type: 'string', describe: 'raw JWT to authenticate with' })
      .option('user', { type: 'string', describe: USER_FLAG_TEXT })
      .option('password-file', PASSWORD_FILE_OPTION)
      .option('endpoint', {
        type: 'string',
        describe: 'bisect the pair of this endpoint (default: the pair whose failing side failed)',
      })
      .option(
        'budget',
        integerOption('most probes to send, retries included', DEFAULT_BUDGET, { min: 3, max: 100_000 })('budget'),
      )
      .option(
        'delay',
        durationOption('pause between probes: be gentle with a live service', '0ms', { plainUnit: 'ms' })('delay'),
      )
      .option('required', {
        type: 'boolean',
        default: true,
        describe: 'also find which fields of the working request the server needs (--no-required to skip)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON (bisect.json format)' })
      .option('out', { type: 'string', describe: 'also write the result to this file (.json, .md or .txt)' })
      .option('overwrite', OVERWRITE_OPTION)
      .example(
        '$0 bisect --good captures/browser.har --bad captures/seed-v4.har --target http://127.0.0.1:8787 --session ' +
          '.qwen-probe/session.json',
        'find what the seed request gets wrong, against the simulator',
      )
      .example(
        '$0 bisect --good b.har --bad l.har --target https://chat.qwen.ai --session session.json --delay 2s ' +
          '--budget 40',
        'gently, against the real site',
      )
      .epilog(exitCodesText('bisect')) as unknown as Argv<BisectArgs>,
  handler: (args) =>
    runCommand(async () => {
      const stop = interruptSignal(
        'stopping: the probe in flight is abandoned and what was learned is written (Ctrl-C again to quit at once)',
      );
      try {
        return await bisect(args, processIo, stop.signal);
      } finally {
        stop.dispose();
      }
    }),
};
