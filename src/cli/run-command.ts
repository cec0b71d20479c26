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

/**
 * A stop signal for long commands: the first Ctrl-C (and SIGTERM, when asked) prints `message` and
 * aborts the returned signal, so the command can write what it has; a second Ctrl-C more than a
 * second later exits 130 at once. One within a second is the same keypress delivered twice (npx and
 * the terminal both forward it). Call `dispose` when the command is done.
 */
export function interruptSignal(
  message: string,
  options: { readonly sigterm?: boolean; readonly io?: CommandIo } = {},
): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const signals: NodeJS.Signals[] = options.sigterm ? ['SIGINT', 'SIGTERM'] : ['SIGINT'];
  let firstAt = 0;
  const onSignal = () => {
    if (controller.signal.aborted) {
      if (Date.now() - firstAt > 1000) process.exit(130);
      return;
    }
    firstAt = Date.now();
    if (message) (options.io ?? processIo).err(message);
    controller.abort();
  };
  for (const s of signals) process.on(s, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
}

/**
 * Resolves on the first SIGINT or SIGTERM: how servers (`simulate`, `serve`, `intercept`) run until
 * stopped. The double-press guard of `interruptSignal` stays installed while the server shuts down.
 */
export function untilStopSignal(): Promise<void> {
  const { signal } = interruptSignal('', { sigterm: true });
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
