/**
 * Upstream stream updates → OpenAI `chat.completion.chunk` SSE frames, and the `chat.completion`
 * object for non-stream requests. Frames are built by string concatenation around a prefix that
 * is computed once per response: this runs once per upstream event on the hot path, and a
 * `JSON.stringify` of a whole chunk object per event would cost several allocations each.
 */
import type { QwenUsage } from '../upstream/stream-types.js';
import { openAiErrorBody, type ProxyError } from './openai-schemas.js';

/** OpenAI's `finish_reason` values that this proxy produces. */
export type FinishReason = 'stop' | 'length' | 'content_filter';

/** OpenAI's usage object, from the upstream's own counts (never re-tokenised). */
export interface OpenAiUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details?: { readonly cached_tokens: number };
  readonly completion_tokens_details?: { readonly reasoning_tokens: number };
}

/** Maps the upstream's `input_tokens`/`output_tokens` (normalised by the reader) to OpenAI's names. */
export function openAiUsage(usage: QwenUsage): OpenAiUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    ...(usage.cachedTokens !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cachedTokens } } : {}),
    ...(usage.reasoningTokens !== undefined
      ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } }
      : {}),
  };
}

/** Identity of one response: every chunk repeats it (the SDK and many clients key on `id`). */
export interface ResponseIdentity {
  /** `chatcmpl-…`. */
  readonly id: string;
  /** Unix seconds. */
  readonly created: number;
  /** The model id the client asked for (suffix included), echoed back. */
  readonly model: string;
}

/** The SSE frame that ends every successful stream. */
export const DONE_FRAME = 'data: [DONE]\n\n';

/** A keep-alive SSE comment; the SDK skips lines starting with `:`. */
export const KEEPALIVE_FRAME = ': keep-alive\n\n';

/** Builds the SSE frames of one streamed response. Stateless apart from its identity. */
/** What closes a delta frame that does not finish the choice. */
const OPEN_DELTA_END = '},"logprobs":null,"finish_reason":null}]}\n\n';
const NO_USAGE = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

export class ChunkWriter {
  private readonly head: string;
  private readonly deltaPrefix: string;

  constructor(identity: ResponseIdentity) {
    this.head =
      `data: {"id":${JSON.stringify(identity.id)},"object":"chat.completion.chunk",` +
      `"created":${identity.created},"model":${JSON.stringify(identity.model)},"choices":[`;
    this.deltaPrefix = `${this.head}{"index":0,"delta":{`;
  }

  /** The first frame: `role` in the delta, as OpenAI sends it. */
  role(): string {
    return `${this.deltaPrefix}"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
  }

  /** An answer text delta. */
  content(text: string): string {
    return `${this.deltaPrefix}"content":${JSON.stringify(text)}${OPEN_DELTA_END}`;
  }

  /** A reasoning text delta (DeepSeek's `reasoning_content`, the de-facto field). */
  reasoning(text: string): string {
    return `${this.deltaPrefix}"reasoning_content":${JSON.stringify(text)}${OPEN_DELTA_END}`;
  }

  /** The frame carrying `finish_reason` with an empty delta. */
  finish(reason: FinishReason): string {
    return `${this.deltaPrefix}},"logprobs":null,"finish_reason":"${reason}"}]}\n\n`;
  }

  /** The extra last frame of `stream_options.include_usage`: no choices, the usage. */
  usage(usage: OpenAiUsage | undefined): string {
    return `${this.head}],"usage":${JSON.stringify(usage ?? NO_USAGE)}}\n\n`;
  }

  /** An error in the middle of a stream: a `data:` JSON with `error`, which makes the SDK throw `APIError`. */
  error(error: ProxyError): string {
    return `data: ${JSON.stringify(openAiErrorBody(error))}\n\n`;
  }
}

/** What a non-stream response collected from the upstream stream. */
export interface CollectedCompletion {
  readonly content: string;
  readonly reasoning: string;
  readonly finishReason: FinishReason;
  readonly usage?: OpenAiUsage;
}

/** The `chat.completion` object of a non-stream request. */
export function chatCompletionObject(
  identity: ResponseIdentity,
  collected: CollectedCompletion,
): Record<string, unknown> {
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: collected.content,
          refusal: null,
          ...(collected.reasoning !== '' ? { reasoning_content: collected.reasoning } : {}),
        },
        logprobs: null,
        finish_reason: collected.finishReason,
      },
    ],
    usage: collected.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}
