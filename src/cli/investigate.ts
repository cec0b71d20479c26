/**
 * `qwen-probe investigate`: the main job, end to end. Log in with the browser, capture a chat,
 * generate (or load) the library's requests and record their failure, diff, bisect, replay the
 * repaired request, and write the story to reports/investigation-<time>/. Without --target it starts
 * the bundled simulator (profile qwen-2025-10) and uses its demo account: nothing to configure.
 * The work is `investigate` of src/workflow/; this file parses the flags and prints its events.
 *
 * Exit codes: 0 culprits found and the repaired request works; 1 not solved (each step says why);
 * 2 bad input; 130 Ctrl-C (the report holds what was learned).
 */
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ProbeError } from '../exchange/errors.js';
import { DEFAULT_BUDGET } from '../bisect/bisect-requests.js';
import { toBisectJson } from '../report/bisect-json.js';
import { culpritLine } from '../report/bisect-text.js';
import type { InvestigationStep } from '../report/investigation-model.js';
import { SHAPE_NAMES, isShapeName } from '../upstream/shapes.js';
import type { InvestigationListener } from '../workflow/investigation-event.js';
import { investigate as runInvestigation } from '../workflow/investigate.js';
import type { LibrarySource } from '../workflow/library-requests.js';
import { bisectProgressPrinter } from './bisect.js';
import { PASSWORD_FILE_OPTION, USER_FLAG_TEXT, resolveAccount } from './browser-account.js';
import { checkOutputPath } from '../exchange/output-file.js';
import { durationOption, integerOption, nonEmpty } from './flag-values.js';
import { OVERWRITE_OPTION } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';
import { timestampForFile } from './file-names.js';
import { interruptSignal, processIo, runCommand, type CommandIo } from './run-command.js';

/** The flags of `investigate`, after yargs. */
export interface InvestigateArgs {
  readonly target?: string;
  readonly user?: string;
  readonly 'password-file'?: string;
  readonly session?: string;
  readonly headed?: boolean;
  readonly shape?: string;
  readonly 'library-capture'?: string;
  readonly prompt?: string;
  readonly out?: string;
  readonly overwrite?: boolean;
  readonly budget?: number;
  /** Milliseconds between bisect probes (flags take `2s`). */
  readonly delay?: number;
  readonly json?: boolean;
}

/** `[3] capture a chat in the browser: answered in 1.2 s, 4 exchanges recorded (3.4 s)`. */
function stepLine(n: number, step: InvestigationStep): string {
  return (
    `[${n}] ${step.name}: ` +
    `${step.status === 'done' ? '' : `${step.status}: `}${step.detail}` +
    `${step.ms > 0 ? ` (${(step.ms / 1000).toFixed(1)} s)` : ''}`
  );
}

/**
 * Prints an investigation's events: a numbered line per finished step (on stderr with `--json`, so
 * that stdout holds the JSON alone), and on stderr each step's start, the login's status and the
 * bisect's probes, indented under their step.
 */
function investigationPrinter(io: CommandIo, stepsToStderr: boolean): InvestigationListener {
  let steps = 0;
  const bisectLine = bisectProgressPrinter((line) => io.err(`    ${line}`));
  return (event) => {
    switch (event.kind) {
      case 'step-start':
        return io.err(`… ${event.name}`);
      case 'step-end': {
        const line = stepLine(++steps, event.step);
        return stepsToStderr ? io.err(line) : io.out(line);
      }
      case 'note':
        return io.err(`    ${event.line}`);
      case 'bisect':
        return bisectLine(event.progress);
    }
  };
}

/** The command body; returns the exit code. */
export async function investigate(
  args: InvestigateArgs,
  io: CommandIo = processIo,
  signal?: AbortSignal,
): Promise<number> {
  const shapeName = args.shape ?? 'seed-v4';
  if (args['library-capture'] === undefined && !isShapeName(shapeName))
    throw new ProbeError(
      'E_USAGE',
      `unknown shape ${JSON.stringify(shapeName)}; valid shapes: ${SHAPE_NAMES.join(', ')}`,
    );
  if ([args.user, args.session, args.headed ? 'headed' : undefined].filter(Boolean).length > 1)
    throw new ProbeError('E_USAGE', 'give only one of --user, --session and --headed');
  if (args.target === undefined && (args.session || args.headed))
    throw new ProbeError(
      'E_USAGE',
      '--session and --headed need --target; without it the bundled simulator and its demo account are used',
    );
  const library: LibrarySource =
    args['library-capture'] !== undefined
      ? { kind: 'capture', path: args['library-capture'] }
      : { kind: 'shape', shape: isShapeName(shapeName) ? shapeName : 'seed-v4' };
  const dir = args.out ?? join('reports', `investigation-${timestampForFile(new Date())}`);
  // Checked now; the workflow creates the folder with its first file, so a usage error or an
  // unreachable target leaves no empty folder behind.
  await checkOutputPath(dir, { flag: '--out', overwrite: args.overwrite, kind: 'folder' });
  // A password asked for in --user is a usage question: answered (or refused) before anything starts.
  const given =
    args.user !== undefined || args['password-file'] !== undefined
      ? await resolveAccount(args.user, {
          prompt: true,
          passwordFile: args['password-file'],
          warn: (line) => io.err(line),
        })
      : undefined;
  const { report, bisect } = await runInvestigation({
    target: args.target,
    // Otherwise read when the login step runs (QWEN_PROBE_EMAIL/PASSWORD), so that a missing account fails that step.
    account: given ?? (() => resolveAccount(undefined, { prompt: false })),
    session: args.session,
    headed: args.headed === true,
    library,
    prompt: args.prompt,
    out: dir,
    budget: args.budget ?? DEFAULT_BUDGET,
    delayMs: args.delay ?? 0,
    signal,
    onEvent: investigationPrinter(io, args.json === true),
  });
  const bisectJson = toBisectJson(bisect);
  if (args.json) {
    io.out(
      JSON.stringify(
        {
          solved: report.solved,
          summary: report.summary,
          verdict: bisectJson.verdict,
          culprits: bisectJson.culprits,
          transitions: bisectJson.transitions,
          probes: bisectJson.probes,
          repaired: report.repaired?.outcome,
          report: join(dir, 'report.html'),
          steps: report.steps,
        },
        null,
        2,
      ),
    );
  } else {
    io.out('');
    io.out(report.summary);
    for (const c of bisect.culprits) io.out(`  ${culpritLine(c)}`);
    if (report.repaired?.outcome === 'works') io.out(`answer: ${JSON.stringify(report.repaired.answer.slice(0, 100))}`);
    io.out(`report: ${join(dir, 'report.html')} (also report.md, diff.json, bisect.json and the captures)`);
  }
  if (signal?.aborted) throw new ProbeError('E_INTERRUPTED', `interrupted; what was learned is in ${dir}`);
  return report.solved ? 0 : 1;
}

export const investigateCommand: CommandModule<object, InvestigateArgs> = {
  command: 'investigate',
  describe:
    "the whole investigation: browser capture, the library's failing request, diff, bisect, repaired replay, report",
  builder: (yargs: Argv<object>) =>
    yargs
      .option('target', {
        type: 'string',
        describe:
          'site to investigate; default: start the bundled simulator (profile qwen-2025-10) with its demo account',
      })
      .option('user', { type: 'string', describe: `${USER_FLAG_TEXT}; for the browser login` })
      .option('password-file', PASSWORD_FILE_OPTION)
      .option('session', { type: 'string', describe: 'session file saved by `qwen-probe login`' })
      .option('headed', { type: 'boolean', default: false, describe: 'show the browser and log in by hand' })
      .option('shape', {
        type: 'string',
        describe: `the library's request shape (default seed-v4): ${SHAPE_NAMES.join(', ')}`,
      })
      .option('library-capture', {
        type: 'string',
        describe: "a capture of the library's failing requests, instead of --shape",
      })
      .option('prompt', { type: 'string', describe: 'the user message (default "Hello!")', coerce: nonEmpty('prompt') })
      .option('out', { type: 'string', describe: 'report folder (default reports/investigation-<time>/)' })
      .option('overwrite', { ...OVERWRITE_OPTION, describe: 'write into --out even when it already holds files' })
      .option('budget', integerOption('most bisect probes', DEFAULT_BUDGET, { min: 3, max: 100_000 })('budget'))
      .option(
        'delay',
        durationOption('pause between bisect probes (be gentle with a live service)', '0ms', { plainUnit: 'ms' })(
          'delay',
        ),
      )
      .option('json', { type: 'boolean', default: false, describe: 'print the outcome as JSON' })
      .example('$0 investigate', 'the whole story against the bundled simulator: nothing to configure')
      .example(
        '$0 investigate --target https://chat.qwen.ai --session session.json --shape seed-v3 --delay 2s',
        'against the real site, gently',
      )
      .epilog(exitCodesText('investigate')) as unknown as Argv<InvestigateArgs>,
  handler: (args) =>
    runCommand(async () => {
      const stop = interruptSignal('stopping: writing the report with what was learned (Ctrl-C again to quit at once)');
      try {
        return await investigate(args, processIo, stop.signal);
      } finally {
        stop.dispose();
      }
    }),
};
