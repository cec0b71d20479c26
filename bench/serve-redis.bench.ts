/**
 * `npm run bench -- serve-redis`: what `serve --redis` costs, and what a second instance gives.
 *
 * Processes: the simulator, a redis-server (Debian's, on a free loopback port, as in the tests),
 * three `node bin/qwen-probe.js serve` built from this source (one with its state in memory, two
 * sharing the Redis) and this load generator. Every figure compares targets measured in the same
 * run, so that a busy spell of the shared machine weighs on all alike (at 100 streams the targets
 * take turns conversation by conversation; at 500, where the total load is the point, round by round):
 * - at 100 streams, each a two-turn conversation (a new chat, then its continuation, which reads
 *   the conversation map): the TTFT p50 that Redis adds over in-memory state, per kind of turn
 *   (goal <= 1 ms), and the TTFT p50 the Redis instance adds over the upstream itself (serve's
 *   goal, <= 2 ms);
 * - at 500 streams: one Redis instance against two sharing the load (streams/s), each against the
 *   upstream itself (serve's goal >= 0.8x), and the peak RSS of each instance (serve's goal < 133 MiB).
 * Every answer is checked against the simulator's deterministic text.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startTestRedis } from '../test/support/redis-server.js';
import { median, type BenchFigure, type BenchResult } from './bench-result.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/qwen-probe.js');
/** Between upstream events: chat.qwen.ai sends a few words about every 50-100 ms. */
const CHUNK_INTERVAL_MS = Number(process.env.QWEN_PROBE_BENCH_INTERVAL ?? 100);
/** Extra words per answer: about 20 content chunks, 2 s per answer. */
const WORDS = Number(process.env.QWEN_PROBE_BENCH_WORDS ?? 30);
/** Seconds each target runs per level, split over the rounds. */
const LEVEL_SECONDS = Number(process.env.QWEN_PROBE_BENCH_SECONDS ?? 8);
const ROUNDS = 2;
/** Stream starts spread over about one answer's length, as independent clients arrive. */
const SPREAD_MS = CHUNK_INTERVAL_MS * 20;
const MODEL = 'qwen3-max';
const USER = 'demo@qwen-probe.test:demo-password';
const MIB = 1024 * 1024;

/** A child process printing `listening on URL` first, as `simulate` and `serve` do. */
async function startListening(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start: ${out}${err}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^listening on (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${out}${err}`)));
  });
  child.stdout!.resume();
  return { child, url };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

/** RSS of a process from /proc. */
function rssOf(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

/** CPU time (user + system) of a process from /proc, in ms: the one figure a busy machine does not distort. */
function cpuMsOf(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(stat[11]) + Number(stat[12])) * 10; // clock ticks of 10 ms (USER_HZ 100)
}

/** Highest RSS of each process while `work` runs, sampled every 100 ms. */
async function peakRss<T>(children: readonly ChildProcess[], work: () => Promise<T>): Promise<[T, number[]]> {
  const peaks = children.map(rssOf);
  const sampler = setInterval(() => children.forEach((c, i) => (peaks[i] = Math.max(peaks[i]!, rssOf(c)))), 100);
  try {
    return [await work(), peaks];
  } finally {
    clearInterval(sampler);
  }
}

// ---- load generator ----------------------------------------------------------------------------

const newAgent = () => new Agent({ connections: 4096, pipelining: 1, keepAliveTimeout: 30_000 });
let agent = newAgent();

type Message = { role: 'user' | 'assistant'; content: string };
/** The upstream itself (the web shape, as serve speaks it), or one or more serve instances. */
type Target = { kind: 'direct'; url: string; token: string } | { kind: 'serve'; urls: readonly string[] };

interface Turn {
  readonly ttft: number;
  readonly text: string;
}

/** Content of an SSE body: serve's OpenAI deltas, or the upstream's answer-phase deltas. */
function contentOf(body: string, direct: boolean): string {
  let text = '';
  for (const frame of body.split('\n\n')) {
    const data = frame.startsWith('data: ') ? frame.slice(6) : '';
    if (data === '' || data === '[DONE]') continue;
    const json = JSON.parse(data) as { choices?: { delta?: { content?: string; phase?: string } }[] };
    const delta = json.choices?.[0]?.delta;
    if (delta?.content && (!direct || delta.phase === 'answer')) text += delta.content;
  }
  return text;
}

/** Reads an SSE body; the time of the first chunk carrying text is the TTFT. */
async function readStream(body: AsyncIterable<Uint8Array>, t0: number, direct: boolean): Promise<Turn> {
  const marker = direct ? /"content": "[^"]/ : /"content":"[^"]/;
  const decoder = new TextDecoder();
  let all = '';
  let ttft = -1;
  for await (const chunk of body) {
    const text = decoder.decode(chunk, { stream: true });
    if (ttft < 0 && marker.test(text)) ttft = performance.now() - t0;
    all += text;
  }
  return { ttft, text: contentOf(all, direct) };
}

async function turnThroughServe(url: string, messages: readonly Message[]): Promise<Turn> {
  const t0 = performance.now();
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: JSON.stringify({ model: MODEL, stream: true, messages }),
  });
  return readStream(res.body, t0, false);
}

async function turnDirect(url: string, token: string, prompt: string): Promise<Turn> {
  const { SHAPES, systemIdClock } = await import('../src/upstream/shapes.js');
  const t0 = performance.now();
  const ctx = { baseUrl: url, token, model: MODEL, prompt, idClock: systemIdClock };
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
  return readStream(res.body, t0, true);
}

interface LevelResult {
  /** TTFT of turns that start a chat, and of turns that continue one (serve, two turns only). */
  readonly newTtft: number[];
  readonly continuedTtft: number[];
  readonly streams: number;
  readonly failed: number;
  readonly seconds: number;
}

/** First few distinct failures, for the notes. */
const failures = new Set<string>();

/**
 * `concurrency` workers until the deadline, taking `targets` in turn conversation by conversation
 * (so that each target sees the same moments of a noisy machine); one result per target. Through
 * serve, worker w uses instance w mod N of a target; with `turns: 2` each conversation is a new
 * chat, then its continuation on the same instance.
 */
async function runMixed(
  targets: readonly Target[],
  concurrency: number,
  seconds: number,
  turns: 1 | 2,
): Promise<LevelResult[]> {
  const { expectedAnswer } = await import('../src/simulator/answers.js');
  const results = targets.map(() => ({
    newTtft: [] as number[],
    continuedTtft: [] as number[],
    streams: 0,
    failed: 0,
  }));
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let n = 0;
  /** One streamed turn on `on`; its TTFT goes into `into` when the text is right. */
  const one = async (t: number, on: Target, prompt: string, history: Message[], continued: boolean) => {
    const result = results[t]!;
    try {
      const turn =
        on.kind === 'direct'
          ? await turnDirect(on.url, on.token, prompt)
          : await turnThroughServe(on.urls[0]!, [...history, { role: 'user', content: prompt }]);
      if (turn.text !== expectedAnswer(prompt).answer || turn.ttft < 0) throw new Error('wrong or empty answer');
      (continued ? result.continuedTtft : result.newTtft).push(turn.ttft);
      result.streams++;
      return true;
    } catch (error) {
      if (failures.size < 3) failures.add(error instanceof Error ? error.message : String(error));
      result.failed++;
      return false;
    }
  };
  const worker = async (w: number) => {
    if (w > 0) await new Promise((r) => setTimeout(r, (w / concurrency) * SPREAD_MS));
    // Bounded: each iteration is one conversation, and none starts after the deadline.
    for (let i = w; performance.now() < deadline; i++) {
      const t = i % targets.length;
      const target = targets[t]!;
      const on: Target =
        target.kind === 'serve' ? { kind: 'serve', urls: [target.urls[w % target.urls.length]!] } : target;
      const first = `bench redis ${w} ${n++} [[words=${WORDS}]]`;
      if (!(await one(t, on, first, [], false)) || turns === 1 || on.kind === 'direct') continue;
      const history: Message[] = [
        { role: 'user', content: first },
        { role: 'assistant', content: expectedAnswer(first).answer },
      ];
      await one(t, on, `and then ${w} ${n++} [[words=${WORDS}]]`, history, true);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  return results.map((r) => ({ ...r, seconds: elapsed }));
}

/** One target alone for `seconds`. */
async function runLevel(target: Target, concurrency: number, seconds: number, turns: 1 | 2): Promise<LevelResult> {
  return (await runMixed([target], concurrency, seconds, turns))[0]!;
}

function merge(rounds: readonly LevelResult[]): LevelResult {
  return {
    newTtft: rounds.flatMap((r) => r.newTtft),
    continuedTtft: rounds.flatMap((r) => r.continuedTtft),
    streams: rounds.reduce((s, r) => s + r.streams, 0),
    failed: rounds.reduce((s, r) => s + r.failed, 0),
    seconds: rounds.reduce((s, r) => s + r.seconds, 0),
  };
}

/** Each target runs in turn, ROUNDS times, so that the machine's moods weigh on all alike. */
async function alternate(
  targets: readonly Target[],
  concurrency: number,
  seconds: number,
  turns: 1 | 2,
): Promise<LevelResult[]> {
  const rounds: LevelResult[][] = targets.map(() => []);
  for (let r = 0; r < ROUNDS; r++)
    for (const [i, target] of targets.entries())
      rounds[i]!.push(await runLevel(target, concurrency, seconds / ROUNDS, turns));
  return rounds.map(merge);
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const rate = (l: LevelResult) => l.streams / l.seconds;

export default async function bench(): Promise<BenchResult> {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
  const loadBefore = loadavg()[0]!;
  const redis = await startTestRedis();
  const sim = await startListening(['simulate', '--port', '0', '--chunk-interval', String(CHUNK_INTERVAL_MS)]);
  const serveArgs = ['serve', '--target', sim.url, '--user', USER, '--port', '0'];
  const memory = await startListening(serveArgs);
  const shared = [
    await startListening([...serveArgs, '--redis', redis.url]),
    await startListening([...serveArgs, '--redis', redis.url]),
  ] as const;
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  try {
    const { resolveCredentials } = await import('../src/client/credentials.js');
    const { token } = await resolveCredentials({ target: sim.url, user: USER });
    const direct: Target = { kind: 'direct', url: sim.url, token };
    const inMemory: Target = { kind: 'serve', urls: [memory.url] };
    const oneShared: Target = { kind: 'serve', urls: [shared[0].url] };
    const twoShared: Target = { kind: 'serve', urls: shared.map((s) => s.url) };
    // Warm every path (JIT, connection pools, each instance's model list and Redis connection).
    await runMixed([direct, inMemory, twoShared], 20, 2, 2);
    const baseline = shared.map((s) => rssOf(s.child));

    // 100 streams, the three targets mixed conversation by conversation: single turns upstream,
    // two-turn conversations on memory and Redis state.
    const cpuBefore = [memory.child, shared[0].child].map(cpuMsOf);
    const [d100, m100, r100] = await runMixed([direct, inMemory, oneShared], 100, LEVEL_SECONDS * 2, 2);
    const [memoryCpu, redisCpu] = [memory.child, shared[0].child].map((c, i) => cpuMsOf(c) - cpuBefore[i]!);
    const addedNew = median(r100!.newTtft) - median(m100!.newTtft);
    const addedContinued = median(r100!.continuedTtft) - median(m100!.continuedTtft);
    figures.push(
      {
        label: 'TTFT p50 added by --redis, new chats, 100 streams',
        value: round(addedNew),
        unit: 'ms',
        goal: '<= 1 ms',
        met: addedNew <= 1,
      },
      {
        label: 'TTFT p50 added by --redis, continued chats, 100 streams',
        value: round(addedContinued),
        unit: 'ms',
        goal: '<= 1 ms',
        met: addedContinued <= 1,
      },
    );
    const cpuPerTurn = (cpu: number, l: LevelResult) => cpu / Math.max(1, l.streams + l.failed);
    figures.push(
      {
        label: 'serve CPU per turn, in-memory state, 100 streams',
        value: round(cpuPerTurn(memoryCpu!, m100!)),
        unit: 'ms',
      },
      { label: 'serve CPU per turn, --redis, 100 streams', value: round(cpuPerTurn(redisCpu!, r100!)), unit: 'ms' },
    );
    const addedOverUpstream = median(r100!.newTtft) - median(d100!.newTtft);
    figures.push({
      label: 'TTFT p50 added over the upstream, --redis instance, 100',
      value: round(addedOverUpstream),
      unit: 'ms',
      goal: '<= 2 ms (serve)',
      met: addedOverUpstream <= 2,
    });
    notes.push(
      `100 streams: TTFT p50 upstream ${round(median(d100!.newTtft), 1)} ms; memory new ` +
        `${round(median(m100!.newTtft), 1)} / continued ${round(median(m100!.continuedTtft), 1)} ms; redis new ` +
        `${round(median(r100!.newTtft), 1)} / continued ${round(median(r100!.continuedTtft), 1)} ms ` +
        `(${r100!.newTtft.length} + ${r100!.continuedTtft.length} redis turns)`,
    );

    // 500 streams: the upstream itself, one Redis instance, two sharing the load.
    const seconds500 = LEVEL_SECONDS + 3;
    const [[d500, one500, two500], peaks] = await peakRss(
      shared.map((s) => s.child),
      () => alternate([direct, oneShared, twoShared], 500, seconds500, 1),
    );
    figures.push(
      {
        label: 'streams/s two instances / one instance, 500 streams',
        value: round(rate(two500!) / rate(one500!)),
        unit: 'x',
      },
      {
        label: 'streams/s one --redis instance / upstream, 500 streams',
        value: round(rate(one500!) / rate(d500!)),
        unit: 'x',
        goal: '>= 0.8x (serve)',
        met: rate(one500!) / rate(d500!) >= 0.8,
      },
      {
        label: 'streams/s two --redis instances / upstream, 500 streams',
        value: round(rate(two500!) / rate(d500!)),
        unit: 'x',
        goal: '>= 0.8x (serve)',
        met: rate(two500!) / rate(d500!) >= 0.8,
      },
    );
    shared.forEach((_, i) =>
      figures.push({
        label: `peak RSS of instance ${i + 1} (${i === 0 ? '500 alone, 250 shared' : '250 shared'})`,
        value: round(peaks[i]! / MIB, 1),
        unit: 'MiB',
        goal: '< 133 MiB (serve)',
        met: peaks[i]! / MIB < 133,
      }),
    );
    notes.push(
      `500 streams: upstream ${round(rate(d500!), 1)} streams/s, one instance ${round(rate(one500!), 1)}, two ` +
        `${round(rate(two500!), 1)} (${round(rate(two500!) / 2, 1)} each); TTFT p50 one ${round(median(one500!.newTtft), 1)} ms, ` +
        `two ${round(median(two500!.newTtft), 1)} ms; RSS at start ${baseline.map((b) => round(b / MIB, 1)).join(' / ')} MiB`,
    );
    const failed = [d100, m100, r100, d500, one500, two500].reduce((s, l) => s + l!.failed, 0);
    if (failed > 0) {
      figures.push({ label: 'streams failed or wrong text', value: failed, unit: '', goal: '0', met: false });
      notes.push(`failures: ${[...failures].join('; ')}`);
    }
    notes.push(
      `machine load average ${round(loadBefore, 1)} before, ${round(loadavg()[0]!, 1)} after (2 cores shared by ` +
        `the simulator, redis-server, three serve processes and this load generator: ms figures are noisy)`,
    );
    notes.push(
      `chunk interval ${CHUNK_INTERVAL_MS} ms, ${WORDS} extra words per answer, ${LEVEL_SECONDS} s per target at ` +
        `100 and ${seconds500} s at 500, in ${ROUNDS} alternating rounds, starts spread over ${SPREAD_MS} ms`,
    );
  } finally {
    await agent.close();
    agent = newAgent();
    for (const p of [memory, ...shared, sim]) await stop(p.child);
    await redis.close();
  }
  return { name: 'serve-redis', figures, notes };
}
