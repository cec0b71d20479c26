/**
 * How one answer is written for the client's API: the frames of a stream, the body of a non-stream
 * answer and the error bodies. `TurnWriter` runs the same turn for every API and asks its format
 * for the bytes: OpenAI's chat completion chunks here, Anthropic's message events in
 * anthropic-format.ts. A format is made per response and may keep state (Anthropic's content blocks).
 */
import type { QwenUsage } from '../upstream/stream-types.js';
import {
  chatCompletionObject,
  ChunkWriter,
  DONE_FRAME,
  openAiUsage,
  type FinishReason,
  type ResponseIdentity,
} from './chunk-writer.js';
import { openAiErrorBody, type ChatRequest, type ProxyError } from './openai-schemas.js';

/** What a non-stream answer collected. */
export interface CollectedAnswer {
  readonly content: string;
  readonly reasoning: string;
  readonly finishReason: FinishReason;
  readonly usage?: QwenUsage | undefined;
}

/** The bytes of one answer in one client API. */
export interface AnswerFormat {
  /** Frames written when the stream commits (may be empty: a format may wait for the usage). */
  start(): string;
  /** The latest usage the upstream reported; called before the text of its own event. */
  usage(usage: QwenUsage): void;
  content(text: string): string;
  reasoning(text: string): string;
  /** The closing frames of a stream. */
  finish(reason: FinishReason, usage: QwenUsage | undefined): string;
  /** A failure after the stream started: an error event. */
  streamError(error: ProxyError): string;
  /** The body of a non-stream answer. */
  body(collected: CollectedAnswer): unknown;
  /** The body of an error status. */
  errorBody(error: ProxyError): unknown;
}

/** OpenAI's chat completion chunks and objects (chunk-writer.ts). */
export class OpenAiFormat implements AnswerFormat {
  private readonly writer: ChunkWriter;

  constructor(
    private readonly identity: ResponseIdentity,
    private readonly request: Pick<ChatRequest, 'includeUsage'>,
  ) {
    this.writer = new ChunkWriter(identity);
  }

  start(): string {
    return this.writer.role();
  }

  usage(): void {
    // OpenAI sends usage once, at the end.
  }

  content(text: string): string {
    return this.writer.content(text);
  }

  reasoning(text: string): string {
    return this.writer.reasoning(text);
  }

  finish(reason: FinishReason, usage: QwenUsage | undefined): string {
    // The closing frames go out in one write: one chunked-encoding frame instead of up to three.
    const usageFrame = this.request.includeUsage ? this.writer.usage(usage ? openAiUsage(usage) : undefined) : '';
    return this.writer.finish(reason) + usageFrame + DONE_FRAME;
  }

  streamError(error: ProxyError): string {
    return this.writer.error(error);
  }

  body(collected: CollectedAnswer): unknown {
    return chatCompletionObject(this.identity, {
      content: collected.content,
      reasoning: collected.reasoning,
      finishReason: collected.finishReason,
      ...(collected.usage ? { usage: openAiUsage(collected.usage) } : {}),
    });
  }

  errorBody(error: ProxyError): unknown {
    return openAiErrorBody(error);
  }
}
