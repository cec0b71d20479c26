/**
 * The one place where errors become a line and an exit code. Commands throw ProbeError for things
 * that stop them; anything else is a bug and says so, still on one line unless QWEN_PROBE_DEBUG is set.
 */
import { isProbeError } from '../exchange/errors.js';

export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Prints an error the way every command does and returns the exit code to use. */
export function reportError(error: unknown, io: CommandIo = processIo): number {
  if (isProbeError(error)) {
    io.err(`error [${error.code}]: ${error.message}`);
    if (error.hint) io.err(`hint: ${error.hint}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error [E_INTERNAL]: ${message}`);
  if (process.env.QWEN_PROBE_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  return 1;
}

/**
 * Runs a command body: its return value is the exit code (0 when undefined). Sets process.exitCode
 * rather than calling process.exit, so open files are flushed and closed first.
 */
export async function runCommand(body: () => Promise<number | void>, io: CommandIo = processIo): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (error) {
    process.exitCode = reportError(error, io);
  }
}
