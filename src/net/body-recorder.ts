/**
 * Records a response body as it arrives: raw chunk sizes and times, the decoded text, and for
 * event streams every SSE event the moment it completes. Nothing here waits for the end of the
 * body, so a caller sees each event live (design.md: streaming is never buffered by accident).
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { Chunk, SseEvent } from '../exchange/exchange.js';

/** Live callbacks of a recorder; both are called synchronously from `push`. */
export interface BodyRecorderCallbacks {
  readonly onChunk?: (text: string, t: number) => void;
  readonly onEvent?: (event: SseEvent) => void;
}

export interface BodyRecorderOptions extends BodyRecorderCallbacks {
  /** Parse the body as SSE (the response said `text/event-stream`). */
  readonly sse: boolean;
  /** Keep the body as base64 instead of text (images, octet streams). */
  readonly binary: boolean;
}

/** What a finished (or cut) body amounts to, in `ExchangeResponse` terms. */
export interface RecordedBody {
  readonly body: string;
  readonly bodyEncoding?: 'base64';
  readonly sse?: readonly SseEvent[];
  readonly chunks: readonly Chunk[];
}

/** Accumulates one response body; `push` per chunk, `finish` once. */
export class BodyRecorder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private readonly chunks: Chunk[] = [];
  private readonly events: SseEvent[] = [];
  private readonly parts: string[] = [];
  private readonly buffers: Buffer[] = [];
  private readonly parser: EventSourceParser | undefined;
  /** Arrival time of the chunk being parsed: the parser calls back synchronously inside `feed`. */
  private currentT = 0;

  constructor(private readonly options: BodyRecorderOptions) {
    this.parser = options.sse
      ? createParser({
          onEvent: (message) => {
            const event: SseEvent = {
              t: this.currentT,
              data: message.data,
              ...(message.event !== undefined ? { event: message.event } : {}),
              ...(message.id !== undefined ? { id: message.id } : {}),
            };
            this.events.push(event);
            this.options.onEvent?.(event);
          },
        })
      : undefined;
  }

  /**
   * Records one chunk that arrived `t` ms after the request started. `wireSize` is its size before
   * content decoding, when the bytes given here were decompressed.
   */
  push(bytes: Uint8Array, t: number, wireSize = bytes.byteLength): void {
    this.chunks.push({ t, size: wireSize });
    if (this.options.binary) {
      this.buffers.push(Buffer.from(bytes));
      return;
    }
    // stream: true keeps a multi-byte character split across chunks intact.
    const text = this.decoder.decode(bytes, { stream: true });
    this.deliver(text, t);
  }

  private deliver(text: string, t: number): void {
    if (text === '') return;
    this.parts.push(text);
    this.options.onChunk?.(text, t);
    if (this.parser) {
      this.currentT = t;
      this.parser.feed(text);
    }
  }

  /**
   * Ends the body. A half-received last event is not dispatched: the SSE rules drop an event that
   * the stream never terminated, and the cut is visible in `body` anyway.
   */
  finish(t: number): RecordedBody {
    if (this.options.binary) {
      return { body: Buffer.concat(this.buffers).toString('base64'), bodyEncoding: 'base64', chunks: this.chunks };
    }
    this.deliver(this.decoder.decode(), t);
    return {
      body: this.parts.join(''),
      ...(this.parser ? { sse: this.events } : {}),
      chunks: this.chunks,
    };
  }
}

const TEXTUAL = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|x-www-form-urlencoded|x-ndjson)\b)/i;

/**
 * True when a content type names a binary body. An absent or unknown-but-textual type counts as
 * text, because the upstream's error bodies sometimes come without a content type.
 */
export function isBinaryContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return false;
  if (TEXTUAL.test(contentType.trim())) return false;
  return /^(?:image|audio|video|font)\/|^application\/(?:octet-stream|pdf|zip|gzip|x-protobuf|wasm)/i.test(contentType.trim());
}
