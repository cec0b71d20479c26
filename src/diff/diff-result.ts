/**
 * What `diffCaptures` returns: pairs of exchanges with their ranked findings, what could not be
 * paired, and a verdict. Plain data; the report renderers read it through `import type` only.
 */
import type { Exchange, ExchangeSource } from '../exchange/exchange.js';
import type { Finding } from './finding.js';
import type { NormalizedRequest } from './normalize-request.js';

/** How a response ended, in a few words (from the protocol model's failure classification). */
export interface ResponseSummary {
  /** HTTP status; absent when no response came. */
  readonly status?: number;
  /** A 2xx with no recognised failure (for a completion: an event stream with an answer). */
  readonly ok: boolean;
  /** `answer streamed`, `Internal_Server_Error`, `waf`, `transport:ECONNRESET`, `HTTP 200`. */
  readonly outcome: string;
  /** Server-sent events recorded. */
  readonly events: number;
}

/** One exchange as a diff refers to it. */
export interface ExchangeRef {
  /** The exchange's own id. */
  readonly id: string;
  /** Position in its capture, from 0. */
  readonly index: number;
  readonly source: ExchangeSource;
  readonly method: string;
  readonly url: string;
  readonly endpoint?: string;
  /** `chat.completions #2`: endpoint (or method and template) and its number within that key. */
  readonly label: string;
  readonly response: ResponseSummary;
  /** The exchange itself, for renderers that draw the request or its event timeline. */
  readonly exchange: Exchange;
}

/** One GOOD exchange, the BAD exchange paired with it, and their ranked findings. */
export interface PairDiff {
  /** 1-based position among the pairs. */
  readonly index: number;
  /** Pairing key: the endpoint name, or `METHOD /path/:id` when the model does not know it. */
  readonly key: string;
  readonly endpoint?: string;
  readonly good: ExchangeRef;
  readonly bad: ExchangeRef;
  /** True when the two were paired only because each side held a single request. */
  readonly forced: boolean;
  /** Ranked: `findings[0]` is the likeliest culprit; volatile noise last. */
  readonly findings: readonly Finding[];
  /** The normalised requests, for side-by-side views. */
  readonly requests: { readonly good: NormalizedRequest; readonly bad: NormalizedRequest };
  readonly explanation: string;
}

/** The outcome of a diff; the CLI exits 0 for `match`, 1 otherwise. */
export type DiffVerdict =
  /** Every pair matches modulo volatile values and nothing is unpaired. */
  | 'match'
  | 'differ'
  /** No pair could be formed. */
  | 'nothing-to-compare';

/** Counts over all pairs. */
export interface DiffSummary {
  readonly pairs: number;
  /** Findings that are not volatile noise, across all pairs. */
  readonly findings: number;
  readonly volatile: number;
  readonly unpairedGood: number;
  readonly unpairedBad: number;
  /** Findings dropped by `ignore` patterns. */
  readonly ignored: number;
  /** Label of the highest-scoring finding of all pairs (`body messages[0].chat_type`). */
  readonly top?: string;
}

/** Everything `diffCaptures` found. */
export interface DiffResult {
  /** Version of this structure; the JSON report carries its own `schemaVersion`. */
  readonly schemaVersion: 1;
  readonly verdict: DiffVerdict;
  readonly pairs: readonly PairDiff[];
  readonly unpaired: { readonly good: readonly ExchangeRef[]; readonly bad: readonly ExchangeRef[] };
  /** Exchanges left out before pairing: not API traffic (pages, scripts), or another endpoint than `--endpoint`. */
  readonly skipped: { readonly good: number; readonly bad: number };
  readonly summary: DiffSummary;
  readonly explanation: string;
}
