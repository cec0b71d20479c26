/**
 * The command line as a function: parses `argv`, runs the one command it names, and leaves the exit
 * code in `process.exitCode`. `main.ts` calls it with the process's arguments; tests call it in-process.
 */
import yargs, { type Argv } from 'yargs';
import { ProbeError, isProbeError } from '../exchange/errors.js';
import { reportError } from './run-command.js';
import { loadCommands } from './commands.js';
import { packageVersion } from './package-version.js';
import { refuseRepeatedFlags, refuseStdinElsewhere, STDIN_ARGUMENT, stdinMarker } from './flag-values.js';

export async function runCli(argv: readonly string[]): Promise<void> {
  const parser: Argv = yargs(argv.map((arg) => (arg === STDIN_ARGUMENT ? stdinMarker : arg)))
    .scriptName('qwen-probe')
    .usage('$0 <command> [options]\n\nFind out why a chat.qwen.ai client fails, and run the shape that works.')
    .version(packageVersion())
    .strict()
    // --help and --version end the parse without running a handler; the process then ends by itself.
    .exitProcess(false)
    .demandCommand(1, 'name a command; see --help')
    .recommendCommands()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .middleware((args) => refuseRepeatedFlags(args, parser), true)
    .middleware((args) => refuseStdinElsewhere(args), true)
    .fail((message, error) => {
      // yargs calls this for its own parse errors (message) and for errors thrown by coerce, checks
      // and middleware (error). Throwing ends the parse: the command's handler never runs, so
      // nothing is sent, started or written after a usage error. One line: yargs' own messages
      // may span several.
      if (isProbeError(error)) throw error;
      const text = (message ?? error?.message ?? 'bad arguments')
        .replace(/\s*\n\s*/g, ' ')
        .replaceAll(stdinMarker, STDIN_ARGUMENT);
      throw new ProbeError('E_USAGE', `${text} (see qwen-probe --help)`);
    });
  for (const command of await loadCommands(argv)) parser.command(command);
  try {
    await parser.parseAsync();
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
