/**
 * Pairs the exchanges of two captures: by endpoint (the protocol model's classification), else by
 * method and path template, then by order within that key. Linear: BAD is indexed by key once and
 * each GOOD exchange takes the next BAD one of its key. Non-API traffic (pages, scripts, images a
 * browser capture is full of) is left out and counted, not listed.
 */
import type { Exchange } from '../exchange/exchange.js';
import { routeOf } from './normalize-request.js';

/** One exchange with where it sits in its capture. */
export interface Indexed {
  readonly exchange: Exchange;
  readonly index: number;
  readonly key: string;
  readonly endpoint?: string;
  /** 1-based number within its key in its capture (`chat.completions #2`). */
  readonly ordinal: number;
}

/** A GOOD exchange and the BAD one it was paired with. */
export interface ExchangePair {
  readonly good: Indexed;
  readonly bad: Indexed;
  readonly key: string;
  /** Paired only because each side held exactly one request. */
  readonly forced: boolean;
}

/** The pairs, what could not be paired, and what was skipped. */
export interface Pairing {
  readonly pairs: ExchangePair[];
  readonly unpairedGood: Indexed[];
  readonly unpairedBad: Indexed[];
  readonly skippedGood: number;
  readonly skippedBad: number;
}

/** Which exchanges take part in pairing. */
export interface PairOptions {
  /** Only exchanges of this endpoint (name, or `METHOD template` for unknown ones). */
  readonly endpoint?: string | undefined;
  /** Keep non-API exchanges too (default: only `/api/` paths and known endpoints). */
  readonly includeNonApi?: boolean | undefined;
}

/** The endpoint of an exchange: as recorded, else as the protocol model classifies it. */
export function endpointOf(ex: Exchange): string | undefined {
  return ex.endpoint ?? routeOf(ex.request.method, ex.request.url).endpoint;
}

/** The pairing key: the endpoint name, else `METHOD /path/:id`. */
export function pairKey(ex: Exchange): string {
  return endpointOf(ex) ?? `${ex.request.method.toUpperCase()} ${routeOf(ex.request.method, ex.request.url).template}`;
}

function index(exchanges: readonly Exchange[], options: PairOptions): { kept: Indexed[]; skipped: number } {
  const kept: Indexed[] = [];
  const ordinals = new Map<string, number>();
  let skipped = 0;
  exchanges.forEach((exchange, i) => {
    const endpoint = endpointOf(exchange);
    const key =
      endpoint ??
      `${exchange.request.method.toUpperCase()} ${routeOf(exchange.request.method, exchange.request.url).template}`;
    const wanted = options.endpoint === undefined || options.endpoint === key;
    const api =
      options.includeNonApi === true ||
      endpoint !== undefined ||
      routeOf(exchange.request.method, exchange.request.url).api;
    if (!wanted || !api) {
      skipped += 1;
      return;
    }
    const ordinal = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, ordinal);
    kept.push({ exchange, index: i, key, ...(endpoint !== undefined ? { endpoint } : {}), ordinal });
  });
  return { kept, skipped };
}

/** Pairs GOOD's exchanges with BAD's. */
export function pairExchanges(good: readonly Exchange[], bad: readonly Exchange[], options: PairOptions = {}): Pairing {
  const g = index(good, options);
  const b = index(bad, options);
  const queues = new Map<string, { items: Indexed[]; next: number }>();
  for (const item of b.kept) {
    const queue = queues.get(item.key);
    if (queue) queue.items.push(item);
    else queues.set(item.key, { items: [item], next: 0 });
  }
  const pairs: ExchangePair[] = [];
  const unpairedGood: Indexed[] = [];
  const pairedBad = new Set<Indexed>();
  for (const item of g.kept) {
    const queue = queues.get(item.key);
    const match = queue && queue.next < queue.items.length ? queue.items[queue.next++] : undefined;
    if (match) {
      pairs.push({ good: item, bad: match, key: item.key, forced: false });
      pairedBad.add(match);
    } else unpairedGood.push(item);
  }
  const unpairedBad = b.kept.filter((item) => !pairedBad.has(item));
  // A user who pastes one curl line against one browser request wants them compared even when the
  // library went to another path (the v1 endpoint): that difference is then the first finding.
  if (pairs.length === 0 && unpairedGood.length === 1 && unpairedBad.length === 1) {
    const [only] = unpairedGood;
    const [other] = unpairedBad;
    return {
      pairs: [{ good: only!, bad: other!, key: only!.key, forced: true }],
      unpairedGood: [],
      unpairedBad: [],
      skippedGood: g.skipped,
      skippedBad: b.skipped,
    };
  }
  return { pairs, unpairedGood, unpairedBad, skippedGood: g.skipped, skippedBad: b.skipped };
}
