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
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
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

/** One way to reach the upstream: direct, or through one of the proxies (whose CPU we watch). */
interface Target {
  readonly name: string;
  readonly base: string;
  readonly dispatcher: Dispatcher;
  readonly pid?: number;
}

/**
 * Requests/s and the proxy's CPU ms per request, measured in short slices that take turns across
 * targets (ROUNDS rounds): load from other processes on a shared machine then weighs on every target
 * alike instead of on whichever happened to run during a busy spell.
 */
async function throughput(targets: readonly Target[]): Promise<Map<string, { rps: number; cpuPerRequest: number }>> {
  const slice = async (t: Target, ms: number): Promise<number> => {
    const until = performance.now() + ms;
    const loop = async (): Promise<number> => {
      let n = 0;
      while (performance.now() < until) {
        const res = await request(`${t.base}/json`, { dispatcher: t.dispatcher });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`${t.name}: status ${res.statusCode}`);
        n++;
      }
      return n;
    };
    return (await Promise.all(Array.from({ length: CONNECTIONS }, loop))).reduce((a, b) => a + b, 0);
  };
  for (const t of targets) await slice(t, 300); // warm-up: connections, certificates, JIT
  const tally = new Map(targets.map((t) => [t.name, { requests: 0, ms: 0, cpu: 0 }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      const cpuBefore = await cpuMs(t.pid);
      const started = performance.now();
      const requests = await slice(t, SLICE_MS);
      const sum = tally.get(t.name)!;
      sum.ms += performance.now() - started;
      sum.requests += requests;
      sum.cpu += (await cpuMs(t.pid)) - cpuBefore;
    }
  }
  return new Map([...tally].map(([name, s]) => [name, { rps: s.requests / (s.ms / 1000), cpuPerRequest: s.cpu / s.requests }]));
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

/** `qwen-probe intercept` as users start it; `record: false` includes no host, to show mockttp's own cost. */
async function startIntercept(children: Child[], dir: string, upstreamPort: number, record = true): Promise<{ child: Child; url: string; ca: string }> {
  const args = ['--port', '0', '--map', `${HOST}=https://127.0.0.1:${upstreamPort}`, '--out', join(dir, `bench-${record}.har`), '--ca-dir', join(dir, 'ca')];
  const child = startChild(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'intercept', ...args, ...(record ? [] : ['--include', 'nothing.invalid'])]);
  children.push(child);
  const [, url] = await waitForOutput(child, /^listening on (\S+)$/m);
  const [, caPath] = await waitForOutput(child, /^CA certificate: (.+)$/m);
  return { child, url: url!, ca: await readFile(caPath!, 'utf8') };
}

async function startMitmdump(children: Child[], dir: string, upstreamPort: number, streaming: boolean): Promise<{ child: Child; url: string; ca: string }> {
  const port = await freePort();
  const confdir = join(dir, streaming ? 'mitm-stream' : 'mitm');
  const addon = join(dir, 'stream_all.py');
  await writeFile(addon, MITM_STREAM_ADDON);
  const child = startChild('mitmdump', [
    '--listen-host', '127.0.0.1', '--listen-port', String(port),
    '--set', `confdir=${confdir}`, '--set', 'ssl_insecure=true', '--set', 'connection_strategy=lazy',
    '--map-remote', `|//${HOST.replace('.', '\\.')}|//127.0.0.1:${upstreamPort}`,
    ...(streaming ? ['-s', addon] : []),
  ]);
  children.push(child);
  await waitForOutput(child, /proxy server listening/i);
  return { child, url: `http://127.0.0.1:${port}`, ca: await readFile(join(confdir, 'mitmproxy-ca-cert.pem'), 'utf8') };
}

/** Runs the whole comparison; every child process is stopped on the way out. */
export default async function bench(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'qp-bench-intercept-'));
  const tlsMaterial = await generateCACertificate({ subject: { commonName: HOST } });
  const children: Child[] = [];
  try {
    const upstream = startChild(process.execPath, ['-e', UPSTREAM_SCRIPT], { BENCH_TLS: JSON.stringify(tlsMaterial) });
    children.push(upstream);
    const upstreamPort = Number((await waitForOutput(upstream, /^port (\d+)$/m))[1]);
    const target = `https://${HOST}`;
    // All proxies run at once (an idle one costs nothing) so that the measurements can take turns.
    const ours = await startIntercept(children, dir, upstreamPort);
    const bare = await startIntercept(children, dir, upstreamPort, false);
    const mitm = await startMitmdump(children, dir, upstreamPort, false);
    const mitmS = await startMitmdump(children, dir, upstreamPort, true);
    const via = (name: string, p: { child: Child; url: string; ca: string }): Target => ({
      name,
      base: target,
      dispatcher: new ProxyAgent({ uri: p.url, requestTls: { ca: p.ca } }),
      pid: p.child.process.pid,
    });
    const direct: Target = { name: 'direct', base: `https://127.0.0.1:${upstreamPort}`, dispatcher: new Agent({ connect: { rejectUnauthorized: false } }), pid: upstream.process.pid };
    const [intercept, bareIntercept, mitmdump, mitmStreaming] = [via('intercept', ours), via('bare', bare), via('mitm', mitm), via('mitmStreaming', mitmS)];
    const rates = await throughput([direct, intercept, bareIntercept, mitmdump]);
    const at1 = await eventDelays([direct, intercept, mitmStreaming, mitmdump], 1);
    const at10 = await eventDelays([direct, intercept, mitmStreaming], 10);
    for (const t of [direct, intercept, bareIntercept, mitmdump, mitmStreaming]) await t.dispatcher.close();

    const rate = (name: string): { rps: number; cpuPerRequest: number } => rates.get(name)!;
    const p50 = (m: Map<string, number[]>, name: string): number => percentile(m.get(name)!, 50);
    const added = (m: Map<string, number[]>, name: string): number => p50(m, name) - p50(m, 'direct');
    const [d, i, m] = [rate('direct'), rate('intercept'), rate('mitm')];
    const streamMs = (EVENTS - 1) * EVENT_GAP_MS;
    const figures: BenchFigure[] = [
      { label: 'direct: small JSON HTTPS requests/s', value: d.rps, unit: 'req/s' },
      { label: 'intercept: requests/s (recording to a capture)', value: i.rps, unit: 'req/s' },
      { label: 'intercept recording nothing (mockttp alone): requests/s', value: rate('bare').rps, unit: 'req/s' },
      { label: 'mitmdump 8.1.1: requests/s', value: m.rps, unit: 'req/s' },
      { label: 'intercept / mitmdump requests/s', value: i.rps / m.rps, unit: 'x', goal: '>= 3x', met: i.rps / m.rps >= 3 },
      { label: 'intercept / direct requests/s', value: i.rps / d.rps, unit: 'x' },
      { label: 'mitmdump / direct requests/s', value: m.rps / d.rps, unit: 'x' },
      { label: 'upstream alone: CPU per request (direct)', value: d.cpuPerRequest, unit: 'ms' },
      { label: 'intercept: proxy CPU per request', value: i.cpuPerRequest, unit: 'ms' },
      { label: 'intercept recording nothing: proxy CPU per request', value: rate('bare').cpuPerRequest, unit: 'ms' },
      { label: 'mitmdump: proxy CPU per request', value: m.cpuPerRequest, unit: 'ms' },
      { label: 'mitmdump / intercept CPU per request', value: m.cpuPerRequest / i.cpuPerRequest, unit: 'x' },
      { label: 'direct: per-event delay p50, 1 stream', value: p50(at1, 'direct'), unit: 'ms' },
      { label: 'intercept: added per-event p50, 1 stream', value: added(at1, 'intercept'), unit: 'ms' },
      { label: 'intercept: added per-event p50, 10 streams', value: added(at10, 'intercept'), unit: 'ms', goal: '<= 0.5 ms', met: added(at10, 'intercept') <= 0.5 },
      { label: 'mitmdump streaming addon: added per-event p50, 1 stream', value: added(at1, 'mitmStreaming'), unit: 'ms' },
      { label: 'mitmdump streaming addon: added per-event p50, 10 streams', value: added(at10, 'mitmStreaming'), unit: 'ms' },
      { label: 'mitmdump as installed (buffers SSE): added p50, 1 stream', value: added(at1, 'mitm'), unit: 'ms' },
      { label: 'mitmdump streaming / intercept added p50, 10 streams', value: added(at10, 'mitmStreaming') / Math.max(added(at10, 'intercept'), 0.01), unit: 'x' },
      { label: 'intercept streams unbuffered (added p50 < 1/4 of a stream)', value: added(at1, 'intercept') < streamMs / 4 ? 1 : 0, unit: 'yes=1', goal: '1', met: added(at1, 'intercept') < streamMs / 4 },
    ];
    return {
      name: 'intercept',
      figures,
      notes: [
        `loopback, ${CONNECTIONS} keep-alive connections, ${ROUNDS} rounds of ${SLICE_MS} ms per target taking turns; SSE ${EVENTS} events ${EVENT_GAP_MS} ms apart, ${STREAM_ROUNDS} rounds`,
        'intercept runs as `qwen-probe intercept` (tsx), recording every exchange into a capture; mitmdump regular mode, own CA, map_remote, connection_strategy=lazy',
      ],
    };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
