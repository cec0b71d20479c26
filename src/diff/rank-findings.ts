/**
 * Orders findings by how likely they break the request. The category sets the tier (enum-like
 * value changes and missing fields first, then kind mismatches, extra fields, headers, cosmetic
 * ones, volatile noise last); a protocol fact lifts a finding within and across neighbouring tiers
 * by its likelihood. Scores are data so that a reader can see, and a user change, the ordering.
 */
import {
  FACT_LIKELIHOOD_ORDER,
  factSentence,
  findProtocolFacts,
  type FactChange,
  type FactQuery,
  type ProtocolFact,
} from '../upstream/protocol-facts.js';
import type { Finding, FindingCategory, FindingFact, JsonValue, RawFinding } from './finding.js';
import { explainFinding } from './explain.js';

/** Base score of each category: the tier a finding starts in. */
export const CATEGORY_SCORES: Readonly<Record<FindingCategory, number>> = {
  'request-line': 520,
  'enum-changed': 500,
  'required-missing': 450,
  'shared-mismatch': 440,
  'kind-mismatch': 400,
  'type-changed': 380,
  'extra-field': 320,
  'value-changed': 300,
  header: 200,
  cosmetic: 100,
  volatile: 0,
};

/** Points a fact adds per step of likelihood (`high` = 6 steps = +60). */
export const FACT_POINTS_PER_STEP = 10;

const LOCATION_ORDER: Readonly<Record<string, number>> = {
  method: 0,
  path: 1,
  url: 2,
  body: 3,
  query: 4,
  header: 5,
  cookie: 6,
};

// The fact lookup tests every fact's path pattern; the same (field, change, value) recurs in every
// pair of a large capture, so the best fact is memoised (bounded, cleared when full). Only
// scalar BAD values take part in fact conditions, so objects key as "no value".
const factCache = new Map<string, ProtocolFact | null>();
const FACT_CACHE_LIMIT = 50_000;

function cachedFact(query: FactQuery): ProtocolFact | undefined {
  const key = JSON.stringify([query.endpoint, query.location, query.path, query.change, query.bad, query.badKind]);
  let hit = factCache.get(key);
  if (hit === undefined) {
    hit = findProtocolFacts(query)[0] ?? null;
    if (factCache.size >= FACT_CACHE_LIMIT) factCache.clear();
    factCache.set(key, hit);
  }
  return hit ?? undefined;
}

/** The best protocol fact for a finding, with its sentence filled in. */
function factFor(f: RawFinding, endpoint: string | undefined): FindingFact | undefined {
  if (f.volatile || f.change === 'reordered' || f.category === 'shared-mismatch') return undefined;
  const bad = f.bad !== null && typeof f.bad === 'object' ? undefined : f.bad;
  const fact = cachedFact({
    endpoint,
    location: f.location,
    path: f.path,
    change: f.change as FactChange,
    bad,
    badKind: f.kinds.bad?.kind,
  });
  if (!fact) return undefined;
  return {
    id: fact.id,
    sentence: factSentence(fact, f.secret ? {} : { good: f.good, bad: f.bad }),
    likelihood: fact.likelihood,
    ...(fact.webSends !== undefined ? { webSends: fact.webSends as JsonValue } : {}),
    source: fact.source,
  };
}

interface Judged {
  readonly f: RawFinding & { readonly fact?: FindingFact | undefined };
  readonly score: number;
  readonly explanation: string;
}

// A memoised raw finding (compare-requests.ts) is one object shared by every pair that shows the
// same difference; its fact, score and sentence are worked out once, and so is the ranked finding
// per rank. The endpoint is part of the memo key there, so it is the same for every use of one
// object. One-off findings (fresh values) skip these caches: weak maps churning through hundreds of
// thousands of short-lived keys cost the garbage collector more than they save.
const judged = new WeakMap<RawFinding, Judged>();
const ranked = new WeakMap<RawFinding, Finding[]>();

// Volatile noise is new in every pair (fresh ids), but its sentence names only the field, the
// kind and the rule's reason: those sentences are shared by key.
const noiseSentences = new Map<string, string>();

function judgeOnce(f: RawFinding, endpoint: string | undefined): Judged {
  if (f.volatile) {
    const key = `${f.id}\u0001${f.kinds.bad?.kind ?? ''}\u0001${f.volatileReason ?? ''}`;
    let explanation = noiseSentences.get(key);
    if (explanation === undefined) {
      explanation = explainFinding(f);
      if (noiseSentences.size >= 10_000) noiseSentences.clear();
      noiseSentences.set(key, explanation);
    }
    return { f, score: CATEGORY_SCORES.volatile, explanation };
  }
  const fact = factFor(f, endpoint);
  const withFact = fact ? { ...f, fact } : f;
  const score =
    CATEGORY_SCORES[f.category] + (fact ? FACT_LIKELIHOOD_ORDER[fact.likelihood] * FACT_POINTS_PER_STEP : 0);
  return { f: withFact, score, explanation: explainFinding(withFact) };
}

function judge(f: RawFinding, endpoint: string | undefined, shared: boolean): Judged {
  if (!shared) return judgeOnce(f, endpoint);
  let j = judged.get(f);
  if (!j) judged.set(f, (j = judgeOnce(f, endpoint)));
  return j;
}

function rankedFinding(raw: RawFinding, j: Judged, rank: number, shared: boolean): Finding {
  if (!shared) return { ...j.f, score: j.score, rank, explanation: j.explanation };
  let byRank = ranked.get(raw);
  if (!byRank) ranked.set(raw, (byRank = []));
  return (byRank[rank] ??= { ...j.f, score: j.score, rank, explanation: j.explanation });
}

/** Attaches facts, scores, ranks and explains the findings of one pair. */
export function rankFindings(
  raw: readonly RawFinding[],
  endpoint: string | undefined,
  isShared: (f: RawFinding) => boolean = () => false,
): Finding[] {
  const items = raw.map((f, order) => {
    const shared = isShared(f);
    return { raw: f, j: judge(f, endpoint, shared), order, shared };
  });
  const likelihood = (j: Judged) => (j.f.fact ? FACT_LIKELIHOOD_ORDER[j.f.fact.likelihood] : 0);
  // Ties: the likelier fact first (a high-likelihood kind mismatch before a low envelope field),
  // then body before query before headers, then the order GOOD lists the fields in.
  items.sort(
    (a, b) =>
      b.j.score - a.j.score ||
      likelihood(b.j) - likelihood(a.j) ||
      (LOCATION_ORDER[a.raw.location] ?? 9) - (LOCATION_ORDER[b.raw.location] ?? 9) ||
      a.order - b.order,
  );
  return items.map(({ raw: f, j, shared }, i) => rankedFinding(f, j, i + 1, shared));
}
