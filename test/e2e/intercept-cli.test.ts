/**
 * `qwen-probe intercept` as a user runs it: a child process that prints its settings, one line per
 * exchange, and on Ctrl-C (SIGINT) closes the capture and exits 0, even with a stream still open.
 * With `--workers 2` the same holds for the primary and its two worker processes: one capture from
 * every connection, complete after a Ctrl-C sent to the whole process group as a terminal does, a
 * crashed worker reported and replaced, a busy port one usage error.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { assertValidHar } from '../support/har-validator.js';
import { proxyAgent, startUpstream } from '../capture/intercept-support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let sim: RunningSimulator;
let dir: string;
let child: ChildProcessWithoutNullStreams | undefined;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    chunkIntervalMs: 20,
    faults: [{ name: 'stall', endpoint: 'chat.completions' }],
  });
  dir = await mkdtemp(join(tmpdir(), 'qp-e2e-intercept-cli-'));
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await sim?.close();
});

/**
 * Starts the CLI and resolves with its output so far once `pattern` appears on stdout. `detached`
 * makes it the leader of its own process group, so that a test can signal the group like a terminal.
 */
function startCli(
  args: readonly string[],
  options: { detached?: boolean } = {},
): {
  output: { stdout: string; stderr: string };
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
} {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    detached: options.detached === true,
  });
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
        const m = output.stdout.match(pattern) ?? output.stderr.match(pattern);
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
    const cli = startCli([
      'intercept',
      '--port',
      '0',
      '--map',
      `chat.qwen.ai=${sim.url}`,
      '--out',
      out,
      '--ca-dir',
      caDir,
    ]);
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
    const stalled = request('https://chat.qwen.ai/api/v2/chat/completions?chat_id=x', {
      method: 'POST',
      dispatcher,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    })
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

/** Process ids of a process's children (its cluster workers), from /proc. */
function childPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
      .split(' ')
      .filter((p) => p !== '')
      .map(Number),
  );
}

describe('qwen-probe intercept --workers 2', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  beforeAll(async () => {
    upstream = await startUpstream((req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"path":${JSON.stringify(req.url)}}`),
    );
  });
  afterAll(async () => {
    await upstream?.close();
  });

  /** Starts the CLI with two workers in front of `upstream`, mapped as api.example; resolves once it listens. */
  async function startWorkers(out: string, options: { detached?: boolean } = {}) {
    const cli = startCli(
      [
        'intercept',
        '--workers',
        '2',
        '--port',
        '0',
        '--map',
        `api.example=${upstream.url}`,
        '--out',
        out,
        '--ca-dir',
        join(dir, 'ca'),
      ],
      options,
    );
    const [, proxyUrl] = await cli.waitFor(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
    const [, caPath] = await cli.waitFor(/^CA certificate: (.+)$/m);
    return { cli, proxyUrl: proxyUrl!, ca: await readFile(caPath!, 'utf8'), pid: child!.pid! };
  }

  it('records the exchanges of several connections into one valid capture, from two worker processes', async () => {
    const out = join(dir, 'workers.har');
    const { cli, proxyUrl, ca, pid } = await startWorkers(out);
    expect(cli.output.stdout).toMatch(/^workers: 2 processes share the port \(--workers\)$/m);
    expect(childPids(pid)).toHaveLength(2);
    // One agent per connection: the cluster hands connections, not requests, to the workers in turn.
    const agents = Array.from({ length: 4 }, () => proxyAgent(proxyUrl, ca));
    const urls = agents.flatMap((_, c) => Array.from({ length: 5 }, (_, i) => `https://api.example/c${c}/r${i}`));
    await Promise.all(
      agents.map(async (dispatcher, c) => {
        for (const url of urls.filter((u) => u.includes(`/c${c}/`))) {
          const res = await request(url, { dispatcher });
          expect(await res.body.text()).toBe(`{"path":"${new URL(url).pathname}"}`);
        }
      }),
    );
    await cli.waitFor(/GET api\.example\/c3\/r4 200 json/);
    child!.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output.stderr).toMatch(/^20 exchanges recorded in /m);
    await Promise.all(agents.map((a) => a.close()));

    const capture = await readCapture(out);
    expect(capture.meta.repaired).toBe(false);
    assertValidHar(JSON.parse(await readFile(out, 'utf8')));
    expect(capture.exchanges.map((e) => e.request.url).sort()).toEqual([...urls].sort());
    expect(new Set(capture.exchanges.map((e) => e.id)).size).toBe(20);
  });

  it(
    'leaves every exchange a client saw finish in the capture after Ctrl-C reaches the whole process ' + 'group',
    async () => {
      const out = join(dir, 'workers-ctrl-c.har');
      const { cli, proxyUrl, ca, pid } = await startWorkers(out, { detached: true });
      const agents = Array.from({ length: 6 }, () => proxyAgent(proxyUrl, ca));
      const finished: string[] = [];
      let interrupted = false;
      const load = agents.map(async (dispatcher, c) => {
        for (let i = 0; !interrupted; i++) {
          const url = `https://api.example/load/c${c}/r${i}`;
          try {
            const res = await request(url, { dispatcher });
            await res.body.text();
            if (!interrupted) finished.push(url);
          } catch {
            return; // the proxy went away mid-request: not a finished exchange
          }
        }
      });
      while (finished.length < 60) await new Promise((r) => setTimeout(r, 20));
      interrupted = true;
      const seen = [...finished];
      process.kill(-pid, 'SIGINT'); // the terminal's Ctrl-C: primary and workers at once
      expect(await cli.exited).toBe(0);
      await Promise.all(load);
      await Promise.all(agents.map((a) => a.close()));

      const capture = await readCapture(out);
      expect(capture.meta.repaired).toBe(false);
      const recorded = new Set(capture.exchanges.map((e) => e.request.url));
      expect(seen.filter((url) => !recorded.has(url))).toEqual([]);
      expect(cli.output.stderr).toMatch(new RegExp(`^${capture.exchanges.length} exchanges recorded in `, 'm'));
    },
  );

  it('reports a crashed worker on stderr, starts another, and keeps recording', async () => {
    const out = join(dir, 'workers-crash.har');
    const { cli, proxyUrl, ca, pid } = await startWorkers(out);
    const [victim] = childPids(pid);
    process.kill(victim!, 'SIGKILL');
    await cli.waitFor(
      new RegExp(
        `^warning: worker \\d+ \\(pid ${victim}\\) was killed by SIGKILL; its open connections were cut; starting a ` +
          `new worker$`,
        'm',
      ),
    );
    for (let i = 0; i < 100 && !(childPids(pid).length === 2 && !childPids(pid).includes(victim!)); i++)
      await new Promise((r) => setTimeout(r, 100));
    // The replacement loads mockttp before it listens; until then the other worker serves alone.
    const dispatcher = proxyAgent(proxyUrl, ca);
    const res = await request('https://api.example/after-crash', { dispatcher });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    await cli.waitFor(/GET api\.example\/after-crash 200/);
    await dispatcher.close();
    child!.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect((await readCapture(out)).exchanges.map((e) => e.request.url)).toContain('https://api.example/after-crash');
  });

  it('refuses a busy port with one usage error and exit code 2, leaving no worker behind', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const cli = startCli([
        'intercept',
        '--workers',
        '2',
        '--port',
        String(port),
        '--out',
        join(dir, 'busy.har'),
        '--ca-dir',
        join(dir, 'ca'),
      ]);
      // `close` waits for every process holding the output pipes: the workers too.
      expect(await cli.exited).toBe(2);
      expect(cli.output.stderr.match(/^error \[E_USAGE\].*$/gm)).toEqual([
        `error [E_USAGE]: port ${port} on 127.0.0.1 is already in use`,
      ]);
      expect(cli.output.stderr).toMatch(/^hint: Pick another --port/m);
      expect(cli.output.stdout).toBe('');
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  });
});
