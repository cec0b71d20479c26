/**
 * One difference between a working (GOOD) and a failing (BAD) request, as plain data. A finding is
 * both a sentence for a report and an edit: applying it to BAD makes that one field look like GOOD
 * (`applyFindings`), which is what `bisect` does with subsets of findings.
 */
import type { FieldLocation, FieldRef, JsonValue } from '../common/index.js';

export type { FieldRef, JsonValue };

/** What happened to a field, seen from GOOD to BAD. */
export type FindingChange =
  /** GOOD has the field, BAD does not. */
  | 'missing'
  /** BAD has a field GOOD does not. */
  | 'extra'
  /** Both have it, with different values of the same JSON type. */
  | 'changed'
  /** Both have it, with different JSON types (string vs number, object vs array, JSON vs text body). */
  | 'type-changed'
  /** Same header names, different order. */
  | 'reordered';

/**
 * Why a finding ranks where it does; each category has a base score in `CATEGORY_SCORES`
 * (rank-findings.ts). Ordered here from most to least likely to break a request.
 */
export type FindingCategory =
  /** Different method, path or endpoint: the request goes somewhere else. */
  | 'request-line'
  /** An enum-like value (short identifier, boolean, null) differs: `chat_type 't2t'` vs `'text'`. */
  | 'enum-changed'
  /** A body or query field of GOOD is absent from BAD. */
  | 'required-missing'
  /** Fields that must share one value (chat_id in query and body) disagree in BAD. */
  | 'shared-mismatch'
  /** Values of different kinds where GOOD's kind is expected (a JWT vs a gzip+base64 blob). */
  | 'kind-mismatch'
  /** Different JSON types (number vs string). */
  | 'type-changed'
  /** BAD sends a body or query field GOOD does not. */
  | 'extra-field'
  /** Other value changes: free text, numbers. */
  | 'value-changed'
  /** Headers and cookies: missing, extra or changed. */
  | 'header'
  /** Header order, origin: rarely the cause. */
  | 'cosmetic'
  /** A volatile field with a fresh value of the expected kind: noise, folded away in reports. */
  | 'volatile';

/** What a value looks like (value-kind.ts). */
export type ValueKind =
  | 'uuid'
  | 'jwt'
  | 'timestamp-ms'
  | 'timestamp-s'
  | 'date-string'
  | 'gzip-base64'
  | 'base64'
  | 'hex'
  | 'url'
  | 'number'
  | 'boolean'
  | 'null'
  | 'enum'
  | 'text'
  | 'empty'
  | 'object'
  | 'array'
  | 'binary'
  /** A redacted value whose original kind the redactor did not record. */
  | 'secret';

/** A value's kind with the facts reports show instead of secret values. */
export interface ValueKindInfo {
  readonly kind: ValueKind;
  /** Length in characters for strings, elements for arrays, keys for objects. */
  readonly length?: number;
  /** For JWTs: expiry day (`YYYY-MM-DD`, UTC) when the payload has `exp`. */
  readonly exp?: string;
  /** True when the value carried an auth scheme prefix such as `Bearer `. */
  readonly bearer?: boolean;
  /** True when the value was already redacted in the capture (`«jwt 209 chars …»`). */
  readonly redacted?: boolean;
}

/** A protocol fact that applies to a finding (src/upstream/protocol-facts.ts). */
export interface FindingFact {
  readonly id: string;
  readonly sentence: string;
  readonly likelihood: 'high' | 'high-medium' | 'medium' | 'medium-low' | 'low-medium' | 'low';
  /** What the web client sends there, when the fact knows. */
  readonly webSends?: JsonValue;
  readonly source: string;
}

/** A word-level text diff of a long string value, with long unchanged runs shortened. */
export interface TextDiffPart {
  readonly op: 'same' | 'added' | 'removed';
  readonly text: string;
}

/**
 * A ranked, explained difference between GOOD and BAD at one field. A diff makes hundreds of
 * thousands of these, so every finding has one object shape: an absent value is a key holding
 * `undefined` (hence the `| undefined` on the optional fields), which JSON output drops.
 */
export interface Finding extends FieldRef {
  /**
   * Stable id: `location:path` (`body:messages[0].chat_type`, `header:x-request-id`), `body` for a
   * whole body, `header-order`, `shared:<rule>` for a shared-value mismatch. Unique within a pair.
   */
  readonly id: string;
  readonly change: FindingChange;
  readonly category: FindingCategory;
  /** GOOD's value; absent when GOOD lacks the field. Raw: reports must render secrets via their kind. */
  readonly good?: JsonValue | undefined;
  /** BAD's value; absent when BAD lacks the field. */
  readonly bad?: JsonValue | undefined;
  readonly kinds: { readonly good?: ValueKindInfo | undefined; readonly bad?: ValueKindInfo | undefined };
  /** True for noise: a volatile field holding a fresh value of the expected kind. */
  readonly volatile: boolean;
  /** Why the field is volatile (the rule's reason, or "differs between working requests"). */
  readonly volatileReason?: string | undefined;
  /** Token, cookie, password, authorization: reports show kind and length only. */
  readonly secret: boolean;
  readonly fact?: FindingFact | undefined;
  readonly textDiff?: readonly TextDiffPart[] | undefined;
  /** How likely this breaks the request; higher first. */
  readonly score: number;
  /** 1-based position in its pair after ranking. */
  readonly rank: number;
  /** One sentence. */
  readonly explanation: string;
  /**
   * How to apply it when "copy GOOD's value" is not the fix: a shared-value mismatch copies the
   * value of another field of BAD, so that chat_id in the body equals chat_id in the query.
   */
  readonly applyAs?: { readonly kind: 'copy'; readonly from: FieldRef };
}

/** A finding before ranking and explaining. */
export type RawFinding = Omit<Finding, 'score' | 'rank' | 'explanation'>;

/** `location:path`, or the location alone for whole-value fields. */
export function findingId(location: FieldLocation, path: string): string {
  return path === '' ? location : `${location}:${path}`;
}
