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
const THROUGHPUT_MS = 4000;
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

/**
 * Requests per second of CONNECTIONS sequential loops for THROUGHPUT_MS (after a short warm-up), and
 * the proxy's CPU ms per request: on a shared machine, the CPU cost is steadier than the rate.
 */
async function throughput(base: string, dispatcher: Dispatcher, pid?: number): Promise<{ rps: number; cpuPerRequest: number }> {
  const loop = async (until: number): Promise<number> => {
    let n = 0;
    while (performance.now() < until) {
      const res = await request(`${base}/json`, { dispatcher });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      n++;
    }
    return n;
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, () => loop(performance.now() + 500)));
  const cpuBefore = await cpuMs(pid);
  const start = performance.now();
  const counts = await Promise.all(Array.from({ length: CONNECTIONS }, () => loop(start + THROUGHPUT_MS)));
  const seconds = (performance.now() - start) / 1000;
  const total = counts.reduce((a, b) => a + b, 0);
  return { rps: total / seconds, cpuPerRequest: ((await cpuMs(pid)) - cpuBefore) / total };
}

/** Per-event delay (arrival minus upstream send, ms) over `streams` concurrent streams, a few rounds. */
async function eventDelays(base: string, dispatcher: Dispatcher, streams: number): Promise<number[]> {
  const delays: number[] = [];
  const one = async (): Promise<void> => {
    const res = await request(`${base}/sse?n=${EVENTS}&gap=${EVENT_GAP_MS}`, { dispatcher });
    let pending = '';
    for await (const chunk of res.body) {
      const arrived = performance.timeOrigin + performance.now();
      pending += String(chunk);
      const frames = pending.split('\n\n');
      pending = frames.pop() ?? '';
      for (const frame of frames) delays.push(arrived - Number(frame.slice('data: '.length)));
    }
  };
  for (let round = 0; round < STREAM_ROUNDS; round++) await Promise.all(Array.from({ length: streams }, one));
  return delays;
}

interface Measured {
  readonly rps: number;
  readonly cpuPerRequest: number;
  readonly p50At1: number;
  readonly p50At10: number;
}

async function measure(base: string, dispatcher: Dispatcher, pid: number | undefined, withThroughput = true): Promise<Measured> {
  const { rps, cpuPerRequest } = withThroughput ? await throughput(base, dispatcher, pid) : { rps: 0, cpuPerRequest: Number.NaN };
  const p50At1 = percentile(await eventDelays(base, dispatcher, 1), 50);
  const p50At10 = percentile(await eventDelays(base, dispatcher, 10), 50);
  await dispatcher.close();
  return { rps, cpuPerRequest, p50At1, p50At10 };
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

    const direct = await measure(`https://127.0.0.1:${upstreamPort}`, new Agent({ connect: { rejectUnauthorized: false } }), upstream.process.pid);
    const ours = await startIntercept(children, dir, upstreamPort);
    const intercept = await measure(target, new ProxyAgent({ uri: ours.url, requestTls: { ca: ours.ca } }), ours.child.process.pid);
    await ours.child.stop();
    const bare = await startIntercept(children, dir, upstreamPort, false);
    const { rps: bareRps, cpuPerRequest: bareCpu } = await throughput(target, new ProxyAgent({ uri: bare.url, requestTls: { ca: bare.ca } }), bare.child.process.pid);
    await bare.child.stop();
    const mitm = await startMitmdump(children, dir, upstreamPort, false);
    const mitmBuffered = await measure(target, new ProxyAgent({ uri: mitm.url, requestTls: { ca: mitm.ca } }), mitm.child.process.pid);
    await mitm.child.stop();
    const mitmS = await startMitmdump(children, dir, upstreamPort, true);
    const mitmStreaming = await measure(target, new ProxyAgent({ uri: mitmS.url, requestTls: { ca: mitmS.ca } }), mitmS.child.process.pid, false);
    await mitmS.child.stop();

    const added = (m: Measured, key: 'p50At1' | 'p50At10'): number => m[key] - direct[key];
    const streamMs = (EVENTS - 1) * EVENT_GAP_MS;
    const figures: BenchFigure[] = [
      { label: 'direct: small JSON HTTPS requests/s', value: direct.rps, unit: 'req/s' },
      { label: 'intercept: requests/s (recording to a capture)', value: intercept.rps, unit: 'req/s' },
      { label: 'intercept recording nothing (mockttp alone): requests/s', value: bareRps, unit: 'req/s' },
      { label: 'mitmdump 8.1.1: requests/s', value: mitmBuffered.rps, unit: 'req/s' },
      { label: 'intercept / mitmdump requests/s', value: intercept.rps / mitmBuffered.rps, unit: 'x', goal: '>= 3x', met: intercept.rps / mitmBuffered.rps >= 3 },
      { label: 'intercept / direct requests/s', value: intercept.rps / direct.rps, unit: 'x' },
      { label: 'mitmdump / direct requests/s', value: mitmBuffered.rps / direct.rps, unit: 'x' },
      { label: 'upstream alone: CPU per request (direct)', value: direct.cpuPerRequest, unit: 'ms' },
      { label: 'intercept: proxy CPU per request', value: intercept.cpuPerRequest, unit: 'ms' },
      { label: 'intercept recording nothing: proxy CPU per request', value: bareCpu, unit: 'ms' },
      { label: 'mitmdump: proxy CPU per request', value: mitmBuffered.cpuPerRequest, unit: 'ms' },
      { label: 'mitmdump / intercept CPU per request', value: mitmBuffered.cpuPerRequest / intercept.cpuPerRequest, unit: 'x' },
      { label: 'direct: per-event delay p50, 1 stream', value: direct.p50At1, unit: 'ms' },
      { label: 'intercept: added per-event p50, 1 stream', value: added(intercept, 'p50At1'), unit: 'ms' },
      { label: 'intercept: added per-event p50, 10 streams', value: added(intercept, 'p50At10'), unit: 'ms', goal: '<= 0.5 ms', met: added(intercept, 'p50At10') <= 0.5 },
      { label: 'mitmdump streaming addon: added per-event p50, 1 stream', value: added(mitmStreaming, 'p50At1'), unit: 'ms' },
      { label: 'mitmdump streaming addon: added per-event p50, 10 streams', value: added(mitmStreaming, 'p50At10'), unit: 'ms' },
      { label: 'mitmdump as installed (buffers SSE): added p50, 1 stream', value: added(mitmBuffered, 'p50At1'), unit: 'ms' },
      { label: 'mitmdump streaming / intercept added p50, 10 streams', value: added(mitmStreaming, 'p50At10') / Math.max(added(intercept, 'p50At10'), 0.01), unit: 'x' },
      { label: 'intercept streams unbuffered (added p50 < 1/4 of a stream)', value: added(intercept, 'p50At1') < streamMs / 4 ? 1 : 0, unit: 'yes=1', goal: '1', met: added(intercept, 'p50At1') < streamMs / 4 },
    ];
    return {
      name: 'intercept',
      figures,
      notes: [
        `loopback, ${CONNECTIONS} keep-alive connections for ${THROUGHPUT_MS / 1000} s; SSE ${EVENTS} events ${EVENT_GAP_MS} ms apart, ${STREAM_ROUNDS} rounds`,
        'intercept runs as `qwen-probe intercept` (tsx), recording every exchange into a capture; mitmdump regular mode, own CA, map_remote, connection_strategy=lazy',
      ],
    };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
