/**
 * `qwen-probe diff GOOD BAD`: compares the browser's working requests with a library's failing ones,
 * field by field, ranked and explained. GOOD and BAD are HAR captures, JSON request files
 * (`{method,url,headers,body}`), curl command lines in a file, a curl command given inline, or `-`
 * for stdin.
 *
 * Exit codes: 0 the requests match modulo volatile values; 1 they differ (or nothing could be
 * paired); 2 bad input (unreadable file, invalid JSON or HAR, empty capture, bad flags).
 */
import type { Argv, CommandModule } from 'yargs';
import { ProbeError } from '../exchange/errors.js';
import type { Exchange } from '../exchange/exchange.js';
import { diffCaptures } from '../diff/diff-captures.js';
import { parseCaptureInput, readCaptureInput } from '../client/read-capture-input.js';
import { REPORT_FORMATS, renderDiff, reportFormatFor, type ReportFormat } from '../report/render-diff.js';
import { processIo, reportError, runCommand, type CommandIo } from './run-command.js';
import { checkOutputPath, writeFileAtomic } from '../exchange/output-file.js';
import { pairKey } from '../diff/pair-exchanges.js';
import { STDIN_ARGUMENT, stdinMarker } from './flag-values.js';
import { OVERWRITE_OPTION } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';

/** The flags of `diff`, after yargs. */
export interface DiffArgs {
  readonly good: string;
  readonly bad: string;
  readonly endpoint?: string;
  readonly format?: string;
  readonly out?: string;
  /** One pattern, or several from a repeated flag. */
  readonly ignore?: string | readonly string[];
  readonly showVolatile?: boolean;
  readonly overwrite?: boolean;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/**
 * Reads GOOD or BAD: inline curl, `-` (stdin), or a capture file in any format `readCaptureInput`
 * reads (HAR of any tool, zip, mitmproxy flows, DevTools snippets, JSON requests).
 */
export async function readDiffInput(arg: string, label: string, io: CommandIo): Promise<Exchange[]> {
  const input = /^\s*curl\s/.test(arg)
    ? await parseCaptureInput(Buffer.from(arg), label)
    : arg === stdinMarker || arg === STDIN_ARGUMENT
      ? await parseCaptureInput(await readStdin(), label)
      : await readCaptureInput(arg, `${label} (${arg})`);
  for (const note of input.notes) io.err(`note: ${note}`);
  if (input.exchanges.length === 0) throw new ProbeError('E_INPUT', `${label} holds no exchanges: nothing to compare`);
  return input.exchanges;
}

function chooseFormat(args: DiffArgs): ReportFormat {
  if (args.format !== undefined) {
    if (!(REPORT_FORMATS as readonly string[]).includes(args.format))
      throw new ProbeError('E_USAGE', `--format ${args.format}: use one of ${REPORT_FORMATS.join(', ')}`);
    return args.format as ReportFormat;
  }
  if (args.out !== undefined) {
    const format = reportFormatFor(args.out);
    if (!format)
      throw new ProbeError(
        'E_USAGE',
        `--out ${args.out}: cannot tell the format from the extension; use .txt, .md, .json or .html, or pass --format`,
      );
    return format;
  }
  return 'text';
}

/** The command body; returns the exit code. */
export async function diff(
  args: DiffArgs,
  io: CommandIo = processIo,
  env: NodeJS.ProcessEnv = process.env,
  isTty = Boolean(process.stdout.isTTY),
): Promise<number> {
  const format = chooseFormat(args);
  if ([args.good, args.bad].every((arg) => arg === stdinMarker || arg === STDIN_ARGUMENT))
    throw new ProbeError('E_USAGE', 'only one of GOOD and BAD can be - (standard input)');
  if (args.out !== undefined) await checkOutputPath(args.out, { flag: '--out', overwrite: args.overwrite });
  const good = await readDiffInput(args.good, 'GOOD', io);
  const bad = await readDiffInput(args.bad, 'BAD', io);
  if (args.endpoint !== undefined) checkEndpoint(args.endpoint, [...good, ...bad]);
  const ignore = args.ignore === undefined ? [] : typeof args.ignore === 'string' ? [args.ignore] : [...args.ignore];
  const result = diffCaptures(good, bad, { endpoint: args.endpoint, ignore });
  const color = format === 'text' && args.out === undefined && isTty && !env.NO_COLOR;
  const width = Math.min(100, Math.max(60, process.stdout.columns ?? 100));
  const text = renderDiff(result, format, { color, showVolatile: args.showVolatile, width: isTty ? width : 100 });
  if (args.out !== undefined) {
    await writeFileAtomic(args.out, text, { overwrite: args.overwrite });
    io.out(`wrote ${args.out} (${format}): ${result.explanation}`);
  } else io.out(text.replace(/\n$/, ''));
  return result.verdict === 'match' ? 0 : 1;
}

/** `--endpoint` must name an endpoint one of the inputs has: a typo would otherwise read as "nothing to compare". */
export function checkEndpoint(endpoint: string, exchanges: readonly Exchange[]): void {
  const known = new Set(exchanges.map(pairKey));
  if (!known.has(endpoint))
    throw new ProbeError('E_USAGE', `--endpoint ${endpoint}: neither input has it`, {
      hint: `they hold: ${[...known].join(', ')}`,
    });
}

/**
 * Exit code 2 for every kind of trouble, as diff(1) does: 1 means "they differ" and nothing else, so
 * an unwritable --out or a bug must not read as a difference.
 */
export async function diffExitCode(run: () => Promise<number>, io: CommandIo = processIo): Promise<number> {
  try {
    return await run();
  } catch (error) {
    reportError(error, io);
    return 2;
  }
}

/** The yargs module: arguments, flags, examples and the handler. */
export const diffCommand: CommandModule<object, DiffArgs> = {
  command: 'diff <good> <bad>',
  describe:
    'compare working (GOOD) with failing (BAD) requests field by field, ranked by how likely each difference breaks ' +
    'the request',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('good', {
        type: 'string',
        demandOption: true,
        describe: 'working requests: HAR capture, JSON request file, curl command (file or inline), or - for stdin',
      })
      .positional('bad', { type: 'string', demandOption: true, describe: 'failing requests, in any of the same forms' })
      .option('endpoint', {
        type: 'string',
        describe: 'compare only this endpoint (chat.completions, chats.new, models, ...)',
      })
      .option('format', {
        type: 'string',
        choices: [...REPORT_FORMATS],
        describe: 'report format; default text, or from the --out extension',
      })
      .option('out', {
        type: 'string',
        describe: 'write the report to this file (.txt, .md, .json, .html) instead of stdout',
      })
      // Not `array: true`: an array flag would swallow the GOOD and BAD paths that follow it.
      .option('ignore', {
        type: 'string',
        describe:
          'a field to leave out, e.g. "body messages[*].content", "header:x-foo", header-order; repeat the flag for ' +
          'more',
      })
      .option('overwrite', OVERWRITE_OPTION)
      .option('show-volatile', {
        type: 'boolean',
        default: false,
        describe: 'list volatile values (fresh ids, timestamps, tokens) that differ as expected',
      })
      .example('$0 diff captures/browser.har captures/library.har', 'rank what the library does differently')
      .example(
        '$0 diff captures/browser.har bad-request.json --out reports/diff.html',
        'an HTML report with both requests side by side',
      )
      .example(
        '$0 diff captures/browser.har "curl https://chat.qwen.ai/api/v2/chat/completions -H ..."',
        'compare with a pasted curl command',
      )
      .epilog(`${exitCodesText('diff')} Colour follows NO_COLOR and the terminal.`) as unknown as Argv<DiffArgs>,
  handler: (args) => runCommand(() => diffExitCode(() => diff(args))),
};
