/**
 * The JSON report of a diff: a stable, documented schema for scripts (see README.md in this folder).
 * Additive changes keep `schemaVersion`; renaming or removing a field bumps it. Secret values appear
 * only as stand-ins (`«jwt 209 chars exp 2026-12-01»`), never raw.
 */
import type { FieldLocation } from '../common/index.js';
import type { DiffResult, ExchangeRef, PairDiff } from '../diff/diff-result.js';
import type {
  Finding,
  FindingCategory,
  FindingChange,
  JsonValue,
  TextDiffPart,
  ValueKindInfo,
} from '../diff/finding.js';
import { safeValue, scrubText } from './format-value.js';

/** Version of the JSON report schema. */
export const DIFF_JSON_SCHEMA_VERSION = 1;

/** The whole report. */
export interface DiffJsonReport {
  readonly schemaVersion: typeof DIFF_JSON_SCHEMA_VERSION;
  readonly tool: 'qwen-probe diff';
  /** `match` (exit 0), `differ` (exit 1), `nothing-to-compare`. */
  readonly verdict: DiffResult['verdict'];
  /** One sentence on the whole diff. */
  readonly explanation: string;
  readonly summary: DiffResult['summary'];
  /** Exchanges left out before pairing (non-API traffic, other endpoints). */
  readonly skipped: DiffResult['skipped'];
  readonly pairs: readonly DiffJsonPair[];
  readonly unpaired: { readonly good: readonly DiffJsonExchange[]; readonly bad: readonly DiffJsonExchange[] };
}

/** One exchange of a pair, without its bodies. */
export interface DiffJsonExchange {
  readonly id: string;
  /** Position in its capture, from 0. */
  readonly index: number;
  readonly source: string;
  readonly method: string;
  /** With JWT-looking parts replaced. */
  readonly url: string;
  readonly endpoint?: string;
  /** `chat.completions #1`. */
  readonly label: string;
  readonly response: {
    readonly status?: number;
    readonly ok: boolean;
    readonly outcome: string;
    readonly events: number;
  };
}

/** One pair in the JSON report. */
export interface DiffJsonPair {
  /** 1-based. */
  readonly index: number;
  /** Pairing key: endpoint name, or `METHOD /path/:id`. */
  readonly key: string;
  readonly endpoint?: string;
  /** Paired only because each side held one request. */
  readonly forced: boolean;
  readonly explanation: string;
  readonly good: DiffJsonExchange;
  readonly bad: DiffJsonExchange;
  /** Ranked, likeliest culprit first; volatile ones (noise) last. */
  readonly findings: readonly DiffJsonFinding[];
}

/** One finding in the JSON report; secrets as stand-ins. */
export interface DiffJsonFinding {
  /** Stable within a pair: `body:messages[0].chat_type`, `header:x-request-id`, `header-order`, `shared:chat_id`. */
  readonly id: string;
  /** 1-based rank within the pair. */
  readonly rank: number;
  /** Higher breaks requests more likely; see CATEGORY_SCORES in src/diff/rank-findings.ts. */
  readonly score: number;
  readonly location: FieldLocation;
  /** Header/cookie name, query parameter, body path (`messages[0].chat_type`), `''` for the whole thing. */
  readonly path: string;
  readonly change: FindingChange;
  readonly category: FindingCategory;
  /** The working request's value (absent when it lacks the field); secrets as stand-ins. */
  readonly good?: JsonValue;
  /** The failing request's value (absent when it lacks the field); secrets as stand-ins. */
  readonly bad?: JsonValue;
  readonly kinds: { readonly good?: ValueKindInfo | undefined; readonly bad?: ValueKindInfo | undefined };
  /** True for noise: a volatile field with a fresh value of the expected kind. */
  readonly volatile: boolean;
  readonly volatileReason?: string;
  /** The values are credentials and shown as stand-ins. */
  readonly secret: boolean;
  /** One sentence. */
  readonly explanation: string;
  /** The protocol fact behind the ranking, when the model has one. */
  readonly fact?: {
    readonly id: string;
    readonly likelihood: string;
    readonly sentence: string;
    readonly source: string;
    readonly webSends?: JsonValue;
  };
  readonly textDiff?: readonly TextDiffPart[];
  /** Set when applying the finding copies another field of the failing request (shared values). */
  readonly applyAs?: Finding['applyAs'];
}

function exchangeJson(ref: ExchangeRef): DiffJsonExchange {
  return {
    id: ref.id,
    index: ref.index,
    source: ref.source,
    method: ref.method,
    url: scrubText(ref.url),
    ...(ref.endpoint !== undefined ? { endpoint: ref.endpoint } : {}),
    label: ref.label,
    response: {
      ...(ref.response.status !== undefined ? { status: ref.response.status } : {}),
      ok: ref.response.ok,
      outcome: ref.response.outcome,
      events: ref.response.events,
    },
  };
}

function findingJson(f: Finding): DiffJsonFinding {
  const good = safeValue(f.good, f.secret);
  const bad = safeValue(f.bad, f.secret);
  return {
    id: f.id,
    rank: f.rank,
    score: f.score,
    location: f.location,
    path: f.path,
    change: f.change,
    category: f.category,
    ...(good !== undefined ? { good } : {}),
    ...(bad !== undefined ? { bad } : {}),
    kinds: f.kinds,
    volatile: f.volatile,
    ...(f.volatileReason !== undefined ? { volatileReason: f.volatileReason } : {}),
    secret: f.secret,
    explanation: scrubText(f.explanation),
    ...(f.fact
      ? {
          fact: {
            id: f.fact.id,
            likelihood: f.fact.likelihood,
            sentence: scrubText(f.fact.sentence),
            source: f.fact.source,
            ...(f.fact.webSends !== undefined ? { webSends: f.fact.webSends } : {}),
          },
        }
      : {}),
    ...(f.textDiff ? { textDiff: f.textDiff.map((p) => ({ op: p.op, text: scrubText(p.text) })) } : {}),
    ...(f.applyAs ? { applyAs: f.applyAs } : {}),
  };
}

function pairJson(p: PairDiff): DiffJsonPair {
  return {
    index: p.index,
    key: p.key,
    ...(p.endpoint !== undefined ? { endpoint: p.endpoint } : {}),
    forced: p.forced,
    explanation: p.explanation,
    good: exchangeJson(p.good),
    bad: exchangeJson(p.bad),
    findings: p.findings.map(findingJson),
  };
}

/** The report as a value. */
export function toDiffJson(result: DiffResult): DiffJsonReport {
  return {
    schemaVersion: DIFF_JSON_SCHEMA_VERSION,
    tool: 'qwen-probe diff',
    verdict: result.verdict,
    explanation: result.explanation,
    summary: result.summary,
    skipped: result.skipped,
    pairs: result.pairs.map(pairJson),
    unpaired: { good: result.unpaired.good.map(exchangeJson), bad: result.unpaired.bad.map(exchangeJson) },
  };
}

/** The report as text: two-space indented, newline-terminated, key order fixed by the schema. */
export function renderDiffJson(result: DiffResult): string {
  return `${JSON.stringify(toDiffJson(result), null, 2)}\n`;
}
