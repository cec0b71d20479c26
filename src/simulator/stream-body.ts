/**
 * Turns planned events into a response body that is really sent one event at a time, spaced by
 * the chunk interval (a pull-based ReadableStream: nothing is produced before the client reads),
 * and applies the transport faults. Every wait also ends when the simulator closes, so no test
 * can hang on a stalled stream.
 */
import type { Socket } from 'node:net';
import { sseFrame, type PlannedEvent } from './sse-events.js';

/** The faults that act on the bytes of a response rather than replacing it. */
export type TransportFault = 'reset-mid-stream' | 'stall' | 'malformed-sse';

/** Events sent before a reset or a stall cuts in; the malformed line comes after two. */
export const FAULT_AFTER_EVENTS = 3;
const MALFORMED_AFTER_EVENTS = 2;

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface StreamBodyOptions {
  readonly events: readonly PlannedEvent[];
  readonly intervalMs: number;
  /** Unix ms; each event's timestamp is taken when it is sent. */
  readonly clock: () => number;
  /** Aborts when the simulator closes. */
  readonly signal: AbortSignal;
  readonly fault?: TransportFault | undefined;
  /** The client's socket when served on a real port; a reset destroys it. In-process there is none. */
  readonly socket?: Socket | undefined;
  /** Aborts when the client asked to stop (chat/completions/stop): the finished event comes next. */
  readonly stop?: AbortSignal | undefined;
  onAnswer?(text: string, event: PlannedEvent): void;
  onEnd?(outcome: 'done' | 'cut'): void;
}

function resetError(): Error {
  return Object.assign(new Error('connection reset by the simulator'), { code: 'ECONNRESET' });
}

/** Resolves when the stream is cancelled (the server saw the socket close), or after a grace period. */
class CancelWatch {
  cancelled = false;
  private waiters: (() => void)[] = [];
  fire(): void {
    this.cancelled = true;
    for (const w of this.waiters.splice(0)) w();
  }
  wait(signal?: AbortSignal, graceMs?: number): Promise<void> {
    if (this.cancelled || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
      if (graceMs !== undefined) setTimeout(resolve, graceMs).unref();
    });
  }
}

/**
 * Ends a body abruptly: on a real port the socket is destroyed (the client sees ECONNRESET or a cut
 * chunked body) and we wait for the server to cancel the stream, so it never logs our "error"; in
 * process there is no socket and the stream errors instead.
 */
async function cut(
  controller: ReadableStreamDefaultController<Uint8Array>,
  socket: Socket | undefined,
  watch: CancelWatch,
): Promise<void> {
  if (socket) {
    if (!socket.destroyed) socket.destroy();
    await watch.wait(undefined, 1000);
  }
  if (watch.cancelled) return;
  try {
    controller.error(resetError());
  } catch {
    // Already closed: nothing left to cut.
  }
}

/** The SSE body of a completion. */
export function streamBody(options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const { events, signal, fault, socket } = options;
  let index = 0;
  let ended = false;
  let malformedSent = false;
  const watch = new CancelWatch();
  const end = (outcome: 'done' | 'cut'): void => {
    if (ended) return;
    ended = true;
    options.onEnd?.(outcome);
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index > 0) await sleep(options.intervalMs, signal);
      if (ended) return;
      if (signal.aborted) {
        end('cut');
        await cut(controller, socket, watch);
        return;
      }
      if (fault === 'reset-mid-stream' && index === FAULT_AFTER_EVENTS) {
        end('cut');
        await cut(controller, socket, watch);
        return;
      }
      if (fault === 'stall' && index === FAULT_AFTER_EVENTS) {
        // Hold the connection open, sending nothing, until the simulator closes or the client leaves.
        await watch.wait(signal);
        end('cut');
        await cut(controller, socket, watch);
        return;
      }
      if (fault === 'malformed-sse' && index === MALFORMED_AFTER_EVENTS && !malformedSent) {
        malformedSent = true;
        controller.enqueue(encoder.encode('data: {"choices": [{"delta": {"role": "assistant", "content": "\n\n'));
        return;
      }
      // Stopped: skip to the last event (the finished one), as the page's Stop button ends an answer.
      if (options.stop?.aborted && index < events.length - 1) index = events.length - 1;
      const event = events[index];
      index += 1;
      if (!event) {
        end('done');
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(sseFrame(event.payload(Math.floor(options.clock() / 1000)))));
      if (event.answerText) options.onAnswer?.(event.answerText, event);
      if (index === events.length) {
        end('done');
        controller.close();
      }
    },
    cancel() {
      end('cut');
      watch.fire();
    },
  });
}

/**
 * A non-stream body with a transport fault: half of it, then a reset, a stall, or (for
 * `malformed-sse`) the end, so the client gets JSON that does not parse.
 */
export function faultyBody(
  text: string,
  fault: TransportFault,
  signal: AbortSignal,
  socket: Socket | undefined,
): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const half = bytes.slice(0, Math.max(1, Math.floor(bytes.length / 2)));
  let sent = false;
  const watch = new CancelWatch();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(half);
        return;
      }
      if (fault === 'malformed-sse') {
        controller.close();
        return;
      }
      if (fault === 'stall') await watch.wait(signal);
      await cut(controller, socket, watch);
    },
    cancel() {
      watch.fire();
    },
  });
}
