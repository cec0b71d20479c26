/**
 * What a bisect returns, as plain data: the verdict, the culprits, the fields the server needs,
 * every probe it sent and how the failure moved as culprits were added. Generic over the change
 * type, so nothing here knows what a Qwen field is; reports read it through `import type` only.
 */
import type { ProbeOutcome } from './ddmin.js';

/** What every change must offer: a stable id and a label for progress lines and reports. */
export interface BisectChange {
  readonly id: string;
  /** `body messages[0].chat_type`. */
  readonly label: string;
}

/** One probe's verdict, as the oracle gives it (a `RequestVerdict` of client/ fits). */
export interface ProbeVerdict {
  readonly outcome: ProbeOutcome;
  /** Short stable name of the failure (`Internal_Server_Error`); absent when it works. */
  readonly failure?: string;
  /** One sentence. */
  readonly explanation: string;
}

/**
 * How the search ended. `found`: a confirmed smallest set; `not-found`: no subset of the changes
 * makes it work; `good-fails`: the working request fails now; `bad-passes`: the failing request
 * works now; `budget-exhausted`, `inconclusive` (the transport failed twice in a row) and `stopped`
 * (Ctrl-C) come with the best set seen so far, unconfirmed.
 */
export type BisectVerdict =
  'found' | 'not-found' | 'good-fails' | 'bad-passes' | 'budget-exhausted' | 'inconclusive' | 'stopped';

/** Why a probe was sent. */
export type ProbePurpose = 'good' | 'bad' | 'all' | 'search' | 'confirm' | 'path' | 'required';

/** One probe as the log keeps it. */
export interface ProbeLogEntry {
  /** 1-based, in send order; a retry is a probe of its own. */
  readonly n: number;
  readonly purpose: ProbePurpose;
  /** Ids of the changes applied (for `required`: the fields removed from the working request). */
  readonly subset: readonly string[];
  readonly outcome: ProbeOutcome;
  readonly failure?: string;
  readonly explanation: string;
  readonly ms: number;
  /** True for the second try of an inconclusive probe. */
  readonly retry?: boolean;
}

/** Adding one change moved the failure from one kind to another (or to a working answer). */
export interface FailureTransition {
  readonly added: string;
  readonly label: string;
  /** Failure name before, e.g. `RequestValidationError: Field 'query -> chat_id': Field required`. */
  readonly from: string;
  /** Failure name after, or `works`. */
  readonly to: string;
  readonly explanation: string;
}

/** A field of the working request whose removal breaks it. */
export interface RequiredField {
  readonly id: string;
  readonly label: string;
  /** The failure without it. */
  readonly failure?: string;
  readonly explanation: string;
}

/** How far the search for required fields got. */
export type RequiredStatus = 'complete' | 'partial' | 'skipped';

export interface BisectResult<C extends BisectChange = BisectChange> {
  readonly verdict: BisectVerdict;
  /** The confirmed set for `found`; the best set seen for the unfinished verdicts; empty otherwise. */
  readonly culprits: readonly C[];
  /** Per culprit: the failure when only that culprit is left out (from the confirmation). */
  readonly withoutEach: Readonly<Record<string, string>>;
  readonly required: readonly RequiredField[];
  readonly requiredStatus: RequiredStatus;
  /** Fields of the working request checked for being required, out of `requiredCandidates`. */
  readonly requiredChecked: number;
  readonly requiredCandidates: number;
  readonly changes: number;
  /** Probes sent, retries included. */
  readonly probes: number;
  /** Of `probes`, those spent before the search for required fields: finding and confirming the culprits. */
  readonly culpritProbes: number;
  readonly budget: number;
  /** What leave-one-out would have spent on the same changes, for comparison. */
  readonly naiveProbes: number;
  readonly baseline: { readonly good?: ProbeVerdict; readonly bad?: ProbeVerdict };
  readonly transitions: readonly FailureTransition[];
  readonly log: readonly ProbeLogEntry[];
  /** One sentence (or two) saying what was found and how sure it is. */
  readonly explanation: string;
}
