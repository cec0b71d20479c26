/**
 * Upstream stream updates → Anthropic Messages API events, as the official SDK reads them
 * (`@anthropic-ai/sdk` 1.17, `core/streaming` and `lib/MessageStream`): every frame carries an
 * `event:` line (frames without one are skipped by the SDK), in the order
 * `message_start`, then per content block `content_block_start` / `content_block_delta`* /
 * `content_block_stop` (reasoning as a `thinking` block with `thinking_delta`s and a closing
 * `signature_delta`, the answer as a `text` block), then `message_delta` (`stop_reason`, `usage`)
 * and `message_stop`. A failure after the start is an `event: error` frame, which the SDK throws as
 * `APIError`. `message_start` waits for the upstream's first usage, which comes before the first
 * text, so that it carries the real `input_tokens`.
 */
import { createHash } from 'node:crypto';
import type { QwenUsage } from '../upstream/stream-types.js';
import type { AnswerFormat, CollectedAnswer } from './answer-format.js';
import { anthropicErrorBody } from './anthropic-schemas.js';
import type { FinishReason, ResponseIdentity } from './chunk-writer.js';
import type { ProxyError } from './openai-schemas.js';

/** Anthropic's `stop_reason` for the proxy's finish reasons. */
const STOP_REASONS: Readonly<Record<FinishReason, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  content_filter: 'refusal',
};

/** Anthropic's usage object from the upstream's own counts (never re-tokenised). */
export function anthropicUsage(usage: QwenUsage | undefined): { input_tokens: number; output_tokens: number } {
  return { input_tokens: usage?.inputTokens ?? 0, output_tokens: usage?.outputTokens ?? 0 };
}

const frame = (event: string, data: string): string => `event: ${event}\ndata: ${data}\n\n`;

/**
 * A thinking block's `signature`. Clients send thinking blocks back verbatim, and the proxy drops
 * them (the upstream keeps its own reasoning), so the value only has to be stable and opaque.
 */
function signatureOf(messageId: string, thinking: string): string {
  return createHash('sha256').update(messageId).update('\u0000').update(thinking).digest('base64');
}

/** Builds the events of one Anthropic message; stateful (the open content block). */
export class AnthropicFormat implements AnswerFormat {
  private started = false;
  private lastUsage: QwenUsage | undefined;
  private index = -1;
  private block: 'thinking' | 'text' | undefined;
  private thinking = '';

  constructor(private readonly identity: ResponseIdentity) {}

  /** `message_start` waits for the usage (see the module comment). */
  start(): string {
    return '';
  }

  usage(usage: QwenUsage): void {
    this.lastUsage = usage;
  }

  private messageStart(): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: this.identity.id,
      type: 'message',
      role: 'assistant',
      model: this.identity.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: anthropicUsage(this.lastUsage),
    };
    return frame('message_start', JSON.stringify({ type: 'message_start', message }));
  }

  private closeBlock(): string {
    if (this.block === undefined) return '';
    let out = '';
    if (this.block === 'thinking') {
      const delta = { type: 'signature_delta', signature: signatureOf(this.identity.id, this.thinking) };
      out += frame('content_block_delta', JSON.stringify({ type: 'content_block_delta', index: this.index, delta }));
    }
    this.block = undefined;
    return out + frame('content_block_stop', `{"type":"content_block_stop","index":${this.index}}`);
  }

  private openBlock(kind: 'thinking' | 'text'): string {
    if (this.block === kind) return '';
    const closed = this.closeBlock();
    this.block = kind;
    this.index += 1;
    const contentBlock =
      kind === 'text' ? '{"type":"text","text":""}' : '{"type":"thinking","thinking":"","signature":""}';
    return (
      closed +
      frame(
        'content_block_start',
        `{"type":"content_block_start","index":${this.index},"content_block":${contentBlock}}`,
      )
    );
  }

  content(text: string): string {
    const head = this.messageStart() + this.openBlock('text');
    return (
      head +
      frame(
        'content_block_delta',
        `{"type":"content_block_delta","index":${this.index},"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}`,
      )
    );
  }

  reasoning(text: string): string {
    const head = this.messageStart() + this.openBlock('thinking');
    this.thinking += text;
    return (
      head +
      frame(
        'content_block_delta',
        `{"type":"content_block_delta","index":${this.index},"delta":{"type":"thinking_delta","thinking":${JSON.stringify(text)}}}`,
      )
    );
  }

  finish(reason: FinishReason, usage: QwenUsage | undefined): string {
    const delta = {
      type: 'message_delta',
      delta: { stop_reason: STOP_REASONS[reason], stop_sequence: null },
      usage: anthropicUsage(usage ?? this.lastUsage),
    };
    return (
      this.messageStart() +
      this.closeBlock() +
      frame('message_delta', JSON.stringify(delta)) +
      frame('message_stop', '{"type":"message_stop"}')
    );
  }

  streamError(error: ProxyError): string {
    return frame('error', JSON.stringify(anthropicErrorBody(error)));
  }

  body(collected: CollectedAnswer): unknown {
    const content: unknown[] = [];
    if (collected.reasoning !== '')
      content.push({
        type: 'thinking',
        thinking: collected.reasoning,
        signature: signatureOf(this.identity.id, collected.reasoning),
      });
    content.push({ type: 'text', text: collected.content });
    return {
      id: this.identity.id,
      type: 'message',
      role: 'assistant',
      model: this.identity.model,
      content,
      stop_reason: STOP_REASONS[collected.finishReason],
      stop_sequence: null,
      usage: anthropicUsage(collected.usage),
    };
  }

  errorBody(error: ProxyError): unknown {
    return anthropicErrorBody(error, this.identity.id.replace(/^msg_/, 'req_'));
  }
}
