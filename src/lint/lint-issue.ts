/**
 * What `lint` finds in a client's request, as data: a problem at one field, what the browser sends
 * there and what the client sent, the protocol fact that explains it, a score (the diff's category
 * scores plus the fact's likelihood) and one sentence. Issues found in several requests are one
 * issue listing the requests.
 */
import type { FieldLocation, FieldRef } from '../common/index.js';
import type { FindingCategory, FindingFact } from '../diff/index.js';
import type { FactChange } from '../upstream/protocol-facts.js';

/** The kinds of problem lint reports. */
export type LintProblem =
  /** The browser never called this endpoint (a v1 path, a guessed URL). */
  | 'unknown-endpoint'
  /** A field the browser never sends. */
  | 'unknown-field'
  /** A field the browser sends in every request, absent. */
  | 'missing-field'
  /** A different JSON type (a string where the browser sends a number). */
  | 'wrong-type'
  /** A value of another kind (ms where the browser sends s, a gzip blob where it sends a JWT). */
  | 'wrong-kind'
  /** A value outside the enum the browser's values form (`chat_type 'text'` where it sends `'t2t'`). */
  | 'outside-enum'
  /** The token travels differently (no `Bearer`, another kind, header or cookie missing). */
  | 'auth-form';

/** A question for the protocol facts (src/upstream/protocol-facts.ts) about one part of an issue. */
export interface FactLookup extends FieldRef {
  readonly change: FactChange;
  /** The client's value, when it is a scalar and not a secret. */
  readonly bad?: string | number | boolean | null;
  readonly badKind?: string;
  /** What the browser sends there, for facts that name it (`such as '{good}'`). */
  readonly good?: string;
}

/** An issue of one request, before facts, ranking and merging with the same issue of other requests. */
export interface RawIssue extends FieldRef {
  readonly problem: LintProblem;
  /** What the browser sends there, for people: `'t2t'`, `Bearer jwt`, `timestamp-s`. */
  readonly expected: string;
  /** What the client sent: the value (never a secret's), or its kind. */
  readonly actual: string;
  /** The sentence before the fact's: `body model is 'qwen-turbo' where the browser sends 'qwen3-max'`. */
  readonly sentence: string;
  /** Fact lookups, best first-found; the likeliest matching fact explains and ranks the issue. */
  readonly facts: readonly FactLookup[];
}

/** A ranked, explained issue; one per field and problem across the capture. */
export interface LintIssue extends FieldRef {
  /** `chat.completions body:messages[0].chat_type`; unique within a result. */
  readonly id: string;
  readonly problem: LintProblem;
  /** The diff's category, which sets the base score (CATEGORY_SCORES). */
  readonly category: FindingCategory;
  readonly endpoint: string;
  readonly location: FieldLocation;
  readonly expected: string;
  readonly actual: string;
  /** Exchange ids of the requests that have it, in capture order. */
  readonly requests: readonly string[];
  /** Requests of this endpoint in the capture, for "in 2 of 3 requests". */
  readonly ofRequests: number;
  readonly fact?: FindingFact;
  /** Higher is likelier to break the request. */
  readonly score: number;
  /** 1-based, after ranking. */
  readonly rank: number;
  /** One sentence. */
  readonly explanation: string;
}
