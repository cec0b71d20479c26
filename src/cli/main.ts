#!/usr/bin/env node
/** The `qwen-probe` command line: one module per command, each exporting a yargs CommandModule. */
import './serve-heap.js'; // first: it must run before the other modules are evaluated
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ProbeError } from '../exchange/errors.js';
import { reportError } from './run-command.js';
import { loadCommands } from './commands.js';
import { packageVersion } from './package-version.js';

export async function main(argv: string[]): Promise<void> {
  const parser = yargs(argv)
    .scriptName('qwen-probe')
    .usage('$0 <command> [options]\n\nFind out why a chat.qwen.ai client fails, and run the shape that works.')
    .version(packageVersion())
    .strict()
    .demandCommand(1, 'name a command; see --help')
    .recommendCommands()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      // yargs calls this for its own parse errors (message) and for errors thrown by handlers (error).
      // A typo makes it call twice ("Did you mean …", then "Unknown argument"): one line is enough.
      if (process.exitCode) return;
      const problem = error ?? new ProbeError('E_USAGE', `${message} (see qwen-probe --help)`);
      process.exitCode = reportError(problem);
    });
  for (const command of await loadCommands(argv)) parser.command(command);
  await parser.parseAsync();
}

await main(hideBin(process.argv));
