#!/usr/bin/env node
/** The `qwen-probe` command line: one module per command, each exporting a yargs CommandModule. */
import './serve-heap.js'; // first: it must run before the other modules are evaluated
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ProbeError, isProbeError } from '../exchange/errors.js';
import { reportError } from './run-command.js';
import { loadCommands } from './commands.js';
import { packageVersion } from './package-version.js';
import { refuseRepeatedFlags, STDIN_ARGUMENT, stdinMarker } from './flag-values.js';

export async function main(argv: string[]): Promise<void> {
  const parser: Argv = yargs(argv.map((arg) => (arg === STDIN_ARGUMENT ? stdinMarker : arg)))
    .scriptName('qwen-probe')
    .usage('$0 <command> [options]\n\nFind out why a chat.qwen.ai client fails, and run the shape that works.')
    .version(packageVersion())
    .strict()
    .demandCommand(1, 'name a command; see --help')
    .recommendCommands()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .middleware((argv) => refuseRepeatedFlags(argv, parser), true)
    .fail((message, error) => {
      // yargs calls this for its own parse errors (message) and for errors thrown by coerce, checks
      // and middleware (error). Throwing ends the parse: the command's handler never runs, so
      // nothing is sent, started or written after a usage error.
      throw isProbeError(error)
        ? error
        : new ProbeError('E_USAGE', `${message ?? error?.message} (see qwen-probe --help)`);
    });
  for (const command of await loadCommands(argv)) parser.command(command);
  try {
    await parser.parseAsync();
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

await main(hideBin(process.argv));
