/**
 * The part of a bisect that talks to the oracle: the budget, the pause between probes, one retry
 * for an inconclusive probe, the log, and a cache so no subset is sent twice. Live services must not
 * be hammered, so every request goes through here and is counted. It is the one owner of the budget
 * and of the stop: when either ends the search it throws `Halt`, whichever search is running.
 */
import type { BisectChange, ProbeLogEntry, ProbePurpose, ProbeVerdict } from './bisect-result.js';
import { Halt } from './halt.js';

/** What a progress listener hears: a probe about to go out, and its verdict once judged. */
export type BisectProgress =
  | {
      readonly kind: 'probe-start';
      readonly n: number;
      readonly budget: number;
      readonly purpose: ProbePurpose;
      readonly labels: readonly string[];
      readonly retry: boolean;
    }
  | { readonly kind: 'probe-end'; readonly entry: ProbeLogEntry; readonly budget: number }
  | { readonly kind: 'phase'; readonly message: string };

export interface RunnerOptions<R> {
  readonly probe: (request: R) => Promise<ProbeVerdict>;
  readonly budget: number;
  readonly delayMs: number;
  readonly onProgress?: ((event: BisectProgress) => void) | undefined;
  readonly shouldStop?: (() => boolean) | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

const SLICE_MS = 100;

/** Sends probes within a budget; see the module comment. */
export class ProbeRunner<R> {
  readonly log: ProbeLogEntry[] = [];
  private readonly cache = new Map<string, ProbeVerdict>();

  constructor(private readonly options: RunnerOptions<R>) {}

  get used(): number {
    return this.log.length;
  }

  stopRequested(): boolean {
    return this.options.shouldStop?.() === true;
  }

  /** True when no further probe may be sent (budget spent or a stop asked for). */
  exhausted(): boolean {
    return this.stopRequested() || this.used >= this.options.budget;
  }

  phase(message: string): void {
    this.options.onProgress?.({ kind: 'phase', message });
  }

  /** The cached verdict for a subset key, if that subset was already judged conclusively. */
  cached(key: string): ProbeVerdict | undefined {
    return this.cache.get(key);
  }

  /**
   * Sends one request (and, when the verdict is inconclusive, once more), logs and caches it under
   * `key` when given. Throws Halt when the budget is spent or a stop was asked for, also when the
   * stop cut the probe in flight short (its inconclusive verdict says nothing about the request).
   */
  async send(request: R, purpose: ProbePurpose, subset: readonly BisectChange[], key?: string): Promise<ProbeVerdict> {
    if (key !== undefined) {
      const hit = this.cache.get(key);
      if (hit) return hit;
    }
    let verdict = await this.once(request, purpose, subset, false);
    if (verdict.outcome === 'inconclusive' && !this.exhausted())
      verdict = await this.once(request, purpose, subset, true);
    if (verdict.outcome === 'inconclusive' && this.stopRequested()) throw new Halt('stopped');
    if (key !== undefined && verdict.outcome !== 'inconclusive') this.cache.set(key, verdict);
    return verdict;
  }

  private async once(
    request: R,
    purpose: ProbePurpose,
    subset: readonly BisectChange[],
    retry: boolean,
  ): Promise<ProbeVerdict> {
    if (this.stopRequested()) throw new Halt('stopped');
    if (this.used >= this.options.budget) throw new Halt('budget-exhausted');
    if (this.used > 0) await this.pause();
    if (this.stopRequested()) throw new Halt('stopped');
    const n = this.used + 1;
    this.options.onProgress?.({
      kind: 'probe-start',
      n,
      budget: this.options.budget,
      purpose,
      labels: subset.map((c) => c.label),
      retry,
    });
    const started = performance.now();
    let verdict: ProbeVerdict;
    try {
      verdict = await this.options.probe(request);
    } catch (error) {
      // A probe that throws (a bug, or input the sender refuses) must not lose the log so far.
      verdict = {
        outcome: 'inconclusive',
        failure: 'probe-error',
        explanation: `The probe could not be sent: ${error instanceof Error ? error.message : String(error)}.`,
      };
    }
    const entry: ProbeLogEntry = {
      n,
      purpose,
      subset: subset.map((c) => c.id),
      outcome: verdict.outcome,
      ...(verdict.failure !== undefined && verdict.outcome !== 'works' ? { failure: verdict.failure } : {}),
      explanation: verdict.explanation,
      ms: Math.round(performance.now() - started),
      ...(retry ? { retry: true } : {}),
    };
    this.log.push(entry);
    this.options.onProgress?.({ kind: 'probe-end', entry, budget: this.options.budget });
    return {
      outcome: verdict.outcome,
      explanation: verdict.explanation,
      ...(entry.failure !== undefined ? { failure: entry.failure } : {}),
    };
  }

  /** Waits `delayMs` in short slices, so Ctrl-C does not wait for a long pause to end. */
  private async pause(): Promise<void> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let left = this.options.delayMs;
    while (left > 0 && !this.stopRequested()) {
      const step = Math.min(SLICE_MS, left);
      await sleep(step);
      left -= step;
    }
  }
}
