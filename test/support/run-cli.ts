/** Runs the CLI from source in a child process (`node --import tsx src/cli/main.ts ...`), as a user would. */
import { cliChild } from './spawn-cli.js';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; stdin?: string | Buffer } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = cliChild(args, options, options.stdin === undefined ? 'ignore' : 'pipe');
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `qwen-probe ${args.join(' ')} did not finish in ${options.timeoutMs ?? 100_000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 100_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
