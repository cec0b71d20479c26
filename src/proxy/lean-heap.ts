/**
 * A heap sized for a proxy that holds hundreds of streams open: `qwen-probe serve` applies it to its
 * own process (a library user calls `useLeanHeap` if they want the same).
 *
 * Why: most of what a stream allocates dies within a chunk, but its per-stream state lives for
 * seconds and is promoted before it dies. With V8's defaults (Node 20) the young generation grows
 * to 2 x 16 MiB and the old generation is allowed to grow to up to 4x what survived the last full
 * collection before the next one, so at 500 open streams the process held about twice its live
 * memory as garbage (bench/serve.bench.ts measured 182 MiB peak for ~50 MiB live).
 *
 * Two V8 settings that can change while the process runs, both read by V8 when it decides to grow:
 * - `--heap-growing-percent`: the old generation may grow by this much over its live size before a
 *   full (mostly concurrent) collection, instead of V8's adaptive 1.1x-4x.
 * - `--semi-space-growth-factor`: the young generation doubles after busy scavenges up to 16 MiB a
 *   semi-space. The maximum itself is fixed once the heap exists (only a command-line flag sets it),
 *   so a garbage-collection observer lets it grow while it is below `youngMiB` and stops it there
 *   (factor 1). Node reports a collection to the observer a turn or two after it, so on a busy
 *   process one more doubling can slip in first (the young generation then ends at twice the
 *   cap, still half V8's default); a long synchronous stretch could double it more than once,
 *   which is why `pinYoungGeneration` holds it still while a program loads.
 *
 * What it costs is CPU: more frequent collections. The bench prints both sides.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** How lean; the defaults are what `serve` uses. */
export interface LeanHeapOptions {
  /** Largest young generation (both semi-spaces), MiB. V8's default maximum is 32. */
  readonly youngMiB?: number;
  /** Old-generation growth over its live size before a full collection, percent. */
  readonly oldGrowthPercent?: number;
}

export const LEAN_HEAP_DEFAULTS = { youngMiB: 8, oldGrowthPercent: 20 } as const satisfies Required<LeanHeapOptions>;

const DEFAULT_SEMI_SPACE_GROWTH = 2;
let active: { readonly key: string; readonly restore: () => void } | undefined;

/** Committed size of the young generation's semi-spaces, bytes. */
function youngBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Applies the settings to this process and returns a function that restores V8's defaults. The
 * settings are process-wide: a call with the same settings as the active ones changes nothing, a
 * call with others replaces them.
 */
export function useLeanHeap(options: LeanHeapOptions = {}): () => void {
  const youngMiB = options.youngMiB ?? LEAN_HEAP_DEFAULTS.youngMiB;
  const growth = options.oldGrowthPercent ?? LEAN_HEAP_DEFAULTS.oldGrowthPercent;
  const key = `${youngMiB}/${growth}`;
  if (active?.key === key) return active.restore;
  active?.restore();
  const youngCap = youngMiB * 1024 * 1024;
  setFlagsFromString(`--heap-growing-percent=${growth}`);
  let factor = 0;
  const steer = (): void => {
    // Grow only while one more doubling stays within the cap.
    const wanted = youngBytes() * DEFAULT_SEMI_SPACE_GROWTH <= youngCap ? DEFAULT_SEMI_SPACE_GROWTH : 1;
    if (wanted === factor) return;
    factor = wanted;
    setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
  };
  steer();
  const observer = new PerformanceObserver(steer);
  observer.observe({ entryTypes: ['gc'] });
  const restore = (): void => {
    if (active?.restore !== restore) return;
    active = undefined;
    observer.disconnect();
    setFlagsFromString('--heap-growing-percent=0');
    setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_SEMI_SPACE_GROWTH}`);
  };
  active = { key, restore };
  return restore;
}

/**
 * Stops the young generation from growing at all until `useLeanHeap` takes over: for the start of
 * a process, where loading modules runs many scavenges in a row with no turn in between.
 */
export function pinYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
