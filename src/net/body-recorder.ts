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
  /**
   * What to keep for `finish`: `'all'` (the default) keeps the text, the events and the chunk
   * records; `'none'` keeps nothing (`finish` then returns an empty body and no chunks), for a
   * caller that consumes the body live through the callbacks and would otherwise hold every long
   * stream whole until it ends.
   */
  readonly keep?: 'all' | 'none';
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
  private readonly keep: boolean;

  constructor(private readonly options: BodyRecorderOptions) {
    this.keep = options.keep !== 'none';
    // Without a list to fill or a listener to call, parsing SSE here would only burn CPU: a live
    // consumer (the proxy) parses the text it gets from `onChunk` itself.
    this.parser =
      options.sse && (this.keep || options.onEvent !== undefined)
        ? createParser({
            onEvent: (message) => {
              const event: SseEvent = {
                t: this.currentT,
                data: message.data,
                ...(message.event !== undefined ? { event: message.event } : {}),
                ...(message.id !== undefined ? { id: message.id } : {}),
              };
              if (this.keep) this.events.push(event);
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
    if (this.options.binary) {
      if (!this.keep) return;
      this.chunks.push({ t, size: wireSize });
      this.buffers.push(Buffer.from(bytes));
      return;
    }
    if (this.keep) this.chunks.push({ t, size: wireSize });
    // stream: true keeps a multi-byte character split across chunks intact.
    const text = this.decoder.decode(bytes, { stream: true });
    this.deliver(text, t);
  }

  private deliver(text: string, t: number): void {
    if (text === '') return;
    if (this.keep) this.parts.push(text);
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
    if (!this.keep) {
      // Nothing was kept: this only hands a multi-byte character cut at the very end to `onChunk`.
      if (!this.options.binary) this.deliver(this.decoder.decode(), t);
      return { body: '', chunks: [] };
    }
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
  return /^(?:image|audio|video|font)\/|^application\/(?:octet-stream|pdf|zip|gzip|x-protobuf|wasm)/i.test(
    contentType.trim(),
  );
}
