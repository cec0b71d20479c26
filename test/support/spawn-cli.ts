/**
 * Spawns the CLI from source (`node --import tsx src/cli/main.ts ...`) for tests of long-running
 * commands: read its output as it comes, wait for a line, signal it, await its exit.
 */
import { spawn, type ChildProcessByStdio, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnedCli {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first regex match on a complete stdout line (past or future); rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process exits. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The CLI from source as a child process, with colours off; the one place that knows how to start it. */
export function cliChild(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv | undefined; cwd?: string | undefined },
  stdin: 'pipe' | 'ignore',
): ChildProcessByStdio<Writable | null, Readable, Readable> {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: [stdin, 'pipe', 'pipe'],
    // spawn's overloads cannot type a stdin chosen at run time
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
}

export function spawnCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): SpawnedCli {
  const child = cliChild(args, options, 'pipe') as ChildProcessWithoutNullStreams;
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const l of [...listeners]) l();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal });
      for (const l of [...listeners]) l();
    });
  });
  let exited = false;
  void exit.then(() => (exited = true));

  const waitForLine = (pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        for (const line of out.split('\n').slice(0, -1)) {
          const m = line.match(pattern);
          if (m) {
            done();
            resolve(m);
            return;
          }
        }
        if (exited || child.exitCode !== null) {
          done();
          reject(new Error(`process exited before printing ${pattern}\nstdout: ${out}\nstderr: ${err}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return { child, stdout: () => out, stderr: () => err, waitForLine, exit };
}
