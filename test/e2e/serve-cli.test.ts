/**
 * `qwen-probe serve` as a user runs it: the CLI in a child process in front of the simulator, and
 * the curl examples of src/proxy/README.md run as written (only the ports are swapped for free
 * ones, since fixed ports collide on shared machines).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = fileURLToPath(new URL('../../src/proxy/README.md', import.meta.url));
const exec = promisify(execFile);

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/** Starts `qwen-probe ARGS` from source and waits for its `listening on URL` line. */
function startCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NO_COLOR: '1',
      QWEN_PROBE_EMAIL: '',
      QWEN_PROBE_PASSWORD: '',
      QWEN_PROBE_API_KEY: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line from qwen-probe ${args.join(' ')}:\n${output}`)),
      30_000,
    );
    const onData = (d: Buffer) => {
      output += d.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`qwen-probe ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

function stop(running: Running | undefined): Promise<void> {
  if (!running || running.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    running.child.once('exit', () => resolve());
    running.child.kill('SIGTERM');
  });
}

/** The README's `sh` blocks of the curl section: the start commands and the curl lines. */
async function readmeExamples(): Promise<{ starts: string[]; curls: string[] }> {
  const text = await readFile(README, 'utf8');
  const section = text.slice(text.indexOf('## curl examples'), text.indexOf('## Limits'));
  const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.split('\n'))
    .filter((l) => l.trim() !== '');
  return {
    starts: lines.filter((l) => /^([A-Z_]+=\S+ )*qwen-probe /.test(l)),
    curls: lines.filter((l) => l.startsWith('curl ')),
  };
}

/**
 * A README start line as argv and environment for the CLI: leading `NAME=value` assignments become
 * the environment, `qwen-probe` and the trailing `&` are dropped, the port freed.
 */
function commandOf(
  line: string,
  replacements: Record<string, string>,
): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  let rest = line;
  for (let m = /^([A-Z_]+)=(\S+) /.exec(rest); m; m = /^([A-Z_]+)=(\S+) /.exec(rest)) {
    env[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  let out = rest.replace(/^qwen-probe /, '').replace(/\s*&\s*$/, '');
  for (const [from, to] of Object.entries(replacements)) out = out.split(from).join(to);
  return { argv: out.split(/\s+/), env };
}

let sim: Running | undefined;
let serve: Running | undefined;

describe('qwen-probe serve on the command line', () => {
  let simPort = '';
  let servePort = '';

  beforeAll(async () => {
    const { starts } = await readmeExamples();
    expect(starts.map((s) => commandOf(s, {}).argv[0])).toEqual(['simulate', 'serve']);
    const simCommand = commandOf(starts[0]!, { '--port 8787': '--port 0' });
    sim = await startCli(simCommand.argv, simCommand.env);
    simPort = new URL(sim.url).port;
    const serveCommand = commandOf(starts[1]!, {
      '--port 3000': '--port 0',
      '127.0.0.1:8787': `127.0.0.1:${simPort}`,
    });
    // The README keeps the password off the command line.
    expect(serveCommand.argv.join(' ')).not.toMatch(/--user \S+:/);
    serve = await startCli(serveCommand.argv, serveCommand.env);
    servePort = new URL(serve.url).port;
  });
  afterAll(async () => {
    await stop(serve);
    await stop(sim);
  });

  it('prints listening on http://HOST:PORT first', () => {
    expect(serve!.output().split('\n')[0]).toBe(`listening on http://127.0.0.1:${servePort}`);
  });

  it('runs every curl example of the README as written', async () => {
    const { curls } = await readmeExamples();
    expect(curls.length).toBeGreaterThanOrEqual(7);
    for (const line of curls) {
      const command = line.split('127.0.0.1:3000').join(`127.0.0.1:${servePort}`);
      const { stdout } = await exec('sh', ['-c', command], { timeout: 30_000 });
      expect(stdout, line).not.toBe('');
      if (line.includes('"stream": true')) {
        expect(stdout.trimEnd().endsWith('data: [DONE]'), line).toBe(true);
        const first = JSON.parse(stdout.split('\n')[0]!.slice('data: '.length)) as { object: string };
        expect(first.object).toBe('chat.completion.chunk');
      } else {
        const body = JSON.parse(stdout) as { error?: { param?: string } };
        // The one example meant to fail is the unsupported parameter; every other answers normally.
        if (line.includes('"n": 2')) expect(body.error?.param).toBe('n');
        else expect(body.error, line).toBeUndefined();
      }
    }
  });

  it('prints one access-log line per request on stderr, never a secret', () => {
    const log = serve!
      .output()
      .split('\n')
      .filter((l) => /^(GET|POST) \//.test(l));
    expect(log.length).toBeGreaterThanOrEqual(7);
    expect(log).toContainEqual(expect.stringMatching(/^GET \/v1\/models 200 \d+ms /));
    expect(log).toContainEqual(expect.stringMatching(/^POST \/v1\/chat\/completions 200 \d+ms demo@qwen-probe\.test$/));
    expect(serve!.output()).not.toMatch(/eyJ|demo-password/);
  });

  it('refuses to listen beyond loopback without --api-key', async () => {
    const run = await runCli(
      ['serve', '--target', `http://127.0.0.1:${simPort}`, '--token', 'x', '--host', '0.0.0.0', '--port', '0'],
      {
        env: { QWEN_PROBE_API_KEY: '' },
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error [E_USAGE]: refusing to listen on 0.0.0.0 without --api-key');
  });

  it('stops cleanly on SIGTERM', async () => {
    const running = serve!;
    await stop(running);
    expect(running.child.exitCode).toBe(0);
    expect(running.output()).toContain('serve stopped');
  });
});
