/** The `diff` capability: compare a working capture with a failing one, field by field, ranked and explained. */
export { diffCaptures, summarizeResponse, type DiffOptions } from './diff-captures.js';
export type { DiffResult, DiffSummary, DiffVerdict, ExchangeRef, PairDiff, ResponseSummary } from './diff-result.js';
export type {
  FieldRef,
  Finding,
  FindingCategory,
  FindingChange,
  FindingFact,
  JsonValue,
  RawFinding,
  TextDiffPart,
  ValueKind,
  ValueKindInfo,
} from './finding.js';
export { findingId } from './finding.js';
export { applyFindings, reorderHeaders } from './apply-findings.js';
export { compareRequests, isSecretField, type CompareContext } from './compare-requests.js';
export {
  pairExchanges,
  pairKey,
  endpointOf,
  type ExchangePair,
  type Pairing,
  type PairOptions,
} from './pair-exchanges.js';
export {
  normalizeRequest,
  IGNORED_HEADERS,
  type NormalizedRequest,
  type NormalizedBody,
  type NormalizedHeader,
} from './normalize-request.js';
export { classifyValue, classifyString, describeKind, isEnumLike } from './value-kind.js';
export { rankFindings, CATEGORY_SCORES, FACT_POINTS_PER_STEP } from './rank-findings.js';
export { explain, explainFinding, explainPair, explainDiff, fieldLabel } from './explain.js';
export { fieldValue, checkSharedValues } from './shared-values.js';
export { formatPath, parsePath, getAtPath } from '../common/index.js';
export { parseIgnorePattern, matchesIgnore, type IgnorePattern } from './ignore-pattern.js';
export { learnVolatility, volatileField, kindsCompatible, type LearnedVolatility } from './volatility.js';
export {
  parseRequestInput,
  requestFromJson,
  type RequestInput,
  type RequestInputFormat,
} from '../exchange/formats/read-request-input.js';
export { parseCurl, shellWords, type CurlRequest } from '../exchange/formats/curl-command.js';
