/**
 * Bisect over a diff: picks the pair of requests to work on (the one whose failing side failed),
 * turns its non-volatile findings into the changes, and runs `bisectRequests` with `applyFindings`
 * as the edit. The oracle comes from the caller (client/probe-request.ts for live targets), so this
 * file still knows nothing of Qwen's field names.
 */
import { ProbeError } from '../exchange/errors.js';
import type { Exchange, ExchangeRequest } from '../exchange/exchange.js';
import { applyFindings } from '../diff/apply-findings.js';
import { diffCaptures } from '../diff/diff-captures.js';
import type { DiffResult, PairDiff } from '../diff/diff-result.js';
import { fieldLabel } from '../diff/explain.js';
import type { Finding } from '../diff/finding.js';
import type { BisectResult, ProbeVerdict } from './bisect-result.js';
import { bisectRequests, type BisectProgress } from './bisect-requests.js';
import { removableFields, withoutFields } from './removable-fields.js';

/** A finding as a bisect change: the finding plus its label. */
export type FindingChange = Finding & { readonly label: string };

/** The pair a bisect works on and the changes it tries. */
export interface BisectPlan {
  readonly pair: PairDiff;
  readonly endpoint?: string;
  readonly good: ExchangeRequest;
  readonly bad: ExchangeRequest;
  /** Non-volatile findings, most likely culprit first. */
  readonly changes: readonly FindingChange[];
  /** Volatile findings left to the per-probe refresh. */
  readonly volatile: number;
}

/**
 * Chooses the pair: the one of `endpoint` when given, else the first whose failing side failed while
 * the working side worked, else the first that differs. Throws E_INPUT when nothing pairs.
 */
export function planBisect(diff: DiffResult, options: { readonly endpoint?: string } = {}): BisectPlan {
  if (diff.pairs.length === 0) {
    throw new ProbeError('E_INPUT', `the captures cannot be paired: ${diff.explanation}`, {
      hint: 'both captures need a request to the same endpoint; check them with `qwen-probe diff GOOD BAD`',
    });
  }
  const candidates = options.endpoint
    ? diff.pairs.filter((p) => p.endpoint === options.endpoint || p.key === options.endpoint)
    : diff.pairs;
  if (candidates.length === 0) {
    throw new ProbeError(
      'E_INPUT',
      `no pair of ${options.endpoint} requests in the captures; paired: ${diff.pairs.map((p) => p.key).join(', ')}`,
    );
  }
  const pair =
    candidates.find((p) => p.good.response.ok && !p.bad.response.ok) ??
    candidates.find((p) => !p.bad.response.ok) ??
    candidates.find((p) => p.findings.some((f) => !f.volatile)) ??
    candidates[0]!;
  const changes = pair.findings.filter((f) => !f.volatile).map((f) => ({ ...f, label: fieldLabel(f) }));
  return {
    pair,
    ...(pair.endpoint !== undefined ? { endpoint: pair.endpoint } : {}),
    good: pair.good.exchange.request,
    bad: pair.bad.exchange.request,
    changes,
    volatile: pair.findings.length - changes.length,
  };
}

/**
 * Diffs two captures and plans the bisect of their pairs (`planBisect`); `endpoint` picks the pair.
 * Throws E_INPUT when the captures cannot be paired.
 */
export function planCaptures(
  good: readonly Exchange[],
  bad: readonly Exchange[],
  options: { readonly endpoint?: string | undefined } = {},
): { readonly diff: DiffResult; readonly plan: BisectPlan } {
  const endpoint = options.endpoint !== undefined ? { endpoint: options.endpoint } : {};
  const diff = diffCaptures(good, bad, endpoint);
  return { diff, plan: planBisect(diff, endpoint) };
}

export interface BisectPlanOptions {
  /** The oracle: sends a request afresh and judges the answer. */
  readonly probe: (request: ExchangeRequest) => Promise<ProbeVerdict>;
  readonly budget?: number | undefined;
  readonly delayMs?: number | undefined;
  readonly onProgress?: ((event: BisectProgress) => void) | undefined;
  readonly shouldStop?: (() => boolean) | undefined;
  /** Also look for the working request's required fields (default true). */
  readonly required?: boolean | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** Runs the bisect of a plan; see the module comment. */
export function bisectPlan(plan: BisectPlan, options: BisectPlanOptions): Promise<BisectResult<FindingChange>> {
  const fields = removableFields(plan.good);
  return bisectRequests<FindingChange, ExchangeRequest>({
    changes: plan.changes,
    apply: (subset) => applyFindings(plan.bad, subset, plan.good),
    probe: options.probe,
    good: plan.good,
    budget: options.budget,
    delayMs: options.delayMs,
    onProgress: options.onProgress,
    shouldStop: options.shouldStop,
    sleep: options.sleep,
    ...(options.required === false
      ? {}
      : {
          required: {
            candidates: fields,
            without: (ids: readonly string[]) =>
              withoutFields(
                plan.good,
                fields.filter((f) => ids.includes(f.id)),
              ),
          },
        }),
  });
}

/** The repaired request: the failing one with the culprits applied (what `investigate` replays). */
export function repairedRequest(plan: BisectPlan, culprits: readonly Finding[]): ExchangeRequest {
  return applyFindings(plan.bad, culprits, plan.good);
}
