/**
 * What `QwenStreamReader` hands out: live updates while a chat.qwen.ai event stream arrives, and
 * one result when it ends. Plain readonly data, so a proxy, a printer and the bisect oracle can
 * all consume the same values.
 */
import type { UpstreamFailure } from './upstream-failure.js';

/** The two ways Qwen streams reasoning: incremental `think` text, or cumulative summary arrays. */
export type ReasoningPhase = 'think' | 'thinking_summary';

/** The ids from the first event, `{"response.created":{…}}`; absent fields were absent on the wire. */
export interface QwenCreated {
  readonly chatId?: string;
  readonly parentId?: string;
  /** What the next turn in the same chat sends as `parent_id`. */
  readonly responseId?: string;
  /** Sent as a string (`"0"`) on the wire; a number here. */
  readonly responseIndex?: number;
}

/** Token counts, normalised from `input_tokens`/`output_tokens` or `prompt_tokens`/`completion_tokens`. */
export interface QwenUsage {
  /** Includes Qwen's hidden system prompt (about 1000 tokens). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** `total_tokens` when sent, else input + output (later events often omit it). */
  readonly totalTokens: number;
  readonly reasoningTokens?: number;
  readonly cachedTokens?: number;
}

/** The `thinking_summary` arrays as last seen (each event repeats them in full). */
export interface QwenSummary {
  readonly titles: readonly string[];
  readonly thoughts: readonly string[];
}

/** One thing a live consumer may act on, in arrival order. Text is always incremental. */
export type QwenStreamUpdate =
  | ({ readonly kind: 'created' } & QwenCreated)
  | { readonly kind: 'answer'; readonly text: string }
  /**
   * Reasoning text. For `thinking_summary` it is rendered from the cumulative arrays: a title as
   * a line `**title**\n`, its thought directly under it, sections separated by a blank line. See
   * `SummaryRenderer` in stream-schemas.ts for changes that cannot simply be appended.
   */
  | { readonly kind: 'reasoning'; readonly text: string; readonly phase: ReasoningPhase }
  /** Emitted when the normalised usage differs from the last one. */
  | { readonly kind: 'usage'; readonly usage: QwenUsage }
  | { readonly kind: 'phase-finished'; readonly phase: string }
  /** The final `status:"finished"` answer event arrived. */
  | { readonly kind: 'finished' }
  | { readonly kind: 'failure'; readonly failure: UpstreamFailure }
  /** An event we do not model (`image_gen`, `web_search`, unknown shapes), kept raw. */
  | { readonly kind: 'other'; readonly data: unknown };

/** The verdict on a whole stream. */
export interface QwenStreamResult {
  /** Answer text non-empty, the final answer event seen, and no failure: "a working answer". */
  readonly ok: boolean;
  readonly answer: string;
  /** All reasoning updates joined, in order. */
  readonly reasoning: string;
  /** The phase that produced reasoning (the last one, if both did). */
  readonly reasoningPhase?: ReasoningPhase;
  readonly summary?: QwenSummary;
  /** The last usage seen. */
  readonly usage?: QwenUsage;
  readonly created?: QwenCreated;
  readonly finished: boolean;
  /** SSE events dispatched (including `[DONE]` and unreadable ones). */
  readonly events: number;
  /** The first failure; later ones are in the updates only. */
  readonly failure?: UpstreamFailure;
  /** SSE comment lines (`: …`), e.g. keep-alives. */
  readonly comments: readonly string[];
}

/** Options for ending a stream. */
export interface EndOptions {
  /** The caller knows the transport cut the stream (reset, abort): the result is `truncated`. */
  readonly cut?: boolean;
}
