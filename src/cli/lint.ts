/**
 * `qwen-probe lint CAPTURE --against DIR|BROWSER-CAPTURE`: checks every API request of a client's
 * capture against the protocol learnt from the browser (a folder written by `learn`, a protocol.json,
 * or a browser capture learnt on the fly), offline: nothing is sent, no account is needed.
 *
 * Exit codes: 0 every request looks like the browser's; 1 something differs; 2 trouble of any kind
 * (unreadable capture, no API requests, an --against that is neither a protocol nor a capture, bad
 * flags, an --out that cannot be written), as `diff` does: 1 means "something differs" and nothing else.
 */
import { open, stat } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { ProbeError, isProbeError } from '../exchange/errors.js';
import { checkOutputPath, writeFileAtomic } from '../exchange/output-file.js';
import { streamCaptureInput } from '../client/read-capture-input.js';
import {
  PROTOCOL_FILES,
  ProtocolLearner,
  readProtocolDir,
  readProtocolFile,
  type LearntProtocol,
} from '../learn/index.js';
import { CaptureLinter, LINT_FORMATS, renderLint, type LintFormat } from '../lint/index.js';
import { reportFormatFor } from '../report/render-diff.js';
import { processIo, runCommand, type CommandIo } from './run-command.js';
import { diffExitCode } from './diff.js';
import { OVERWRITE_OPTION } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';

/** The flags of `lint`, after yargs. */
export interface LintArgs {
  readonly capture: string;
  readonly against?: string;
  readonly format?: string;
  readonly out?: string;
  readonly overwrite?: boolean;
}

const HAR_START = /^\uFEFF?\s*\{\s*"log"\s*:/;

async function head(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** A capture learnt on the fly. */
async function learnFrom(path: string, io: CommandIo): Promise<LearntProtocol> {
  const learner = new ProtocolLearner();
  learner.addCapture(path);
  const stream = streamCaptureInput(path);
  for await (const exchange of stream) learner.add(exchange);
  for (const problem of stream.meta.problems) io.err(`note: ${path}: ${problem}`);
  const protocol = learner.result();
  if (protocol.learntFrom.exchanges === 0)
    throw new ProbeError('E_INPUT', `--against ${path} holds no API exchanges to learn the protocol from`);
  return protocol;
}

/** The protocol to lint against: a folder written by learn, a protocol.json, or a capture to learn from. */
export async function loadAgainst(path: string, io: CommandIo): Promise<LearntProtocol> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProbeError('E_INPUT', `--against ${path}: ${code === 'ENOENT' ? 'no such file or folder' : code}`, {
      cause: error,
    });
  }
  if (isDirectory) {
    const protocol = await readProtocolDir(path);
    if (!protocol)
      throw new ProbeError('E_INPUT', `--against ${path} holds no ${PROTOCOL_FILES.json}`, {
        hint: `make one with: qwen-probe learn BROWSER-CAPTURE --out ${path}`,
      });
    return protocol;
  }
  const text = await head(path);
  if (HAR_START.test(text)) return learnFrom(path, io);
  if (/"schemaVersion"/.test(text) || path.endsWith('.json')) return readProtocolFile(path);
  return learnFrom(path, io);
}

function chooseFormat(args: LintArgs): LintFormat {
  if (args.format !== undefined) {
    if (!(LINT_FORMATS as readonly string[]).includes(args.format))
      throw new ProbeError('E_USAGE', `--format ${args.format}: use one of ${LINT_FORMATS.join(', ')}`);
    return args.format as LintFormat;
  }
  if (args.out === undefined) return 'text';
  // `--out x.html` would get text under an HTML name: an extension it cannot honour is refused.
  const byName = reportFormatFor(args.out);
  if (byName === undefined || byName === 'html')
    throw new ProbeError('E_USAGE', `--out ${args.out}: lint writes .txt, .md or .json reports`, {
      hint: 'or pass --format text|md|json',
    });
  return byName;
}

/** The command body; returns the exit code. */
export async function lint(args: LintArgs, io: CommandIo = processIo): Promise<number> {
  if (args.against === undefined || args.against === '')
    throw new ProbeError('E_USAGE', 'lint needs --against DIR (from qwen-probe learn) or a browser capture');
  const format = chooseFormat(args);
  if (args.out !== undefined) await checkOutputPath(args.out, { flag: '--out', overwrite: args.overwrite });
  const protocol = await loadAgainst(args.against, io);
  const linter = new CaptureLinter(protocol);
  const stream = streamCaptureInput(args.capture);
  try {
    for await (const exchange of stream) linter.add(exchange);
  } catch (error) {
    throw isProbeError(error) ? error : new ProbeError('E_INPUT', `${args.capture}: ${(error as Error).message}`);
  }
  for (const problem of stream.meta.problems) io.err(`note: ${args.capture}: ${problem}`);
  const result = linter.result();
  if (result.requests === 0) throw new ProbeError('E_INPUT', `${args.capture} holds no API requests: nothing to check`);
  const text = renderLint(result, format, { width: Math.min(100, Math.max(60, process.stdout.columns ?? 100)) });
  if (args.out !== undefined) {
    await writeFileAtomic(args.out, text, { overwrite: args.overwrite });
    io.out(`wrote ${args.out} (${format}): ${result.explanation}`);
  } else io.out(text.replace(/\n$/, ''));
  return result.verdict === 'clean' ? 0 : 1;
}

/** The yargs module: arguments, flags, examples and the handler. */
export const lintCommand: CommandModule<object, LintArgs> = {
  command: 'lint <capture>',
  describe:
    "check a client's capture offline against the protocol learnt from the browser: unknown and missing fields, " +
    'wrong kinds, enums, headers, the auth form',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('capture', { type: 'string', demandOption: true, describe: "the client's capture (HAR)" })
      .option('against', {
        type: 'string',
        demandOption: true,
        describe: 'a folder written by learn (or its protocol.json), or a browser capture to learn from on the fly',
      })
      .option('format', {
        type: 'string',
        choices: [...LINT_FORMATS],
        describe: 'report format; default text, or from the --out extension (.md, .json)',
      })
      .option('out', { type: 'string', describe: 'write the report to this file (.txt, .md, .json) instead of stdout' })
      .option('overwrite', OVERWRITE_OPTION)
      .example('$0 lint captures/library.har --against qwen-protocol', 'check a client against a learnt protocol')
      .example(
        '$0 lint captures/library.har --against captures/browser.har --format md --out lint.md',
        'learn from a browser capture on the fly; a markdown summary for CI',
      )
      .epilog(`Nothing is sent anywhere. ${exitCodesText('lint')}`) as unknown as Argv<LintArgs>,
  // Exit 2 for every kind of trouble, as diff does: 1 means "something differs" and nothing else.
  handler: (args) => runCommand(() => diffExitCode(() => lint(args))),
};
