/**
 * `qwen-probe intercept` as a user runs it: a child process that prints its settings, one line per
 * exchange, and on Ctrl-C (SIGINT) closes the capture and exits 0, even with a stream still open.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { proxyAgent } from '../capture/intercept-support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let sim: RunningSimulator;
let dir: string;
let child: ChildProcessWithoutNullStreams | undefined;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 20, faults: [{ name: 'stall', endpoint: 'chat.completions' }] });
  dir = await mkdtemp(join(tmpdir(), 'qp-e2e-intercept-cli-'));
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await sim?.close();
});

/** Starts the CLI and resolves with its output so far once `pattern` appears on stdout. */
function startCli(args: readonly string[]): { output: { stdout: string; stderr: string }; waitFor(pattern: RegExp): Promise<RegExpMatchArray>; exited: Promise<number | null> } {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  const output = { stdout: '', stderr: '' };
  const proc = child;
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (output.stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (output.stderr += d));
  const exited = new Promise<number | null>((done) => proc.once('close', (code) => done(code)));
  return {
    output,
    exited,
    waitFor: async (pattern) => {
      for (let i = 0; i < 600; i++) {
        const m = output.stdout.match(pattern);
        if (m) return m;
        if (proc.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no ${pattern} in output:\n${output.stdout}\n${output.stderr}`);
    },
  };
}

describe('qwen-probe intercept (CLI)', () => {
  it('prints its settings, a line per exchange, and leaves a loadable capture after Ctrl-C mid-stream', async () => {
    const out = join(dir, 'cli.har');
    const caDir = join(dir, 'ca');
    const cli = startCli(['intercept', '--port', '0', '--map', `chat.qwen.ai=${sim.url}`, '--out', out, '--ca-dir', caDir]);
    const [, proxyUrl] = await cli.waitFor(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
    const [, caPath] = await cli.waitFor(/^CA certificate: (.+)$/m);
    expect(cli.output.stdout).toContain('export NODE_EXTRA_CA_CERTS=');
    expect(cli.output.stdout).toContain('--ignore-certificate-errors-spki-list=');
    const dispatcher = proxyAgent(proxyUrl!, await readFile(caPath!, 'utf8'));

    const models = await request('https://chat.qwen.ai/api/models', { dispatcher });
    expect(models.statusCode).toBe(200);
    await models.body.text();
    await cli.waitFor(/ GET chat\.qwen\.ai\/api\/models 200 json .* \[models\] \(mapped\)$/m);

    // A stream that stalls: still open when Ctrl-C comes, it must not keep the proxy alive.
    const stalled = request('https://chat.qwen.ai/api/v2/chat/completions?chat_id=x', { method: 'POST', dispatcher, body: '{}', headers: { 'content-type': 'application/json' } })
      .then((r) => r.body.text())
      .catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 500));
    child!.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output.stderr).toMatch(/\d+ exchanges? recorded in /);
    await stalled;
    await dispatcher.close();

    const capture = await readCapture(out);
    expect(capture.meta.repaired).toBe(false);
    expect(capture.meta.source).toBe('intercept');
    expect(capture.exchanges[0]?.endpoint).toBe('models');
  });

  it('refuses a malformed --map with a usage error and exit code 2', async () => {
    const cli = startCli(['intercept', '--port', '0', '--map', 'chat.qwen.ai', '--ca-dir', join(dir, 'ca')]);
    expect(await cli.exited).toBe(2);
    expect(cli.output.stderr).toMatch(/^error \[E_USAGE\]: --map "chat\.qwen\.ai": expected HOST=URL/m);
  });
});
