/**
 * `npm run bench -- diff`: what comparing two captures costs, against merely reading them. Two
 * captures of N exchanges each (GOOD: the browser's `web` shape; BAD: `seed-v4` with a prompt that
 * differs now and then, so text diffs run too) are written with the project's capture writer, read
 * back with `readCapture`, and diffed with `diffCaptures`, in the same run:
 *
 * - diff / read at 10,000 exchanges per side (goal: at most 3x);
 * - growth: diff time at 20,000 over diff time at 10,000 (goal: at most 2.2, i.e. linear-ish).
 *
 * Times are process CPU times, medians of a few repetitions after a warm-up, because the machines
 * are shared and noisy; wall times are printed as context.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../src/exchange/capture-reader.js';
import { openCaptureWriter } from '../src/exchange/capture-writer.js';
import type { Exchange } from '../src/exchange/exchange.js';
import { diffCaptures } from '../src/diff/diff-captures.js';
import { shapeCapture } from '../test/diff/support/fixture-captures.js';
import { median, type BenchResult } from './bench-result.js';

const REPEATS = 3;
/** Exchanges per side of the base size; QWEN_PROBE_BENCH_DIFF_N overrides it for quick local runs. */
const BASE_N = Number(process.env.QWEN_PROBE_BENCH_DIFF_N ?? 10_000);

/** N exchanges of a shape's turns (chats/new + completion each), each turn with its own ids and chat. */
function capture(shape: 'web' | 'seed-v4', n: number, seed: number): Exchange[] {
  const out: Exchange[] = [];
  for (let turn = 0; out.length < n; turn += 1) {
    const hex = (seed * 1_000_000 + turn).toString(16).padStart(12, '0');
    const prompt =
      shape === 'seed-v4' && turn % 10 === 0
        ? `Please summarise the history of tea in ${turn % 7} sentences, politely.`
        : 'Please summarise the history of tea in three sentences, politely.';
    for (const ex of shapeCapture(shape, {
      startMs: 1_760_000_000_000 + seed * 1e9 + turn * 10_000,
      chatId: `00000000-0000-4000-8000-${hex}`,
      idPrefix: `${shape}-${turn}`,
      idSeed: seed * 1_000_000 + turn,
      prompt,
    })) {
      if (out.length < n) out.push(ex);
    }
  }
  return out;
}

async function write(path: string, exchanges: readonly Exchange[]): Promise<void> {
  // No fsync per append: the bench measures reading and diffing, not the writer's durability.
  const writer = await openCaptureWriter(path, { sync: false });
  for (const ex of exchanges) await writer.append(ex);
  await writer.close();
}

/**
 * CPU time of the process (all threads, so the reader's I/O threads and the GC count too) and wall
 * time. The figures use CPU time: these machines are shared, and wall time under load measures
 * the neighbours more than the code.
 */
async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; wallMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: (used.user + used.system) / 1000, wallMs: performance.now() - started, value };
}

async function measure(
  dir: string,
  n: number,
  tag: string,
): Promise<{ readMs: number; diffMs: number; diffWallMs: number; findings: number }> {
  const goodPath = join(dir, `good-${tag}-${n}.har`);
  const badPath = join(dir, `bad-${tag}-${n}.har`);
  await write(goodPath, capture('web', n, 1));
  await write(badPath, capture('seed-v4', n, 2));
  const reads: number[] = [];
  const diffs: number[] = [];
  const walls: number[] = [];
  let findings = 0;
  for (let i = 0; i < REPEATS; i += 1) {
    const read = await time(
      async () => [(await readCapture(goodPath)).exchanges, (await readCapture(badPath)).exchanges] as const,
    );
    reads.push(read.ms);
    const [good, bad] = read.value;
    const diff = await time(() => diffCaptures(good, bad));
    diffs.push(diff.ms);
    walls.push(diff.wallMs);
    findings = diff.value.summary.findings;
  }
  return { readMs: median(reads), diffMs: median(diffs), diffWallMs: median(walls), findings };
}

const n = (x: number) => x.toLocaleString('en-US');

export default async function diffBench(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'qp-bench-diff-'));
  try {
    // Warm-up: the first diff of a process also pays for compiling the code paths.
    await measure(dir, Math.min(1_000, BASE_N), 'warm-up');
    const small = await measure(dir, BASE_N, 'base');
    const large = await measure(dir, BASE_N * 2, 'double');
    const ratio = small.diffMs / small.readMs;
    const growth = large.diffMs / small.diffMs;
    return {
      name: 'diff',
      figures: [
        {
          label: `diff / read, ${n(BASE_N)} vs ${n(BASE_N)} exchanges`,
          value: ratio,
          unit: 'x',
          goal: '<= 3x',
          met: ratio <= 3,
        },
        {
          label: `growth: diff time ${n(BASE_N * 2)} / ${n(BASE_N)} exchanges`,
          value: growth,
          unit: 'x',
          goal: '<= 2.2',
          met: growth <= 2.2,
        },
        { label: `read CPU time, ${n(BASE_N)} + ${n(BASE_N)} (context)`, value: Math.round(small.readMs), unit: 'ms' },
        { label: `diff CPU time, ${n(BASE_N)} vs ${n(BASE_N)} (context)`, value: Math.round(small.diffMs), unit: 'ms' },
        {
          label: `diff CPU time, ${n(BASE_N * 2)} vs ${n(BASE_N * 2)} (context)`,
          value: Math.round(large.diffMs),
          unit: 'ms',
        },
        {
          label: `diff wall time, ${n(BASE_N)} / ${n(BASE_N * 2)} (context)`,
          value: Math.round(small.diffWallMs),
          unit: `ms / ${Math.round(large.diffWallMs)} ms`,
        },
      ],
      notes: [
        `${small.findings} findings at ${n(BASE_N)} exchanges per side; CPU times, medians of ${REPEATS} runs, after ` +
          `a warm-up`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Standalone: `npx tsx bench/diff.bench.ts` prints the figures without the runner.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await diffBench();
  for (const f of result.figures)
    process.stdout.write(
      `${f.label}: ${f.value.toFixed(2)} ` +
        `${f.unit}${f.goal ? ` (goal ${f.goal}${f.met ? ', met' : ', NOT met'})` : ''}\n`,
    );
  for (const note of result.notes ?? []) process.stdout.write(`note: ${note}\n`);
}
