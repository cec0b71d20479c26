/**
 * One response body as CDP hands it over, piece by piece, turned into text, raw chunk timings and
 * (for event streams) events with their arrival times, while it arrives.
 *
 * The wrinkle: `Network.streamResourceContent` is called when the response headers arrive, and by
 * the time Chromium answers it a few `dataReceived` events may already have gone by without their
 * bytes. Those bytes come back in one lump (`bufferedData`). Each early event is kept as a
 * placeholder with its size and time, and the lump is cut along those sizes, so every event still
 * gets the time its bytes really arrived.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { Chunk, SseEvent } from '../exchange/exchange.js';

interface Piece {
  readonly t: number;
  readonly size: number;
  data?: Buffer;
}

/** What a body amounted to when it ended or was cut. */
export interface LiveBodyResult {
  readonly text: string;
  readonly chunks: readonly Chunk[];
  readonly sse?: readonly SseEvent[];
  /** Bytes that were announced but never obtained (never seen in practice; reported, not hidden). */
  readonly missingBytes: number;
}

export class LiveBody {
  private readonly pieces: Piece[] = [];
  private fed = 0;
  private hasBytes = false;
  private readonly decoder = new TextDecoder('utf-8');
  private text = '';
  private readonly chunks: Chunk[] = [];
  private readonly events: SseEvent[] = [];
  private readonly parser: EventSourceParser | undefined;
  private currentT = 0;
  private lastT = 0;
  private missing = 0;
  private ended: LiveBodyResult | undefined;

  /**
   * @param sse parse the text as an event stream
   * @param onEvent called for each event as soon as it is complete (live progress)
   */
  constructor(
    sse: boolean,
    private readonly onEvent?: (event: SseEvent) => void,
  ) {
    this.parser = sse
      ? createParser({
          onEvent: (e) => {
            const event: SseEvent = {
              t: this.currentT,
              data: e.data,
              ...(e.event ? { event: e.event } : {}),
              ...(e.id ? { id: e.id } : {}),
            };
            this.events.push(event);
            this.onEvent?.(event);
          },
        })
      : undefined;
  }

  /** A `dataReceived` event, `t` in ms since the request started; `data` is base64 when streaming is on. */
  received(t: number, size: number, data?: string): void {
    if (this.ended || (size <= 0 && !data)) return;
    // CDP timestamps of consecutive events are not always in order; a capture's times must be.
    const time = Math.max(t, this.lastT);
    this.lastT = time;
    const bytes = data === undefined ? undefined : Buffer.from(data, 'base64');
    const length = bytes?.length ?? size;
    this.chunks.push({ t: time, size: length });
    if (bytes === undefined && this.hasBytes) {
      // Streaming was on, yet the chunk came without its bytes: they are lost, and we say so.
      this.missing += size;
      this.pieces.push({ t: time, size, data: Buffer.alloc(0) });
    } else {
      this.pieces.push({ t: time, size: length, ...(bytes ? { data: bytes } : {}) });
    }
    this.drain();
  }

  /**
   * The bytes that arrived before streaming began (`bufferedData`), or a whole body fetched
   * afterwards: spread over the placeholders in order; anything beyond them lands at `t`.
   */
  filled(base64: string, t: number): void {
    if (this.ended) return;
    let rest = Buffer.from(base64, 'base64');
    const holes = this.pieces.slice(this.fed).filter((p) => p.data === undefined);
    for (const [i, hole] of holes.entries()) {
      const last = i === holes.length - 1;
      const take = last ? rest.length : Math.min(hole.size, rest.length);
      hole.data = rest.subarray(0, take);
      rest = rest.subarray(take);
    }
    if (rest.length > 0) {
      const time = Math.max(t, this.lastT);
      this.pieces.push({ t: time, size: rest.length, data: rest });
      this.chunks.push({ t: time, size: rest.length });
    }
    this.hasBytes = true;
    this.drain();
  }

  /** Whether the bytes of every chunk so far are known (streaming answered, or nothing to fill). */
  get complete(): boolean {
    return this.pieces.every((p) => p.data !== undefined);
  }

  /** Bytes of text seen so far (for progress lines). */
  get length(): number {
    return this.text.length;
  }

  private drain(): void {
    while (this.fed < this.pieces.length) {
      const piece = this.pieces[this.fed]!;
      if (piece.data === undefined) return;
      this.fed += 1;
      const text = this.decoder.decode(piece.data, { stream: true });
      this.text += text;
      this.currentT = piece.t;
      this.parser?.feed(text);
    }
  }

  /** Ends the body (idempotent): flushes the decoder; placeholders never filled count as missing bytes. */
  result(): LiveBodyResult {
    if (this.ended) return this.ended;
    const unfilled = this.pieces.slice(this.fed).reduce((sum, p) => sum + (p.data === undefined ? p.size : 0), 0);
    this.text += this.decoder.decode();
    this.ended = {
      text: this.text,
      chunks: [...this.chunks],
      ...(this.parser ? { sse: [...this.events] } : {}),
      missingBytes: this.missing + unfilled,
    };
    return this.ended;
  }
}
