/**
 * `npm run bench -- learn`: what learning a protocol and linting a capture cost, against merely
 * reading the capture, in the same run. Captures of the browser's `web` shape (chats/new plus a
 * streamed completion per turn, every turn with its own ids) and of the seed's `seed-v4` shape are
 * written with the project's capture writer and read back with `readCapture`:
 *
 * - learn / read at 10,000 exchanges (goal: at most 3x);
 * - growth: learn time at 20,000 over learn time at 10,000 (goal: at most 2.2, i.e. linear-ish);
 * - lint / read of a 10,000-exchange library capture against the learnt protocol (goal: at most 1.5x),
 *   and (read + lint) / read, the whole `lint` command's work against reading alone.
 *
 * Times are process CPU times, medians of a few repetitions after a warm-up (the machines are shared
 * and noisy); wall times are printed as context.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../src/exchange/capture-reader.js';
import { openCaptureWriter } from '../src/exchange/capture-writer.js';
import type { Exchange } from '../src/exchange/exchange.js';
import { learnProtocol, type LearntProtocol } from '../src/learn/index.js';
import { lintExchanges } from '../src/lint/index.js';
import { shapeCapture } from '../test/diff/support/fixture-captures.js';
import { median, type BenchResult } from './bench-result.js';

const REPEATS = 3;
/** Exchanges of the base size; QWEN_PROBE_BENCH_LEARN_N overrides it for quick local runs. */
const BASE_N = Number(process.env.QWEN_PROBE_BENCH_LEARN_N ?? 10_000);

/** N exchanges of a shape's turns, each turn with its own ids, chat and (now and then) prompt. */
function capture(shape: 'web' | 'seed-v4', n: number, seed: number): Exchange[] {
  const out: Exchange[] = [];
  for (let turn = 0; out.length < n; turn += 1) {
    const hex = (seed * 1_000_000 + turn).toString(16).padStart(12, '0');
    const prompt =
      turn % 10 === 0
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
  const writer = await openCaptureWriter(path, { sync: false });
  for (const ex of exchanges) await writer.append(ex);
  await writer.close();
}

/** CPU time of the process (all threads) and wall time; the figures use CPU time. */
async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; wallMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: (used.user + used.system) / 1000, wallMs: performance.now() - started, value };
}

interface LearnFigures {
  readonly readMs: number;
  readonly learnMs: number;
  readonly learnWallMs: number;
  readonly protocol: LearntProtocol;
}

async function measureLearn(dir: string, n: number, tag: string): Promise<LearnFigures> {
  const path = join(dir, `browser-${tag}-${n}.har`);
  await write(path, capture('web', n, 1));
  const reads: number[] = [];
  const learns: number[] = [];
  const walls: number[] = [];
  let protocol: LearntProtocol | undefined;
  for (let i = 0; i < REPEATS; i += 1) {
    const read = await time(async () => (await readCapture(path)).exchanges);
    reads.push(read.ms);
    const learnt = await time(() => learnProtocol(read.value, [path]));
    learns.push(learnt.ms);
    walls.push(learnt.wallMs);
    protocol = learnt.value;
  }
  return { readMs: median(reads), learnMs: median(learns), learnWallMs: median(walls), protocol: protocol! };
}

async function measureLint(
  dir: string,
  n: number,
  protocol: LearntProtocol,
): Promise<{ readMs: number; lintMs: number; issues: number }> {
  const path = join(dir, `library-${n}.har`);
  await write(path, capture('seed-v4', n, 2));
  const reads: number[] = [];
  const lints: number[] = [];
  let issues = 0;
  for (let i = 0; i < REPEATS; i += 1) {
    const read = await time(async () => (await readCapture(path)).exchanges);
    reads.push(read.ms);
    const linted = await time(() => lintExchanges(protocol, read.value));
    lints.push(linted.ms);
    issues = linted.value.issues.length;
  }
  return { readMs: median(reads), lintMs: median(lints), issues };
}

const n = (x: number) => x.toLocaleString('en-US');

export default async function learnBench(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'qp-bench-learn-'));
  try {
    // Warm-up: the first learn and lint of a process also pay for compiling the code paths.
    const warm = await measureLearn(dir, Math.min(1_000, BASE_N), 'warm-up');
    await measureLint(dir, Math.min(1_000, BASE_N), warm.protocol);
    const small = await measureLearn(dir, BASE_N, 'base');
    const large = await measureLearn(dir, BASE_N * 2, 'double');
    const lint = await measureLint(dir, BASE_N, small.protocol);
    const learnRatio = small.learnMs / small.readMs;
    const growth = large.learnMs / small.learnMs;
    const lintRatio = lint.lintMs / lint.readMs;
    const lintTotal = (lint.readMs + lint.lintMs) / lint.readMs;
    return {
      name: 'learn',
      figures: [
        {
          label: `learn / read, ${n(BASE_N)} exchanges`,
          value: learnRatio,
          unit: 'x',
          goal: '<= 3x',
          met: learnRatio <= 3,
        },
        {
          label: `growth: learn time ${n(BASE_N * 2)} / ${n(BASE_N)} exchanges`,
          value: growth,
          unit: 'x',
          goal: '<= 2.2',
          met: growth <= 2.2,
        },
        {
          label: `lint / read, ${n(BASE_N)}-exchange library capture`,
          value: lintRatio,
          unit: 'x',
          goal: '<= 1.5x',
          met: lintRatio <= 1.5,
        },
        { label: '(read + lint) / read, the whole lint command (context)', value: lintTotal, unit: 'x' },
        {
          label: `read CPU time, ${n(BASE_N)} browser exchanges (context)`,
          value: Math.round(small.readMs),
          unit: 'ms',
        },
        {
          label: `learn CPU time, ${n(BASE_N)} / ${n(BASE_N * 2)} (context)`,
          value: Math.round(small.learnMs),
          unit: `ms / ${Math.round(large.learnMs)} ms`,
        },
        { label: `learn wall time, ${n(BASE_N)} (context)`, value: Math.round(small.learnWallMs), unit: 'ms' },
        {
          label: `read / lint CPU time, ${n(BASE_N)} library exchanges (context)`,
          value: Math.round(lint.readMs),
          unit: `ms / ${Math.round(lint.lintMs)} ms`,
        },
      ],
      notes: [
        `${small.protocol.endpoints.size} endpoints learnt; lint found ${lint.issues} issues; CPU times, medians of ` +
          `${REPEATS} runs, after a warm-up`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Standalone: `npx tsx bench/learn.bench.ts` prints the figures without the runner.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await learnBench();
  for (const f of result.figures) process.stdout.write(`${f.label}: ${f.value.toFixed(2)} ${f.unit}${goalNote(f)}\n`);
  for (const note of result.notes ?? []) process.stdout.write(`note: ${note}\n`);
}

function goalNote(figure: { readonly goal?: string | undefined; readonly met?: boolean | undefined }): string {
  return figure.goal ? ` (goal ${figure.goal}${figure.met ? ', met' : ', NOT met'})` : '';
}
