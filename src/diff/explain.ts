/**
 * One sentence per finding, pair and diff: what differs, what the working request does instead, and
 * the protocol fact when the model has one. Reports are built from these sentences; a secret is
 * named by its kind and length, never its value.
 */
import type { Finding, JsonValue, ValueKindInfo } from './finding.js';
import type { DiffResult, PairDiff } from './diff-result.js';
import { describeKind } from './value-kind.js';

type Explainable = Omit<Finding, 'rank' | 'explanation' | 'score'>;

/** `body messages[0].chat_type`, `header x-request-id`, `cookie token`, `method`. */
export function fieldLabel(f: { readonly location: string; readonly path: string; readonly id?: string }): string {
  if (f.id === 'header-order') return 'header order';
  return f.path === '' ? f.location : `${f.location} ${f.path}`;
}

/** A value as a sentence mentions it. */
function showValue(value: JsonValue | undefined, info: ValueKindInfo | undefined, secret: boolean): string {
  if (value === undefined) return 'nothing';
  if (secret) return article(describeKind(info));
  if (typeof value === 'string')
    return value.length <= 40 ? `'${value}'` : `a ${value.length}-char ${info?.kind ?? 'string'}`;
  if (Array.isArray(value))
    return value.length <= 3 && JSON.stringify(value).length <= 40
      ? JSON.stringify(value)
      : `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') {
    const n = Object.keys(value).length;
    return `an object with ${n} field${n === 1 ? '' : 's'}`;
  }
  return JSON.stringify(value);
}

/** `a jwt`, `an enum`, `a uuid` (said "a you-id"). */
function article(noun: string): string {
  return /^[aeio]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function baseSentence(f: Explainable): string {
  const label = fieldLabel(f);
  const good = showValue(f.good, f.kinds.good, f.secret);
  const bad = showValue(f.bad, f.kinds.bad, f.secret);
  switch (f.category) {
    case 'volatile':
      return (
        `${label} differs, but both requests hold a fresh ${f.kinds.bad?.kind ?? 'value'} there, as expected ` +
        `(${f.volatileReason ?? 'volatile'})`
      );
    case 'kind-mismatch':
      return (
        `${label} holds ${bad} where the working request has ${good}; a fresh value is expected here ` +
        `(${f.volatileReason ?? 'volatile'}), but not one of another kind`
      );
    case 'shared-mismatch':
      return (
        `${label} is ${bad} but must equal ${good} within the same request ` + `(${f.volatileReason ?? 'shared value'})`
      );
    case 'cosmetic':
      if (f.id === 'header-order')
        return 'the headers come in a different order; servers rarely care, though a bot detector may';
      if (f.location === 'url')
        return (
          `the requests go to different origins (${good} vs ${bad}); expected when one side ran against the ` +
          `simulator`
        );
      break;
    case 'request-line':
      return `the failing request uses ${f.location} ${bad} where the working one uses ${good}`;
    default:
      break;
  }
  switch (f.change) {
    case 'missing':
      return `${label} is missing; the working request sends ${good}`;
    case 'extra':
      return `${label} = ${bad} is sent only by the failing request`;
    case 'type-changed':
      return (
        `${label} is ${bad} (${f.kinds.bad?.kind}) where the working request sends ${good} ` + `(${f.kinds.good?.kind})`
      );
    case 'reordered':
      return `${label} differs`;
    case 'changed':
      if (f.textDiff)
        return `${label} differs in its text (${f.kinds.good?.length ?? '?'} vs ${f.kinds.bad?.length ?? '?'} chars)`;
      return `${label} is ${bad} where the working request sends ${good}`;
  }
}

/** The one-sentence explanation of a finding. */
export function explainFinding(f: Explainable): string {
  const base = baseSentence(f);
  return `${capitalize(f.fact ? `${base}: ${f.fact.sentence}` : base)}.`;
}

/** One sentence on a pair: the response outcomes and the top finding. */
export function explainPair(pair: Pick<PairDiff, 'findings' | 'forced' | 'good' | 'bad'>): string {
  const breaking = pair.findings.filter((f) => !f.volatile);
  const what = pair.forced
    ? `${pair.good.label} and ${pair.bad.label} (paired because each side holds one request)`
    : pair.good.label;
  if (breaking.length === 0) {
    const noise = pair.findings.length;
    return noise
      ? `The requests of ${what} match but for ${noise} volatile value${noise === 1 ? '' : 's'}.`
      : `The requests of ${what} match.`;
  }
  const top = breaking[0]!;
  return (
    `${breaking.length} difference${breaking.length === 1 ? '' : 's'} in ${what}, most likely ` +
    `${fieldLabel(top)} (${top.category}).`
  );
}

/** One sentence on a whole diff. */
export function explainDiff(result: Omit<DiffResult, 'explanation'>): string {
  const s = result.summary;
  if (s.pairs === 0) {
    return (
      `Nothing to compare: no request of the failing capture goes to an endpoint the working one has ` +
      `(${s.unpairedGood} working and ${s.unpairedBad} failing requests unpaired).`
    );
  }
  const unpaired = s.unpairedGood + s.unpairedBad;
  const tail = unpaired ? `; ${unpaired} request${unpaired === 1 ? '' : 's'} unpaired` : '';
  if (s.findings === 0)
    return (
      `The requests match modulo ${s.volatile} volatile value${s.volatile === 1 ? '' : 's'} across ${s.pairs} ` +
      `pair${s.pairs === 1 ? '' : 's'}${tail}.`
    );
  return (
    `${s.findings} difference${s.findings === 1 ? '' : 's'} across ${s.pairs} pair${s.pairs === 1 ? '' : 's'} ` +
    `(${s.volatile} volatile hidden)${tail}; the likeliest culprit is ${s.top ?? 'unknown'}.`
  );
}

/** `explain()` for anything the diff produces. */
export function explain(x: Finding | PairDiff | DiffResult): string {
  return x.explanation;
}
