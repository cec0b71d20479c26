/**
 * Runs `qwen-probe` from source as a child process that a test can watch line by line and signal,
 * for the capture tests that need a real process (Ctrl-C, SIGKILL, a person at a headed browser).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A running CLI process. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Every stdout and stderr line so far, in arrival order, prefixed `out: ` / `err: `. */
  readonly lines: string[];
  /** Resolves with the first line (already seen or to come) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (prefix: string) => {
    let rest = '';
    return (chunk: string) => {
      rest += chunk;
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) lines.push(`${prefix}${line}`);
      for (const waiter of waiters) waiter();
    };
  };
  child.stdout!.setEncoding('utf8').on('data', collect('out: '));
  child.stderr!.setEncoding('utf8').on('data', collect('err: '));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitForLine = (pattern: RegExp, timeoutMs = 90_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const hit = lines.find((l) => pattern.test(l));
        if (hit !== undefined) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; got:\n${lines.join('\n')}`));
      }, timeoutMs);
      waiters.add(check);
      void exited.then(() =>
        setTimeout(() => {
          if (waiters.has(check)) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`process exited before a line matching ${pattern}; got:\n${lines.join('\n')}`));
          }
        }, 50),
      );
      check();
    });
  return { child, lines, waitForLine, exited };
}
