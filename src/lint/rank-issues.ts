/**
 * Turns the raw issues of every request into ranked, explained ones: the same problem at the same
 * field with the same value becomes one issue listing its requests; each gets the likeliest protocol
 * fact (src/upstream/protocol-facts.ts) and the diff's ranking, a category score plus the fact's
 * likelihood (src/diff/rank-findings.ts), so lint and diff order culprits the same way.
 */
import { CATEGORY_SCORES, FACT_POINTS_PER_STEP, type FindingCategory, type FindingFact } from '../diff/index.js';
import {
  FACT_LIKELIHOOD_ORDER,
  factSentence,
  findProtocolFacts,
  type ProtocolFact,
} from '../upstream/protocol-facts.js';
import type { JsonValue } from '../common/index.js';
import type { FactLookup, LintIssue, RawIssue } from './lint-issue.js';

/** One issue as first found, with every request that had it (same problem, field and value). */
export interface IssueGroup {
  readonly endpoint: string;
  readonly issue: RawIssue;
  /** Exchange ids, in capture order, each once. */
  readonly requests: readonly string[];
}

const LOCATION_ORDER: Readonly<Record<string, number>> = { path: 0, body: 1, query: 2, header: 3, cookie: 4 };

/** The diff's category for a problem: body and query problems by their nature, headers and cookies as headers. */
export function categoryOf(issue: RawIssue): FindingCategory {
  if (issue.problem === 'unknown-endpoint') return 'request-line';
  if (issue.problem === 'auth-form')
    return issue.facts.some((f) => f.change === 'changed') ? 'kind-mismatch' : 'header';
  if (issue.location === 'header' || issue.location === 'cookie') return 'header';
  switch (issue.problem) {
    case 'missing-field':
      return 'required-missing';
    case 'unknown-field':
      return 'extra-field';
    case 'outside-enum':
      return 'enum-changed';
    case 'wrong-kind':
      return 'kind-mismatch';
    case 'wrong-type':
      return 'type-changed';
  }
}

function bestFact(
  endpoint: string,
  lookups: readonly FactLookup[],
): { fact: ProtocolFact; lookup: FactLookup } | undefined {
  let best: { fact: ProtocolFact; lookup: FactLookup } | undefined;
  for (const lookup of lookups) {
    const fact = findProtocolFacts({
      endpoint,
      location: lookup.location,
      path: lookup.path,
      change: lookup.change,
      bad: lookup.bad,
      badKind: lookup.badKind,
    })[0];
    if (fact && (!best || FACT_LIKELIHOOD_ORDER[fact.likelihood] > FACT_LIKELIHOOD_ORDER[best.fact.likelihood]))
      best = { fact, lookup };
  }
  return best;
}

function findingFact(found: { fact: ProtocolFact; lookup: FactLookup } | undefined): FindingFact | undefined {
  if (!found) return undefined;
  const { fact, lookup } = found;
  return {
    id: fact.id,
    sentence: factSentence(fact, {
      ...(lookup.bad !== undefined ? { bad: lookup.bad } : {}),
      ...(lookup.good !== undefined ? { good: lookup.good } : {}),
    }),
    likelihood: fact.likelihood,
    ...(fact.webSends !== undefined ? { webSends: fact.webSends as JsonValue } : {}),
    source: fact.source,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Ranked issues from the issue groups of a capture, in the order they were first found.
 * `requestsPerEndpoint` says how many requests of each endpoint were checked, for "in 2 of 3 requests".
 */
export function rankIssues(
  groups: readonly IssueGroup[],
  requestsPerEndpoint: ReadonlyMap<string, number>,
): LintIssue[] {
  const judged = groups.map(({ issue, endpoint, requests }, order) => {
    const category = categoryOf(issue);
    const fact = findingFact(bestFact(endpoint, issue.facts));
    const score =
      CATEGORY_SCORES[category] + (fact ? FACT_LIKELIHOOD_ORDER[fact.likelihood] * FACT_POINTS_PER_STEP : 0);
    const of = requestsPerEndpoint.get(endpoint) ?? requests.length;
    const share = of > 1 ? ` (in ${requests.length} of ${of} ${endpoint} requests)` : '';
    const explanation = `${capitalize(issue.sentence)}${fact ? `: ${fact.sentence}` : ''}${share}.`;
    return { issue, endpoint, category, fact, score, requests, of, explanation, order };
  });
  const likelihood = (fact: FindingFact | undefined) => (fact ? FACT_LIKELIHOOD_ORDER[fact.likelihood] : 0);
  judged.sort(
    (a, b) =>
      b.score - a.score ||
      likelihood(b.fact) - likelihood(a.fact) ||
      (LOCATION_ORDER[a.issue.location] ?? 9) - (LOCATION_ORDER[b.issue.location] ?? 9) ||
      a.order - b.order,
  );
  const ids = new Map<string, number>();
  return judged.map((j, i) => {
    const base = `${j.endpoint} ${j.issue.path === '' ? j.issue.location : `${j.issue.location}:${j.issue.path}`}`;
    const seen = (ids.get(base) ?? 0) + 1;
    ids.set(base, seen);
    return {
      id: seen === 1 ? base : `${base}#${seen}`,
      problem: j.issue.problem,
      category: j.category,
      endpoint: j.endpoint,
      location: j.issue.location,
      path: j.issue.path,
      expected: j.issue.expected,
      actual: j.issue.actual,
      requests: j.requests,
      ofRequests: j.of,
      ...(j.fact ? { fact: j.fact } : {}),
      score: j.score,
      rank: i + 1,
      explanation: j.explanation,
    };
  });
}
