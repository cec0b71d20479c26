/**
 * `npm run bench -- intercept`: our intercepting proxy against Debian's mitmdump on one loopback
 * workload in one run, as ratios. Every server is its own process (the upstream, `qwen-probe
 * intercept` as users start it, mitmdump), so the measuring client never shares an event loop with
 * what it measures.
 *
 * - Throughput: small JSON over HTTPS, CONNECTIONS keep-alive connections, for a fixed time; direct
 *   to the upstream, through intercept (recording into a capture), through mitmdump.
 * - Added per-event latency on SSE: the upstream stamps each event with its send time (epoch ms with
 *   sub-ms precision, comparable across processes); the client subtracts it on arrival. Added =
 *   p50 through a proxy minus p50 direct, at 1 and 10 concurrent streams. mitmdump is measured as
 *   installed (buffers SSE) and with an addon that streams every response (`flow.response.stream`).
 *
 * `intercept` runs from dist/ (`node bin/qwen-probe.js`; run `npm run build` first) with the default
 * `--workers auto`, i.e. what a user gets. Beside it: `--workers 1` (one process), and the same
 * workers recording nothing (mockttp's own cost). Proxy CPU is summed over the primary and its
 * workers. Every target is warmed up before measuring (see WARM_UP_MS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { generateCACertificate } from 'mockttp';
import { percentile, type BenchFigure, type BenchResult } from './bench-result.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const HOST = 'bench.test'; // never resolved: both proxies map it to the upstream
const CONNECTIONS = 16;
const ROUNDS = 6;
const SLICE_MS = 700;
const SETTLE_MS = 250;
/**
 * Warm-up, per target: WARM_UP_MS of continuous load, then WARM_UP_ROUNDS unmeasured rounds taking
 * turns like the measured ones. V8 needs seconds of load before mockttp's hot paths run optimised
 * (a fresh 2-worker intercept goes from ~400 to ~2400 requests/s over its first 8 s), and a target
 * left idle while the others warm up runs its next slice cold again. Python's mitmdump has no JIT
 * to warm: a short warm-up measured the Node processes' start-up against it.
 */
const WARM_UP_MS = 5000;
const WARM_UP_ROUNDS = 2;
const EVENTS = 40;
const EVENT_GAP_MS = 10;
const STREAM_ROUNDS = 3;

/** The upstream: HTTPS, `/json` small JSON, `/sse?n=&gap=` events stamped with their send time. */
const UPSTREAM_SCRIPT = `
const https = require('node:https');
const { key, cert } = JSON.parse(process.env.BENCH_TLS);
const now = () => performance.timeOrigin + performance.now();
const server = https.createServer({ key, cert }, (req, res) => {
  const url = new URL(req.url, 'https://x');
  if (url.pathname === '/json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end('{"ok":true,"model":"qwen3-max","n":1}');
  }
  const n = Number(url.searchParams.get('n')), gap = Number(url.searchParams.get('gap'));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let i = 0;
  const tick = () => { res.write('data: ' + now() + '\\n\\n'); if (++i < n) setTimeout(tick, gap); else res.end(); };
  tick();
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`;

/** Streams every response as it arrives: mitmproxy's documented switch, set for all flows. */
const MITM_STREAM_ADDON = 'def responseheaders(flow):\n    flow.response.stream = True\n';

interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

function startChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // Kept short: proxies print a line per request, and only the first lines are read.
  const keep = (d: Buffer): void => void (output.length < 20_000 && (output += d.toString()));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const closed = new Promise<void>((done) => child.once('close', () => done()));
  return {
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await closed;
      clearTimeout(timer);
    },
  };
}

async function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = child.output().match(pattern);
    if (m) return m;
    if (child.process.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${pattern} from child:\n${child.output().slice(0, 2000)}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}

/** CPU time (user + system) a process has used, in ms; NaN where /proc is not there. */
async function cpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

/** Child process ids of `pid` (an intercept primary's workers), from /proc; empty where it is not there. */
async function childPids(pid: number): Promise<number[]> {
  try {
    const tasks = await Promise.all(
      readdirSync(`/proc/${pid}/task`).map((t) => readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '')),
    );
    return tasks.flatMap((text) =>
      text
        .split(' ')
        .filter((p) => p !== '')
        .map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * CPU ms of a process and of its children, apart: `[own, children]`. Workers restarted mid-slice would be missed, but
 * none are.
 */
async function treeCpuMs(pid: number | undefined): Promise<[number, number]> {
  if (pid === undefined) return [Number.NaN, Number.NaN];
  const children = await Promise.all((await childPids(pid)).map((c) => cpuMs(c)));
  return [await cpuMs(pid), children.reduce((a, b) => a + b, 0)];
}

/** dist/ must hold the code under test: refuse to measure a stale build of what intercept runs. */
function assertFreshBuild(): void {
  const newest = (path: string): number => {
    const full = join(ROOT, path);
    if (!statSync(full).isDirectory()) return statSync(full).mtimeMs;
    return readdirSync(full).reduce((max, name) => Math.max(max, newest(join(path, name))), 0);
  };
  const sources = Math.max(
    ...['src/capture/intercept', 'src/exchange', 'src/cli/intercept.ts', 'src/cli/main.ts'].map(newest),
  );
  let built = 0;
  try {
    built = Math.min(
      newest('dist/capture/intercept/intercept-cluster.js'),
      newest('dist/cli/intercept.js'),
      newest('dist/cli/main.js'),
    );
  } catch {
    // missing: stale by definition
  }
  if (built < sources)
    throw new Error('dist/ is older than src/: run `npm run build` before `npm run bench -- intercept`');
}

/** One way to reach the upstream: direct, or through one of the proxies (whose CPU we watch). */
interface Target {
  readonly name: string;
  readonly base: string;
  readonly dispatcher: Dispatcher;
  readonly pid?: number | undefined;
}

/** Throughput of one target: requests/s, and the proxy's CPU ms per request (own process, its children). */
interface Rate {
  readonly rps: number;
  /** CPU ms per request of this bench process, the client. */
  readonly clientCpuPerRequest: number;
  readonly cpuPerRequest: number;
  readonly ownCpuPerRequest: number;
  readonly childrenCpuPerRequest: number;
}

/**
 * Requests/s and the proxy's CPU ms per request, measured in short slices that take turns across
 * targets (ROUNDS rounds): load from other processes on a shared machine then weighs on every target
 * alike instead of on whichever happened to run during a busy spell.
 */
async function throughput(targets: readonly Target[]): Promise<Map<string, Rate>> {
  const slice = async (t: Target, ms: number): Promise<number> => {
    const until = performance.now() + ms;
    const loop = async (): Promise<number> => {
      let n = 0;
      while (performance.now() < until) {
        const res = await request(`${t.base}/json`, { dispatcher: t.dispatcher });
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`${t.name}: status ${res.statusCode}: ${text.slice(0, 300)}`);
        n++;
      }
      return n;
    };
    return (await Promise.all(Array.from({ length: CONNECTIONS }, loop))).reduce((a, b) => a + b, 0);
  };
  for (const t of targets) await slice(t, WARM_UP_MS);
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    for (const t of targets) await slice(t, SLICE_MS);
  }
  const tally = new Map(targets.map((t) => [t.name, { requests: 0, ms: 0, own: 0, children: 0, client: 0 }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      // A pause first: the previous slice's leftovers (its client's and upstream's garbage
      // collection, closing sockets) must not weigh on whichever target comes next.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const [ownBefore, childrenBefore] = await treeCpuMs(t.pid);
      const clientBefore = process.cpuUsage();
      const started = performance.now();
      const requests = await slice(t, SLICE_MS);
      const sum = tally.get(t.name)!;
      sum.ms += performance.now() - started;
      const client = process.cpuUsage(clientBefore);
      sum.client += (client.user + client.system) / 1000;
      sum.requests += requests;
      const [ownAfter, childrenAfter] = await treeCpuMs(t.pid);
      sum.own += ownAfter - ownBefore;
      sum.children += childrenAfter - childrenBefore;
    }
  }
  return new Map(
    [...tally].map(([name, s]) => [
      name,
      {
        rps: s.requests / (s.ms / 1000),
        clientCpuPerRequest: s.client / s.requests,
        cpuPerRequest: (s.own + s.children) / s.requests,
        ownCpuPerRequest: s.own / s.requests,
        childrenCpuPerRequest: s.children / s.requests,
      },
    ]),
  );
}

/** Per-event delay (arrival minus upstream send, ms) over `streams` concurrent streams, rounds taking turns. */
async function eventDelays(targets: readonly Target[], streams: number): Promise<Map<string, number[]>> {
  const delays = new Map(targets.map((t) => [t.name, [] as number[]]));
  const one = async (t: Target): Promise<void> => {
    const res = await request(`${t.base}/sse?n=${EVENTS}&gap=${EVENT_GAP_MS}`, { dispatcher: t.dispatcher });
    let pending = '';
    for await (const chunk of res.body) {
      const arrived = performance.timeOrigin + performance.now();
      pending += String(chunk);
      const frames = pending.split('\n\n');
      pending = frames.pop() ?? '';
      for (const frame of frames) delays.get(t.name)!.push(arrived - Number(frame.slice('data: '.length)));
    }
  };
  for (let round = 0; round < STREAM_ROUNDS; round++) {
    for (const t of targets) await Promise.all(Array.from({ length: streams }, () => one(t)));
  }
  return delays;
}

/**
 * `qwen-probe intercept` as users start it (dist/, `--workers` as given); `record: false` includes no
 * host, to show mockttp's own cost. Resolves once it listens, with the number of workers it runs.
 */
async function startIntercept(
  children: Child[],
  dir: string,
  upstreamPort: number,
  workers: string,
  record = true,
): Promise<{ child: Child; url: string; ca: string; workers: number }> {
  const name = `bench-${workers}-${record ? 'record' : 'bare'}`;
  const args = [
    '--port',
    '0',
    '--workers',
    workers,
    '--map',
    `${HOST}=https://127.0.0.1:${upstreamPort}`,
    '--out',
    join(dir, `${name}.har`),
    '--ca-dir',
    join(dir, 'ca'),
  ];
  const child = startChild(process.execPath, [
    'bin/qwen-probe.js',
    'intercept',
    ...args,
    ...(record ? [] : ['--include', 'nothing.invalid']),
  ]);
  children.push(child);
  const [, url] = await waitForOutput(child, /^listening on (\S+)$/m);
  const [, caPath] = await waitForOutput(child, /^CA certificate: (.+)$/m);
  const count = child.output().match(/^workers: (\d+) processes/m)?.[1];
  return { child, url: url!, ca: await readFile(caPath!, 'utf8'), workers: count ? Number(count) : 1 };
}

async function startMitmdump(
  children: Child[],
  dir: string,
  upstreamPort: number,
  streaming: boolean,
): Promise<{ child: Child; url: string; ca: string }> {
  const port = await freePort();
  const confdir = join(dir, streaming ? 'mitm-stream' : 'mitm');
  const addon = join(dir, 'stream_all.py');
  await writeFile(addon, MITM_STREAM_ADDON);
  const child = startChild('mitmdump', [
    '--listen-host',
    '127.0.0.1',
    '--listen-port',
    String(port),
    '--set',
    `confdir=${confdir}`,
    '--set',
    'ssl_insecure=true',
    '--set',
    'connection_strategy=lazy',
    '--map-remote',
    `|//${HOST.replace('.', '\\.')}|//127.0.0.1:${upstreamPort}`,
    ...(streaming ? ['-s', addon] : []),
  ]);
  children.push(child);
  await waitForOutput(child, /proxy server listening/i);
  return { child, url: `http://127.0.0.1:${port}`, ca: await readFile(join(confdir, 'mitmproxy-ca-cert.pem'), 'utf8') };
}

/** Runs the whole comparison; every child process is stopped on the way out. */
export default async function bench(): Promise<BenchResult> {
  assertFreshBuild();
  const dir = await mkdtemp(join(tmpdir(), 'qp-bench-intercept-'));
  const tlsMaterial = await generateCACertificate({ subject: { commonName: HOST } });
  const children: Child[] = [];
  try {
    const upstream = startChild(process.execPath, ['-e', UPSTREAM_SCRIPT], { BENCH_TLS: JSON.stringify(tlsMaterial) });
    children.push(upstream);
    const upstreamPort = Number((await waitForOutput(upstream, /^port (\d+)$/m))[1]);
    const target = `https://${HOST}`;
    // All proxies run at once (an idle one costs nothing) so that the measurements can take turns.
    // One after another: each loads mockttp, which takes seconds of both cores.
    const ours = await startIntercept(children, dir, upstreamPort, 'auto');
    const single = await startIntercept(children, dir, upstreamPort, '1');
    const bare = await startIntercept(children, dir, upstreamPort, 'auto', false);
    const mitm = await startMitmdump(children, dir, upstreamPort, false);
    const mitmS = await startMitmdump(children, dir, upstreamPort, true);
    const via = (name: string, p: { child: Child; url: string; ca: string }): Target => ({
      name,
      base: target,
      dispatcher: new ProxyAgent({ uri: p.url, requestTls: { ca: p.ca } }),
      pid: p.child.process.pid,
    });
    const direct: Target = {
      name: 'direct',
      base: `https://127.0.0.1:${upstreamPort}`,
      dispatcher: new Agent({ connect: { rejectUnauthorized: false } }),
      pid: upstream.process.pid,
    };
    const [intercept, singleIntercept, bareIntercept, mitmdump, mitmStreaming] = [
      via('intercept', ours),
      via('single', single),
      via('bare', bare),
      via('mitm', mitm),
      via('mitmStreaming', mitmS),
    ];
    const rates = await throughput([direct, intercept, singleIntercept, bareIntercept, mitmdump]);
    const at1 = await eventDelays([direct, intercept, mitmStreaming, mitmdump], 1);
    const at10 = await eventDelays([direct, intercept, mitmStreaming], 10);
    for (const t of [direct, intercept, singleIntercept, bareIntercept, mitmdump, mitmStreaming])
      await t.dispatcher.close();

    const rate = (name: string): Rate => rates.get(name)!;
    const p50 = (m: Map<string, number[]>, name: string): number => percentile(m.get(name)!, 50);
    const added = (m: Map<string, number[]>, name: string): number => p50(m, name) - p50(m, 'direct');
    const [d, i, m] = [rate('direct'), rate('intercept'), rate('mitm')];
    const streamMs = (EVENTS - 1) * EVENT_GAP_MS;
    const [one, bareRate] = [rate('single'), rate('bare')];
    const figures: BenchFigure[] = [
      { label: 'intercept: worker processes (--workers auto)', value: ours.workers, unit: 'procs' },
      { label: 'direct: small JSON HTTPS requests/s', value: d.rps, unit: 'req/s' },
      { label: 'intercept: requests/s (recording to a capture)', value: i.rps, unit: 'req/s' },
      { label: 'intercept --workers 1: requests/s (recording)', value: one.rps, unit: 'req/s' },
      { label: 'same workers recording nothing (mockttp alone): requests/s', value: bareRate.rps, unit: 'req/s' },
      { label: 'mitmdump 8.1.1: requests/s', value: m.rps, unit: 'req/s' },
      {
        label: 'intercept / mitmdump requests/s',
        value: i.rps / m.rps,
        unit: 'x',
        goal: '>= 3x',
        met: i.rps / m.rps >= 3,
      },
      { label: 'intercept --workers 1 / mitmdump requests/s', value: one.rps / m.rps, unit: 'x' },
      { label: 'intercept / recording nothing requests/s', value: i.rps / bareRate.rps, unit: 'x' },
      { label: 'intercept / direct requests/s', value: i.rps / d.rps, unit: 'x' },
      { label: 'mitmdump / direct requests/s', value: m.rps / d.rps, unit: 'x' },
      { label: 'upstream alone: CPU per request (direct)', value: d.cpuPerRequest, unit: 'ms' },
      { label: 'bench client: CPU per request through intercept', value: i.clientCpuPerRequest, unit: 'ms' },
      { label: 'bench client: CPU per request through mitmdump', value: m.clientCpuPerRequest, unit: 'ms' },
      { label: 'intercept: proxy CPU per request (all processes)', value: i.cpuPerRequest, unit: 'ms' },
      { label: 'intercept: of which the workers', value: i.childrenCpuPerRequest, unit: 'ms' },
      { label: 'intercept: of which the primary (capture, summaries)', value: i.ownCpuPerRequest, unit: 'ms' },
      { label: 'intercept --workers 1: proxy CPU per request', value: one.cpuPerRequest, unit: 'ms' },
      { label: 'recording nothing: proxy CPU per request (all processes)', value: bareRate.cpuPerRequest, unit: 'ms' },
      { label: 'mitmdump: proxy CPU per request', value: m.cpuPerRequest, unit: 'ms' },
      { label: 'mitmdump / intercept CPU per request', value: m.cpuPerRequest / i.cpuPerRequest, unit: 'x' },
      { label: 'direct: per-event delay p50, 1 stream', value: p50(at1, 'direct'), unit: 'ms' },
      { label: 'intercept: added per-event p50, 1 stream', value: added(at1, 'intercept'), unit: 'ms' },
      {
        label: 'intercept: added per-event p50, 10 streams',
        value: added(at10, 'intercept'),
        unit: 'ms',
        goal: '<= 0.5 ms',
        met: added(at10, 'intercept') <= 0.5,
      },
      {
        label: 'mitmdump streaming addon: added per-event p50, 1 stream',
        value: added(at1, 'mitmStreaming'),
        unit: 'ms',
      },
      {
        label: 'mitmdump streaming addon: added per-event p50, 10 streams',
        value: added(at10, 'mitmStreaming'),
        unit: 'ms',
      },
      { label: 'mitmdump as installed (buffers SSE): added p50, 1 stream', value: added(at1, 'mitm'), unit: 'ms' },
      {
        label: 'mitmdump streaming / intercept added p50, 10 streams',
        value: added(at10, 'mitmStreaming') / Math.max(added(at10, 'intercept'), 0.01),
        unit: 'x',
      },
      {
        label: 'intercept streams unbuffered (added p50 < 1/4 of a stream)',
        value: added(at1, 'intercept') < streamMs / 4 ? 1 : 0,
        unit: 'yes=1',
        goal: '1',
        met: added(at1, 'intercept') < streamMs / 4,
      },
    ];
    return {
      name: 'intercept',
      figures,
      notes: [
        `loopback, ${CONNECTIONS} keep-alive connections; warm-up ${WARM_UP_MS} ms per target, then ` +
          `${WARM_UP_ROUNDS} unmeasured rounds; ${ROUNDS} rounds of ${SLICE_MS} ms per target taking turns ` +
          `(${SETTLE_MS} ms ` +
          `pause before each); SSE ${EVENTS} events ${EVENT_GAP_MS} ms apart, ${STREAM_ROUNDS} rounds`,
        'intercept runs as `node bin/qwen-probe.js intercept --workers auto` (dist/), recording every exchange into ' +
          'a capture; mitmdump regular mode, own CA, map_remote, connection_strategy=lazy',
        `${availableParallelism()} cores shared by the bench client, the upstream and the proxy measured`,
      ],
    };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
