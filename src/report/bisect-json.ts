/**
 * `bisect.json`: the machine-readable bisect result. Stable field names (`schemaVersion` versions
 * them); secrets appear as their stand-ins (`Bearer «jwt 209 chars»`), never as values, so the file
 * can be attached to an issue as it is.
 */
import type {
  BisectResult,
  BisectVerdict,
  FailureTransition,
  ProbeLogEntry,
  RequiredField,
  RequiredStatus,
} from '../bisect/bisect-result.js';
import type { FindingChange } from '../bisect/bisect-captures.js';
import type { JsonValue } from '../diff/finding.js';
import { safeValue, scrubText } from './format-value.js';

export const BISECT_JSON_SCHEMA_VERSION = 1;

/** One culprit as `bisect.json` lists it. */
export interface BisectJsonCulprit {
  readonly id: string;
  readonly location: string;
  readonly path: string;
  readonly change: string;
  /** The working request's value (absent when it lacks the field); secrets as stand-ins. */
  readonly good?: JsonValue;
  readonly bad?: JsonValue;
  readonly explanation: string;
  /** The failure when every culprit but this one is applied. */
  readonly withoutIt?: string;
}

export interface BisectJsonReport {
  readonly schemaVersion: number;
  readonly verdict: BisectVerdict;
  readonly explanation: string;
  /** The endpoint of the pair that was bisected. */
  readonly endpoint?: string;
  readonly culprits: readonly BisectJsonCulprit[];
  readonly required: readonly RequiredField[];
  readonly requiredStatus: RequiredStatus;
  readonly requiredChecked: number;
  readonly requiredCandidates: number;
  readonly transitions: readonly FailureTransition[];
  readonly changes: number;
  readonly probes: number;
  readonly culpritProbes: number;
  readonly naiveProbes: number;
  readonly budget: number;
  readonly baseline: {
    readonly good?: { outcome: string; failure?: string };
    readonly bad?: { outcome: string; failure?: string };
  };
  readonly log: readonly ProbeLogEntry[];
}

/** Extra facts the caller knows (the bisect itself does not). */
export interface BisectJsonContext {
  readonly endpoint?: string;
}

function culprit(c: FindingChange, withoutIt: string | undefined): BisectJsonCulprit {
  const good = safeValue(c.good, c.secret);
  const bad = safeValue(c.bad, c.secret);
  return {
    id: c.id,
    location: c.location,
    path: c.path,
    change: c.change,
    ...(good !== undefined ? { good } : {}),
    ...(bad !== undefined ? { bad } : {}),
    explanation: scrubText(c.explanation),
    ...(withoutIt !== undefined ? { withoutIt } : {}),
  };
}

const brief = (v: { outcome: string; failure?: string } | undefined) =>
  v ? { outcome: v.outcome, ...(v.failure !== undefined ? { failure: v.failure } : {}) } : undefined;

/** The report as a value (for `--json` printing and tests). */
export function toBisectJson(result: BisectResult<FindingChange>, context: BisectJsonContext = {}): BisectJsonReport {
  const good = brief(result.baseline.good);
  const bad = brief(result.baseline.bad);
  return {
    schemaVersion: BISECT_JSON_SCHEMA_VERSION,
    verdict: result.verdict,
    explanation: scrubText(result.explanation),
    ...(context.endpoint !== undefined ? { endpoint: context.endpoint } : {}),
    culprits: result.culprits.map((c) => culprit(c, result.withoutEach[c.id])),
    required: result.required,
    requiredStatus: result.requiredStatus,
    requiredChecked: result.requiredChecked,
    requiredCandidates: result.requiredCandidates,
    transitions: result.transitions,
    changes: result.changes,
    probes: result.probes,
    culpritProbes: result.culpritProbes,
    naiveProbes: result.naiveProbes,
    budget: result.budget,
    baseline: { ...(good ? { good } : {}), ...(bad ? { bad } : {}) },
    log: result.log.map((e) => ({ ...e, explanation: scrubText(e.explanation) })),
  };
}

/** `bisect.json` text, two-space indented, with a final newline. */
export function renderBisectJson(result: BisectResult<FindingChange>, context: BisectJsonContext = {}): string {
  return `${JSON.stringify(toBisectJson(result, context), null, 2)}\n`;
}
