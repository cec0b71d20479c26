/**
 * The `diff` capability in one call: pair the exchanges of a working (GOOD) and a failing (BAD)
 * capture, normalise and compare each pair field by field, learn which fields vary between working
 * requests, check shared values, rank and explain. Linear in the number of exchanges: pairing
 * indexes by key, learning samples a few requests per key.
 */
import { ProbeError } from '../exchange/errors.js';
import type { Exchange } from '../exchange/exchange.js';
import { judgeQwenResponse } from '../upstream/stream-reader.js';
import { classifyResponse, failureName } from '../upstream/upstream-failure.js';
import {
  SHARED_VALUE_RULES,
  VOLATILE_RULES,
  type SharedValueRule,
  type VolatileRule,
} from '../upstream/volatile-rules.js';
import { compareRequests } from './compare-requests.js';
import type { DiffResult, ExchangeRef, PairDiff, ResponseSummary } from './diff-result.js';
import { explainDiff, explainPair, fieldLabel } from './explain.js';
import type { Finding, RawFinding } from './finding.js';
import { FindingMemo } from './finding-memo.js';
import { matchesIgnore, parseIgnorePattern, type IgnorePattern } from './ignore-pattern.js';
import { normalizeRequest, type NormalizedRequest } from './normalize-request.js';
import { pairExchanges, pairKey, type Indexed } from './pair-exchanges.js';
import { rankFindings } from './rank-findings.js';
import { checkSharedValues } from './shared-values.js';
import { learnVolatility, LEARN_SAMPLE } from './volatility.js';

/** How `diffCaptures` pairs, compares and filters. */
export interface DiffOptions {
  /** Compare only exchanges of this endpoint (`chat.completions`, or `METHOD template`). */
  readonly endpoint?: string | undefined;
  /** Findings to drop: `body messages[*].content`, `header:x-foo`, `header-order`. Prefixes match children. */
  readonly ignore?: readonly string[] | undefined;
  /** Volatile rules (default: the protocol model's VOLATILE_RULES). */
  readonly rules?: readonly VolatileRule[] | undefined;
  readonly sharedRules?: readonly SharedValueRule[] | undefined;
  /** More working exchanges (a second browser capture) to learn volatile fields from. */
  readonly learnFrom?: readonly Exchange[] | undefined;
  /** Word diffs of long strings (default true). */
  readonly textDiffs?: boolean | undefined;
  /** Bodies longer than this compare as a whole. */
  readonly maxBodyChars?: number | undefined;
  /** Compare non-API exchanges (pages, scripts) too. */
  readonly includeNonApi?: boolean | undefined;
}

/** How a response ended, for the pair's header line. Never throws, whatever the body holds. */
export function summarizeResponse(ex: Exchange): ResponseSummary {
  const response = ex.response;
  const events = response?.sse?.length ?? 0;
  if (!response)
    return { ok: false, outcome: ex.error ? `no response (${ex.error.code})` : 'no response recorded', events };
  const status = response.status;
  const endpoint = ex.endpoint ?? '';
  if (endpoint.startsWith('chat.completions')) {
    const verdict = judgeQwenResponse(response, ex.error);
    return {
      status,
      ok: verdict.ok,
      outcome: verdict.ok ? 'answer streamed' : verdict.failure ? failureName(verdict.failure) : 'no answer',
      events: events || verdict.events,
    };
  }
  const failure = classifyResponse(
    { ...response, body: response.bodyEncoding === 'base64' ? '' : response.body },
    ex.error,
  );
  return { status, ok: failure === undefined, outcome: failure ? failureName(failure) : `HTTP ${status}`, events };
}

/**
 * An ExchangeRef whose response summary is worked out on first read: reading a whole event stream
 * costs more than comparing its request, and a report of a large diff shows only some pairs.
 */
class LazyExchangeRef implements ExchangeRef {
  readonly id: string;
  readonly index: number;
  readonly source: ExchangeRef['source'];
  readonly method: string;
  readonly url: string;
  readonly endpoint?: string;
  readonly label: string;
  readonly exchange: Exchange;
  #summary: ResponseSummary | undefined;

  constructor(item: Indexed) {
    const ex = item.exchange;
    this.id = ex.id;
    this.index = item.index;
    this.source = ex.source;
    this.method = ex.request.method;
    this.url = ex.request.url;
    if (item.endpoint !== undefined) this.endpoint = item.endpoint;
    this.label = `${item.key} #${item.ordinal}`;
    this.exchange = ex;
  }

  get response(): ResponseSummary {
    const ex = this.exchange;
    return (this.#summary ??= summarizeResponse(
      this.endpoint !== undefined && ex.endpoint === undefined ? { ...ex, endpoint: this.endpoint } : ex,
    ));
  }
}

/**
 * A PairDiff whose normalised requests (for side-by-side views) are made again on first read:
 * normalising is deterministic, and holding two parsed bodies per pair for a whole diff is not.
 */
class LazyPairDiff implements PairDiff {
  readonly index: number;
  readonly key: string;
  readonly endpoint?: string;
  readonly good: ExchangeRef;
  readonly bad: ExchangeRef;
  readonly forced: boolean;
  readonly findings: readonly Finding[];
  readonly explanation: string;
  readonly #normalize: (ref: ExchangeRef) => NormalizedRequest;
  #requests: PairDiff['requests'] | undefined;

  constructor(fields: Omit<PairDiff, 'requests' | 'explanation'>, normalize: (ref: ExchangeRef) => NormalizedRequest) {
    this.index = fields.index;
    this.key = fields.key;
    if (fields.endpoint !== undefined) this.endpoint = fields.endpoint;
    this.good = fields.good;
    this.bad = fields.bad;
    this.forced = fields.forced;
    this.findings = fields.findings;
    this.explanation = explainPair(fields);
    this.#normalize = normalize;
  }

  get requests(): PairDiff['requests'] {
    return (this.#requests ??= { good: this.#normalize(this.good), bad: this.#normalize(this.bad) });
  }
}

const ref = (item: Indexed): ExchangeRef => new LazyExchangeRef(item);

/** Compares two captures. Throws ProbeError only for unusable options (a bad ignore pattern). */
export function diffCaptures(
  good: readonly Exchange[],
  bad: readonly Exchange[],
  options: DiffOptions = {},
): DiffResult {
  const ignore: IgnorePattern[] = (options.ignore ?? []).map((p) => {
    const parsed = parseIgnorePattern(p);
    if (!parsed)
      throw new ProbeError(
        'E_USAGE',
        `--ignore ${JSON.stringify(p)} is not a field: write it as LOCATION PATH, e.g. "body messages[*].content" or ` +
          `"header:x-request-id"`,
      );
    return parsed;
  });
  const rules = options.rules ?? VOLATILE_RULES;
  const pairing = pairExchanges(good, bad, { endpoint: options.endpoint, includeNonApi: options.includeNonApi });
  const normalize = (ex: Exchange, endpoint?: string): NormalizedRequest =>
    normalizeRequest(ex.request, { endpoint, maxBodyChars: options.maxBodyChars });
  // Only the sampled working requests are kept normalised; the others are normalised when their
  // pair is compared and dropped afterwards, so memory stays near the size of the captures.
  const sampled = new Map<Exchange, NormalizedRequest>();

  // Learning needs two working requests of one key; a sample per key keeps it linear.
  const groups = new Map<string, NormalizedRequest[]>();
  const learnItems = [...pairing.pairs.map((p) => p.good), ...pairing.unpairedGood];
  for (const item of learnItems) {
    const list = groups.get(item.key) ?? [];
    if (list.length < LEARN_SAMPLE) {
      const n = normalize(item.exchange, item.endpoint);
      sampled.set(item.exchange, n);
      list.push(n);
    }
    groups.set(item.key, list);
  }
  for (const ex of options.learnFrom ?? []) {
    const key = pairKey(ex);
    const list = groups.get(key) ?? [];
    if (list.length < LEARN_SAMPLE * 2) list.push(normalizeRequest(ex.request, { maxBodyChars: options.maxBodyChars }));
    groups.set(key, list);
  }
  const learned = learnVolatility(groups);

  let ignored = 0;
  const memo = new FindingMemo();
  const isShared = (f: RawFinding) => memo.isShared(f);
  const normalizeRef = (r: ExchangeRef) => normalize(r.exchange, r.endpoint);
  const pairs: PairDiff[] = pairing.pairs.map((pair, i) => {
    // GOOD is the reference: its endpoint picks the volatile rules and facts, also for a forced
    // pair whose BAD side went elsewhere (so applying the path finding cannot change the rules).
    const endpoint = pair.good.endpoint;
    const g = sampled.get(pair.good.exchange) ?? normalize(pair.good.exchange, pair.good.endpoint);
    const b = normalize(pair.bad.exchange, pair.bad.endpoint);
    const raw = compareRequests(g, b, {
      pairKey: pair.key,
      endpoint,
      rules,
      learned,
      textDiffs: options.textDiffs,
      memo,
    });
    for (const f of checkSharedValues(g, b, endpoint, options.sharedRules ?? SHARED_VALUE_RULES)) raw.push(f);
    const kept = ignore.length === 0 ? raw : raw.filter((f) => !ignore.some((p) => matchesIgnore(p, f)));
    ignored += raw.length - kept.length;
    const findings = rankFindings(kept, endpoint, isShared);
    const fields = {
      index: i + 1,
      key: pair.key,
      ...(endpoint !== undefined ? { endpoint } : {}),
      good: ref(pair.good),
      bad: ref(pair.bad),
      forced: pair.forced,
      findings,
    };
    return new LazyPairDiff(fields, normalizeRef);
  });

  let top: Finding | undefined;
  let findingCount = 0;
  let volatileCount = 0;
  for (const pair of pairs) {
    for (const f of pair.findings) {
      if (f.volatile) volatileCount += 1;
      else {
        findingCount += 1;
        if (!top || f.score > top.score) top = f;
      }
    }
  }
  const unpaired = { good: pairing.unpairedGood.map(ref), bad: pairing.unpairedBad.map(ref) };
  const summary = {
    pairs: pairs.length,
    findings: findingCount,
    volatile: volatileCount,
    unpairedGood: unpaired.good.length,
    unpairedBad: unpaired.bad.length,
    ignored,
    ...(top ? { top: fieldLabel(top) } : {}),
  };
  const verdict =
    pairs.length === 0
      ? 'nothing-to-compare'
      : findingCount === 0 && unpaired.good.length + unpaired.bad.length === 0
        ? 'match'
        : 'differ';
  const result = {
    schemaVersion: 1 as const,
    verdict: verdict as DiffResult['verdict'],
    pairs,
    unpaired,
    skipped: { good: pairing.skippedGood, bad: pairing.skippedBad },
    summary,
  };
  return { ...result, explanation: explainDiff(result) };
}
