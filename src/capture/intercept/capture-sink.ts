/**
 * Where recorded exchanges go, the same way in the single-process proxy and in the primary of a
 * multi-process one: counted, appended to the capture (when there is one), then handed to the caller.
 */
import { openCaptureWriter, type CaptureWriter } from '../../exchange/capture-writer.js';
import type { Exchange } from '../../exchange/exchange.js';

/** The receiving end of a running intercept. */
export interface CaptureSink {
  /** Exchanges received so far. */
  readonly count: number;
  push(exchange: Exchange): void;
  /** Waits until every pushed exchange is written, then closes the capture. Idempotent. */
  close(): Promise<void>;
}

/** What the sink needs; `out` absent means exchanges only reach `onExchange`. */
export interface CaptureSinkOptions {
  readonly out?: string;
  readonly overwrite?: boolean;
  readonly redact?: boolean;
  readonly onExchange?: (exchange: Exchange) => void;
  readonly onError: (error: unknown) => void;
}

/** Opens the capture file (if any) and returns the sink that feeds it. */
export async function openCaptureSink(options: CaptureSinkOptions): Promise<CaptureSink> {
  // Without fsync an append still survives a crash or Ctrl-C (the bytes are in the kernel); syncing
  // every write would cap a busy proxy at the disk's sync rate for a power-cut guarantee nobody asked for.
  const writer: CaptureWriter | undefined = options.out
    ? await openCaptureWriter(options.out, {
        source: 'intercept',
        redacted: options.redact === true,
        overwrite: options.overwrite === true,
        sync: false,
      })
    : undefined;
  let count = 0;
  return {
    get count() {
      return count;
    },
    push(exchange) {
      count++;
      // Not awaited: the writer keeps call order, batches what queues up, and `close` waits for it all.
      writer?.append(exchange).catch(options.onError);
      options.onExchange?.(exchange);
    },
    close: async () => writer?.close(),
  };
}
