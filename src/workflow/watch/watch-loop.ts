/**
 * `watch` over time: a round, then a wait of `everyMs`, until the signal aborts (Ctrl-C) or
 * `rounds` rounds ran. A round that throws (a bug, a full disk) ends the loop; a target that does
 * not answer is a round like any other (recorded as unreachable), so a watch outlives outages.
 */
import type { WatchRoundRecord } from '../../report/index.js';
import { runWatchRound, type WatchRoundOptions } from './watch-round.js';

export interface WatchLoopOptions extends WatchRoundOptions {
  /** The wait from the start of one round to the start of the next. */
  readonly everyMs: number;
  /** Stop after this many rounds; default: until the signal aborts. */
  readonly rounds?: number | undefined;
  /** Each round's record as soon as it is written. */
  readonly onRound?: ((record: WatchRoundRecord) => void) | undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Runs rounds until told to stop; returns how many ran and how many saw drift. */
export async function watchLoop(options: WatchLoopOptions): Promise<{ rounds: number; drifts: number }> {
  let rounds = 0;
  let drifts = 0;
  while (!options.signal?.aborted && (options.rounds === undefined || rounds < options.rounds)) {
    const started = Date.now();
    const record = await runWatchRound(options);
    rounds += 1;
    if (record.drift) drifts += 1;
    options.onRound?.(record);
    if (options.rounds !== undefined && rounds >= options.rounds) break;
    await sleep(Math.max(0, options.everyMs - (Date.now() - started)), options.signal);
  }
  return { rounds, drifts };
}
