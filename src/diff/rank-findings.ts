/**
 * Orders findings by how likely they break the request. The category sets the tier (enum-like
 * value changes and missing fields first, then kind mismatches, extra fields, headers, cosmetic
 * ones, volatile noise last); a protocol fact lifts a finding within and across neighbouring tiers
 * by its likelihood. Scores are data so that a reader can see, and a user change, the ordering.
 */
import { FACT_LIKELIHOOD_ORDER, factSentence, findProtocolFacts, type FactChange } from '../upstream/protocol-facts.js';
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

const LOCATION_ORDER: Readonly<Record<string, number>> = { method: 0, path: 1, url: 2, body: 3, query: 4, header: 5, cookie: 6 };

/** The best protocol fact for a finding, with its sentence filled in. */
export function factFor(f: RawFinding, endpoint: string | undefined): FindingFact | undefined {
  if (f.volatile || f.change === 'reordered' || f.category === 'shared-mismatch') return undefined;
  const [fact] = findProtocolFacts({ endpoint, location: f.location, path: f.path, change: f.change as FactChange, bad: f.bad, badKind: f.kinds.bad?.kind });
  if (!fact) return undefined;
  return {
    id: fact.id,
    sentence: factSentence(fact, f.secret ? {} : { good: f.good, bad: f.bad }),
    likelihood: fact.likelihood,
    ...(fact.webSends !== undefined ? { webSends: fact.webSends as JsonValue } : {}),
    source: fact.source,
  };
}

/** Attaches facts, scores, ranks and explains the findings of one pair. */
export function rankFindings(raw: readonly RawFinding[], endpoint: string | undefined): Finding[] {
  const scored = raw.map((f, order) => {
    const fact = factFor(f, endpoint);
    const score = CATEGORY_SCORES[f.category] + (fact ? FACT_LIKELIHOOD_ORDER[fact.likelihood] * FACT_POINTS_PER_STEP : 0);
    return { f: fact ? { ...f, fact } : f, score, order };
  });
  const likelihood = (f: RawFinding & { fact?: FindingFact }) => (f.fact ? FACT_LIKELIHOOD_ORDER[f.fact.likelihood] : 0);
  // Ties: the likelier fact first (a high-likelihood kind mismatch before a low envelope field),
  // then body before query before headers, then the order GOOD lists the fields in.
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      likelihood(b.f) - likelihood(a.f) ||
      (LOCATION_ORDER[a.f.location] ?? 9) - (LOCATION_ORDER[b.f.location] ?? 9) ||
      a.order - b.order,
  );
  return scored.map(({ f, score }, i) => ({ ...f, score, rank: i + 1, explanation: explainFinding(f) }));
}
