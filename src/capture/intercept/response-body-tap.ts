/**
 * Records one proxied response body from the chunks mockttp reports as it writes them to the client:
 * raw chunk sizes with their times, the decoded body, and for event streams each SSE event with the
 * time its last byte went out. Times are mockttp's monotonic timestamps; the caller makes them
 * relative to the request start.
 *
 * mockttp reports the bytes as they are on the wire, so a compressed body is still compressed here.
 * An uncompressed body (the usual case for event streams) is parsed live; a compressed one is kept
 * and decoded chunk by chunk at the end, so each event still gets the time of the chunk that carried it.
 */
import type { Chunk, SseEvent } from '../../exchange/exchange.js';
import { BodyRecorder, isBinaryContentType } from '../../net/body-recorder.js';
import { createContentDecoder, type ContentDecoder } from '../../net/content-decoder.js';

/** A recorded body; times are in the caller's clock (mockttp's monotonic timestamps). */
export interface TappedBody {
  readonly body: string;
  readonly bodyEncoding?: 'base64';
  readonly sse?: readonly SseEvent[];
  readonly chunks: readonly Chunk[];
  /** The content-encoding could not be undone: `body` is then the raw bytes in base64. */
  readonly decodeFailed: boolean;
}

/** One response body being recorded: `push` per chunk as reported, `finish` once at the end. */
export class ResponseBodyTap {
  private readonly recorder: BodyRecorder;
  private readonly encoding: string;
  private readonly raw: { bytes: Buffer; t: number }[] = [];
  private readonly chunks: Chunk[] = [];
  private lastT = 0;

  constructor(rawHeaders: readonly (readonly [string, string])[]) {
    const find = (name: string): string | undefined => rawHeaders.find(([n]) => n.toLowerCase() === name)?.[1];
    const contentType = find('content-type');
    this.encoding = (find('content-encoding') ?? 'identity').trim().toLowerCase();
    this.recorder = new BodyRecorder({
      sse: contentType !== undefined && contentType.toLowerCase().includes('text/event-stream'),
      binary: isBinaryContentType(contentType),
    });
  }

  private get identity(): boolean {
    return this.encoding === 'identity' || this.encoding === '';
  }

  /** Records a chunk written to the client at monotonic time `t`. Empty end-of-body markers are skipped. */
  push(content: Uint8Array, t: number): void {
    if (content.byteLength === 0) return;
    this.lastT = t;
    this.chunks.push({ t, size: content.byteLength });
    if (this.identity) this.recorder.push(content, t);
    // Copied: mockttp may reuse the buffer it reported once the event handlers have run.
    else this.raw.push({ bytes: Buffer.from(content), t });
  }

  /** True when the body carries a content-encoding: only the asynchronous `finish` can end it. */
  get decodesAtEnd(): boolean {
    return !this.identity;
  }

  /** Ends a body without content-encoding (complete or cut), at once: the common case, kept free of promises. */
  finishNow(): TappedBody {
    if (!this.identity) throw new Error('finishNow() on an encoded body: use finish()');
    return this.recorded();
  }

  /** Ends the body (complete or cut) and returns what was recorded. */
  async finish(): Promise<TappedBody> {
    if (this.identity) return this.recorded();
    const decoder = createContentDecoder(this.encoding);
    if (decoder) {
      try {
        await decodeInto(decoder, this.raw, this.recorder);
        return this.recorded();
      } catch {
        // Fall through: an unreadable body is still worth keeping, as the bytes that went over the wire.
      }
    }
    const bytes = Buffer.concat(this.raw.map((r) => r.bytes));
    return { body: bytes.toString('base64'), bodyEncoding: 'base64', chunks: this.chunks, decodeFailed: true };
  }

  private recorded(): TappedBody {
    const { body, bodyEncoding, sse } = this.recorder.finish(this.lastT);
    const tapped: { -readonly [K in keyof TappedBody]: TappedBody[K] } = {
      body,
      chunks: this.chunks,
      decodeFailed: false,
    };
    if (bodyEncoding) tapped.bodyEncoding = bodyEncoding;
    if (sse) tapped.sse = sse;
    return tapped;
  }
}

/**
 * Feeds the raw chunks through the decoder one at a time, so the decoded bytes of chunk k carry its
 * arrival time. Throws only when nothing could be decoded: a stream cut mid-body lacks the
 * compressor's trailer, yet what was decoded before the cut is the body the client saw.
 */
async function decodeInto(
  decoder: ContentDecoder,
  raw: readonly { bytes: Buffer; t: number }[],
  recorder: BodyRecorder,
): Promise<void> {
  let decodedAny = false;
  try {
    for (const { bytes, t } of raw) {
      let piece: Buffer;
      try {
        piece = await decoder.decode(bytes);
      } catch (error) {
        if (!decodedAny) throw error;
        return;
      }
      if (piece.length > 0) {
        decodedAny = true;
        recorder.push(piece, t);
      }
    }
  } finally {
    decoder.close();
  }
}
