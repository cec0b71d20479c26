/**
 * `npm run bench -- serve`: what `qwen-probe serve` adds on top of talking to the upstream directly.
 *
 * Three processes, so that the proxy's CPU and memory are its own: the simulator (child), the
 * proxy (`node bin/qwen-probe.js serve`, as users start it, freshly built) and this load generator. The same load runs
 * twice per concurrency level, in the
 * same run: "direct" speaks the web shape to the simulator (chats/new, then the completion), "via"
 * asks the proxy for a streamed OpenAI completion (which does the same upstream). Figures:
 * - time to first token and per-chunk latency, p50 added by the proxy at 1/10/100 streams;
 * - streams/s and chunks/s through the proxy as a ratio of direct at 1/10/100/500 streams;
 * - the proxy's CPU per stream and per chunk (the one figure a busy machine does not distort);
 * - its peak RSS at 500 streams, its live heap per open stream (500 long answers open at once),
 *   and its live heap after the load against the start (from heap snapshots).
 * Every streamed text is checked against the simulator's deterministic answer.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { median, percentile, type BenchFigure, type BenchResult } from './bench-result.js';

const ROLE = process.env.QWEN_PROBE_BENCH_ROLE;
const SELF = fileURLToPath(import.meta.url);
/** Between upstream events: chat.qwen.ai sends a few words about every 50-100 ms. */
const CHUNK_INTERVAL_MS = Number(process.env.QWEN_PROBE_BENCH_INTERVAL ?? 100);
/** Extra words per answer (`[[words=N]]`): about 20 content chunks per stream. */
const WORDS = Number(process.env.QWEN_PROBE_BENCH_WORDS ?? 30);
/** Seconds each load level runs (new streams start until then; running ones finish). */
const LEVEL_SECONDS = Number(process.env.QWEN_PROBE_BENCH_SECONDS ?? 8);
/**
 * How stream starts are spread: worker w of N starts its first stream w/N of this later, then
 * each starts its next when its last ended. About one answer's length, so that N concurrent
 * streams arrive the way N independent clients do. Starting all N in the same millisecond (and
 * so keeping them in lockstep, since every answer lasts the same) is measured too, as the worst case.
 */
const SPREAD_MS = CHUNK_INTERVAL_MS * 20;
/** Concurrency levels; `QWEN_PROBE_BENCH_LEVELS=100` runs one while investigating. */
const LEVELS = (process.env.QWEN_PROBE_BENCH_LEVELS ?? '1,10,100,500').split(',').map(Number);
/** Turns direct and via take within each level. */
const ROUNDS = 2;
const MODEL = 'qwen3-max';
const MIB = 1024 * 1024;

type Message = { kind: 'url'; url: string };
/** The proxy's figures at one moment; `live` is 0 unless a heap snapshot was asked for. */
interface Memory {
  readonly rss: number;
  readonly cpuMs: number;
  readonly live: number;
  /** Streams the load generator had open (first chunk in, not ended) at that moment. */
  readonly open: number;
}
/**
 * Bytes of live JS objects in a heap snapshot (which collects garbage first): the sum of the
 * nodes' self sizes. Read here, in the bench process, so that parsing a snapshot of tens of MiB
 * does not inflate the proxy's own RSS. The file is removed afterwards.
 */
function liveHeapBytes(file: string): number {
  try {
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
      snapshot: { meta: { node_fields: string[] } };
      nodes: number[];
    };
    const fields = snapshot.snapshot.meta.node_fields;
    const self = fields.indexOf('self_size');
    let total = 0;
    for (let i = self; i < snapshot.nodes.length; i += fields.length) total += snapshot.nodes[i]!;
    return total;
  } finally {
    rmSync(file, { force: true });
  }
}

// ---- child roles -------------------------------------------------------------------------------

async function runChild(role: string): Promise<void> {
  // A reply may race the parent's disconnect at the end; a lost figure is fine, a crash is not.
  const send = (m: Message) => {
    if (process.connected) process.send?.(m, undefined, {}, () => undefined);
  };
  if (role === 'simulator') {
    // The simulator waits on one AbortSignal per open stream; 500 of them are expected here.
    setMaxListeners(10_000);
    const { startSimulator } = await import('../src/simulator/index.js');
    const sim = await startSimulator({ port: 0, chunkIntervalMs: CHUNK_INTERVAL_MS });
    send({ kind: 'url', url: sim.url });
  }
  process.on('disconnect', () => process.exit(0));
}

if (ROLE) await runChild(ROLE);

/**
 * The children run from one esbuild bundle of this file when esbuild (a dependency of tsx) is
 * there: under tsx every process would carry its loader thread (about 30 MiB RSS) and the memory
 * figures would be tsx's, not the proxy's. Without esbuild they fall back to tsx, and a note says so.
 */
async function childEntry(): Promise<{ file: string; execArgv: string[]; bundled: boolean }> {
  try {
    const esbuild = (await import('esbuild' as string)) as {
      build(options: Record<string, unknown>): Promise<unknown>;
    };
    const outfile = fileURLToPath(new URL('./results/serve-bench-child.mjs', import.meta.url));
    await esbuild.build({
      entryPoints: [SELF],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    return { file: outfile, execArgv: [], bundled: true };
  } catch {
    return { file: SELF, execArgv: ['--import', 'tsx'], bundled: false };
  }
}

function startChild(
  entry: { file: string; execArgv: string[] },
  role: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(entry.file, [], {
    execArgv: entry.execArgv,
    env: { ...process.env, ...env, QWEN_PROBE_BENCH_ROLE: role },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start`)), 30_000);
    child.once('message', (m: Message) => {
      clearTimeout(timer);
      if (m.kind === 'url') resolve({ child, url: m.url });
    });
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

/** The proxy under test: `qwen-probe serve` as users start it, read from the outside. */
interface ProxyProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** RSS and CPU from /proc; `live` adds the live heap from a heap snapshot (SIGUSR2). */
  memory(live?: boolean): Promise<Memory>;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
let builtOnce = false;

/**
 * Starts `node bin/qwen-probe.js serve` against the simulator, after building dist/ from the current
 * source (once per bench run), so the figures are those of the command users run, with its
 * start-up and its heap settings. `--heapsnapshot-signal` only lets the bench ask for a heap
 * snapshot; it changes nothing else. Snapshots land in a private directory and are deleted after
 * reading.
 */
async function startProxy(target: string): Promise<ProxyProcess> {
  if (!builtOnce) {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
      { stdio: 'inherit' },
    );
    builtOnce = true;
  }
  const snapshots = mkdtempSync(join(tmpdir(), 'qwen-probe-serve-bench-'));
  const child = spawn(
    process.execPath,
    [
      '--heapsnapshot-signal=SIGUSR2',
      join(ROOT, 'bin/qwen-probe.js'),
      'serve',
      '--target',
      target,
      '--user',
      'demo@qwen-probe.test:demo-password',
      '--port',
      '0',
    ],
    { cwd: snapshots, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^listening on (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  child.stdout!.resume();
  const pid = child.pid!;
  const closed = new Promise<void>((done) => child.once('exit', () => done()));
  const snapshotLive = async (): Promise<number> => {
    const before = new Set(readdirSync(snapshots));
    process.kill(pid, 'SIGUSR2');
    // The file appears at once and grows while V8 writes it: done when its size holds still.
    for (let last = -1, i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const file = readdirSync(snapshots).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
      if (!file) continue;
      const size = statSync(join(snapshots, file)).size;
      if (size > 0 && size === last) return liveHeapBytes(join(snapshots, file));
      last = size;
    }
    throw new Error('no heap snapshot from serve');
  };
  return {
    child,
    url,
    memory: async (live = false) => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const cpuMs = (Number(stat[11]) + Number(stat[12])) * 10; // clock ticks of 10 ms (USER_HZ 100)
      return { rss, cpuMs, live: live ? await snapshotLive() : 0, open: openStreams };
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await closed;
      rmSync(snapshots, { recursive: true, force: true });
    },
  };
}

// ---- load generator ----------------------------------------------------------------------------

interface StreamTiming {
  readonly ttft: number;
  /** Arrival of each content chunk, ms after the request started. */
  readonly offsets: number[];
  readonly ok: boolean;
}

const newAgent = () => new Agent({ connections: 4096, pipelining: 1, keepAliveTimeout: 30_000 });
let agent = newAgent();

/** Reads an SSE body, calling `onText` per chunk; returns the concatenated body. */
async function readBody(body: AsyncIterable<Uint8Array>, onChunk: (text: string, t: number) => void): Promise<string> {
  const decoder = new TextDecoder();
  let all = '';
  for await (const chunk of body) {
    const t = performance.now();
    const text = decoder.decode(chunk, { stream: true });
    all += text;
    onChunk(text, t);
  }
  return all;
}

/** Pulls the answer text out of SSE frames with a per-frame JSON read (checked after timing). */
function answerOf(body: string, via: boolean): string {
  let answer = '';
  for (const frame of body.split('\n\n')) {
    const data = frame.startsWith('data: ') ? frame.slice(6) : '';
    if (data === '' || data === '[DONE]') continue;
    const json = JSON.parse(data) as { choices?: { delta?: { content?: string; phase?: string } }[] };
    const delta = json.choices?.[0]?.delta;
    if (delta?.content && (via || delta.phase === 'answer')) answer += delta.content;
  }
  return answer;
}

interface Target {
  readonly via: boolean;
  readonly url: string;
  readonly token: string;
}

/** Streams that received their first chunk and have not ended, across all targets. */
let openStreams = 0;

async function oneStream(target: Target, prompt: string, expected: string): Promise<StreamTiming> {
  const t0 = performance.now();
  const offsets: number[] = [];
  let ttft = -1;
  let counted = false;
  const marker = target.via ? /"content":"[^"]/g : /"content": "[^"]/g;
  const onChunk = (text: string, t: number) => {
    if (!counted) {
      counted = true;
      openStreams++;
    }
    const hits = text.match(marker)?.length ?? 0;
    for (let i = 0; i < hits; i++) offsets.push(t - t0);
    if (hits > 0 && ttft < 0) ttft = t - t0;
  };
  let body: string;
  try {
    if (target.via) {
      const res = await request(`${target.url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
        body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }] }),
      });
      body = await readBody(res.body, onChunk);
    } else {
      const { SHAPES, systemIdClock } = await import('../src/upstream/shapes.js');
      const ctx = { baseUrl: target.url, token: target.token, model: MODEL, prompt, idClock: systemIdClock };
      const create = SHAPES.web.createChat!(ctx);
      const created = await request(create.url, {
        method: 'POST',
        dispatcher: agent,
        headers: create.headers.flatMap((h) => [h.name, h.value]),
        body: create.body ?? '',
      });
      const chatId = ((await created.body.json()) as { data: { id: string } }).data.id;
      const completion = SHAPES.web.completion(ctx, { chatId, parentId: null });
      const res = await request(completion.url, {
        method: 'POST',
        dispatcher: agent,
        headers: completion.headers.flatMap((h) => [h.name, h.value]),
        body: completion.body ?? '',
      });
      body = await readBody(res.body, onChunk);
    }
  } finally {
    if (counted) openStreams--;
  }
  return { ttft, offsets, ok: answerOf(body, target.via) === expected };
}

interface LevelResult {
  readonly streams: number;
  readonly chunks: number;
  readonly seconds: number;
  readonly timings: StreamTiming[];
  readonly failed: number;
}

async function runLevel(
  target: Target,
  concurrency: number,
  seconds: number,
  options: { spreadMs?: number; words?: number } = {},
): Promise<LevelResult> {
  const { spreadMs = SPREAD_MS, words = WORDS } = options;
  const { expectedAnswer } = await import('../src/simulator/answers.js');
  const timings: StreamTiming[] = [];
  let failed = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let n = 0;
  const worker = async (w: number) => {
    if (spreadMs > 0 && w > 0) await new Promise((r) => setTimeout(r, (w / concurrency) * spreadMs));
    // Bounded: each iteration is one stream, and none starts after the deadline.
    while (performance.now() < deadline) {
      const prompt = `bench ${w} ${n++} [[words=${words}]]`;
      try {
        const timing = await oneStream(target, prompt, expectedAnswer(prompt).answer);
        if (timing.ok) timings.push(timing);
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  return {
    streams: timings.length,
    chunks: timings.reduce((s, t) => s + t.offsets.length, 0),
    seconds: elapsed,
    timings,
    failed,
  };
}

/** Rounds of one level taken together. */
function mergeLevels(rounds: readonly LevelResult[]): LevelResult {
  return {
    streams: rounds.reduce((n, r) => n + r.streams, 0),
    chunks: rounds.reduce((n, r) => n + r.chunks, 0),
    seconds: rounds.reduce((n, r) => n + r.seconds, 0),
    timings: rounds.flatMap((r) => r.timings),
    failed: rounds.reduce((n, r) => n + r.failed, 0),
  };
}

/** Median over chunk index k of (median offset of chunk k via − the same direct). */
function addedChunkLatency(direct: StreamTiming[], via: StreamTiming[]): number {
  const byIndex = (list: StreamTiming[], k: number) =>
    list.map((t) => t.offsets[k]).filter((x): x is number => x !== undefined);
  const maxK = Math.min(...[...direct, ...via].map((t) => t.offsets.length));
  const diffs: number[] = [];
  for (let k = 0; k < maxK; k++) diffs.push(median(byIndex(via, k)) - median(byIndex(direct, k)));
  return median(diffs);
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export default async function bench(): Promise<BenchResult> {
  const entry = await childEntry();
  const sim = await startChild(entry, 'simulator');
  const proxy = await startProxy(sim.url);
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  const loadBefore = loadavg()[0]!;
  try {
    const { resolveCredentials } = await import('../src/client/credentials.js');
    const { token } = await resolveCredentials({ target: sim.url, user: 'demo@qwen-probe.test:demo-password' });
    const direct: Target = { via: false, url: sim.url, token };
    const via: Target = { via: true, url: proxy.url, token };
    // Warm both paths (JIT, connection pools, the proxy's model list).
    await runLevel(direct, 20, 1, { spreadMs: 0 });
    await runLevel(via, 20, 1, { spreadMs: 0 });
    const baseline = await proxy.memory();

    /**
     * One level: direct and via take turns in ROUNDS slices, so that a busy spell of the shared machine weighs on both
     * alike.
     */
    const measure = async (concurrency: number, spreadMs: number) => {
      const seconds = concurrency === 500 ? LEVEL_SECONDS + 3 : LEVEL_SECONDS;
      const directRounds: LevelResult[] = [];
      const viaRounds: LevelResult[] = [];
      let peak = baseline;
      let cpuUsed = 0;
      for (let r = 0; r < ROUNDS; r++) {
        directRounds.push(await runLevel(direct, concurrency, seconds / ROUNDS, { spreadMs }));
        const sampler = setInterval(() => {
          void proxy.memory().then((m) => {
            if (m.rss > peak.rss) peak = m;
          });
        }, 100);
        const cpuBefore = (await proxy.memory()).cpuMs;
        viaRounds.push(await runLevel(via, concurrency, seconds / ROUNDS, { spreadMs }));
        cpuUsed += (await proxy.memory()).cpuMs - cpuBefore;
        clearInterval(sampler);
      }
      return { d: mergeLevels(directRounds), v: mergeLevels(viaRounds), peak, cpuUsed };
    };
    const ttftP50 = (l: LevelResult) => median(l.timings.map((t) => t.ttft));

    for (const concurrency of LEVELS) {
      const { d, v, peak, cpuUsed } = await measure(concurrency, SPREAD_MS);
      const label = `${concurrency} stream${concurrency === 1 ? '' : 's'}`;
      if (concurrency <= 100) {
        const ttftAdded = median(v.timings.map((t) => t.ttft)) - median(d.timings.map((t) => t.ttft));
        figures.push({
          label: `TTFT p50 added, ${label}`,
          value: round(ttftAdded),
          unit: 'ms',
          ...(concurrency === 100 ? { goal: '<= 2 ms', met: ttftAdded <= 2 } : {}),
        });
        const chunkAdded = addedChunkLatency(d.timings, v.timings);
        figures.push({
          label: `per-chunk latency p50 added, ${label}`,
          value: round(chunkAdded),
          unit: 'ms',
          ...(concurrency === 100 ? { goal: '<= 2 ms', met: chunkAdded <= 2 } : {}),
        });
        notes.push(
          `${label}: TTFT p50 direct ${round(ttftP50(d), 1)} ms, via ${round(ttftP50(v), 1)} ms; p99 via ${round(
            percentile(
              v.timings.map((t) => t.ttft),
              99,
            ),
            1,
          )} ms`,
        );
      }
      if (concurrency === 100) {
        const lockstep = await measure(concurrency, 0);
        figures.push({
          label: 'TTFT p50 added, 100 streams all starting at once',
          value: round(ttftP50(lockstep.v) - ttftP50(lockstep.d)),
          unit: 'ms',
        });
        figures.push({
          label: 'per-chunk latency p50 added, 100 streams at once',
          value: round(addedChunkLatency(lockstep.d.timings, lockstep.v.timings)),
          unit: 'ms',
        });
        notes.push(
          `100 streams all starting at once (worst case, in lockstep): TTFT p50 direct ` +
            `${round(ttftP50(lockstep.d), 1)} ms, via ${round(ttftP50(lockstep.v), 1)} ms`,
        );
      }
      // CPU time does not depend on how busy the machine is, unlike every wall-clock figure here.
      figures.push({
        label: `proxy CPU per stream, ${label}`,
        value: round(cpuUsed / Math.max(1, v.streams + v.failed), 2),
        unit: 'ms',
      });
      figures.push({
        label: `proxy CPU per forwarded chunk, ${label}`,
        value: round((cpuUsed * 1000) / Math.max(1, v.chunks), 1),
        unit: 'us',
      });
      const streamRatio = v.streams / v.seconds / (d.streams / d.seconds);
      const chunkRatio = v.chunks / v.seconds / (d.chunks / d.seconds);
      figures.push({
        label: `streams/s via / direct, ${label}`,
        value: round(streamRatio),
        unit: 'x',
        ...(concurrency === 500 ? { goal: '>= 0.8x', met: streamRatio >= 0.8 } : {}),
      });
      figures.push({ label: `chunks/s via / direct, ${label}`, value: round(chunkRatio), unit: 'x' });
      notes.push(
        `${label}: direct ${round(d.streams / d.seconds, 1)} streams/s (${d.failed} failed), via ` +
          `${round(v.streams / v.seconds, 1)} streams/s (${v.failed} failed)`,
      );
      if (d.failed + v.failed > 0)
        figures.push({
          label: `streams failed or wrong text, ${label}`,
          value: d.failed + v.failed,
          unit: '',
          goal: '0',
          met: false,
        });
      if (concurrency === 500) {
        figures.push({
          label: 'proxy peak RSS, 500 streams',
          value: round(peak.rss / MIB, 1),
          unit: 'MiB',
          goal: '< 133 MiB (half the peer)',
          met: peak.rss / MIB < 133,
        });
        figures.push({
          label: 'proxy RSS growth to that peak (the peer: 97 -> 267, +170 MiB)',
          value: round((peak.rss - baseline.rss) / MIB, 1),
          unit: 'MiB',
          goal: '< 85 MiB (half)',
          met: (peak.rss - baseline.rss) / MIB < 85,
        });
      }
    }
    // Memory held per open stream, on a fresh proxy so that nothing above is counted: the live
    // heap with 500 long streams (about 100 chunks each) all mid-answer, and after they ended.
    await agent.close();
    agent = newAgent();
    const fresh = await startProxy(sim.url);
    try {
      const viaFresh: Target = { via: true, url: fresh.url, token };
      await runLevel(viaFresh, 20, 1, { spreadMs: 0 });
      await new Promise((r) => setTimeout(r, 11_000)); // warm-up connections idle out
      const start = await fresh.memory(true);
      const longRun = runLevel(viaFresh, 500, 1, { spreadMs: 0, words: 300 });
      for (let i = 0; i < 100 && (await fresh.memory()).open < 490; i++) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 2000)); // well into the answers
      const open = await fresh.memory(true);
      await longRun;
      // Idle keep-alive connections (both sides, ~50 KiB each) are state, not leaks: let them go.
      await agent.close();
      agent = newAgent();
      await new Promise((r) => setTimeout(r, 11_000));
      const after = await fresh.memory(true);
      figures.push({
        label: `proxy live heap per open stream (${open.open} open, ~30 chunks in)`,
        value: round((open.live - start.live) / Math.max(1, open.open) / 1024, 1),
        unit: 'KiB',
      });
      figures.push({
        label: 'proxy live heap after 500 long streams, minus before',
        value: round((after.live - start.live) / MIB, 2),
        unit: 'MiB',
        goal: 'about 0 (back to start)',
        met: after.live - start.live < 2 * MIB,
      });
    } finally {
      await fresh.stop();
    }
    figures.push({ label: 'proxy RSS at start (after warm-up)', value: round(baseline.rss / MIB, 1), unit: 'MiB' });
    notes.push(
      `machine load average ${round(loadBefore, 1)} before, ${round(loadavg()[0]!, 1)} after (2 cores: above ~1.5 ` +
        `every hop between the three processes waits for a core, and the ms figures mean little)`,
    );
    notes.push(
      `proxy: \`node bin/qwen-probe.js serve\` built from this source (RSS and CPU read from /proc, live heap from ` +
        `heap snapshots); simulator: ` +
        `${entry.bundled ? 'plain node (an esbuild bundle of this file)' : 'tsx (esbuild missing)'}`,
    );
    notes.push(
      `chunk interval ${CHUNK_INTERVAL_MS} ms, ${WORDS} extra words (~20 content chunks) per stream, ` +
        `${LEVEL_SECONDS} s per level and target (500: +3 s) in ${ROUNDS} alternating rounds, starts spread over ` +
        `${SPREAD_MS} ms; simulator, proxy and load generator in three processes on the same cores`,
    );
  } finally {
    sim.child.disconnect();
    await proxy.stop();
    if (!agent.closed) await agent.close();
  }
  return { name: 'serve', figures, notes };
}
