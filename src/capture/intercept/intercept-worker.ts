/**
 * One worker process of a multi-process intercept (see `intercept-cluster.ts`): runs
 * `startIntercept` without a capture file and sends every finished exchange to the primary, which
 * redacts, writes and prints. Started by node:cluster with this file as its entry; the code at the
 * bottom only runs in such a worker, so importing the file (tests) has no side effect.
 */
import cluster from 'node:cluster';
import type { Exchange } from '../../exchange/exchange.js';
import { isPrimaryMessage, toWireError, type WorkerMessage, type WorkerStartOptions } from './cluster-messages.js';
import { startIntercept, type InterceptProxy } from './intercept-proxy.js';

/** The worker's line to the primary (the cluster IPC channel, or a fake in tests). */
export interface PrimaryChannel {
  send(message: WorkerMessage, sent?: () => void): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Ends the worker process. */
  exit(code: number): void;
}

/**
 * How long a finished exchange may wait for others to share its message. Each message costs a
 * socket write here, and a wake-up, a read, a file write and a terminal write in the primary: with
 * messages every 10 ms the primary used about 40% more CPU per request than every 25 ms (a message
 * per exchange, more still). 25 ms is out of sight for a person reading the summary lines and
 * bounds what a crashing worker can take with it.
 */
export const SEND_INTERVAL_MS = 25;

/** Exchanges that go out at once without waiting for the interval, so that one message stays small. */
const MAX_BATCH = 200;

/**
 * Serves the primary's requests on `channel`: `start` runs the proxy, `stop` drains it and exits.
 * Finished exchanges are sent in batches (see SEND_INTERVAL_MS); `stop` sends what is left.
 */
export function serveInterceptWorker(channel: PrimaryChannel): void {
  let proxy: InterceptProxy | undefined;
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let pending: Exchange[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const exchanges = pending;
    pending = [];
    channel.send({ kind: 'exchanges', exchanges });
  };

  const start = async (options: WorkerStartOptions): Promise<void> => {
    try {
      proxy = await startIntercept({
        ...options,
        onExchange: (exchange) => {
          pending.push(exchange);
          if (pending.length >= MAX_BATCH) flush();
          else timer ??= setTimeout(flush, SEND_INTERVAL_MS);
        },
        onError: (error) =>
          channel.send({ kind: 'warning', message: error instanceof Error ? error.message : String(error) }),
      });
      channel.send({ kind: 'listening', port: proxy.port });
    } catch (error) {
      // Reported, not thrown: the primary prints it once as the command's error and stops the others.
      channel.send({ kind: 'failed', error: toWireError(error) }, () => channel.exit(0));
    }
  };

  const stop = async (): Promise<void> => {
    await starting;
    await proxy
      ?.close()
      .catch((error: unknown) => channel.send({ kind: 'warning', message: (error as Error).message }));
    flush();
    channel.send({ kind: 'stopped' }, () => channel.exit(0));
  };

  channel.onMessage((message) => {
    if (!isPrimaryMessage(message)) return;
    if (message.kind === 'start') starting ??= start(message.options);
    else stopping ??= stop();
  });
  channel.send({ kind: 'ready' });
}

/** The cluster IPC channel of this process. */
function processChannel(): PrimaryChannel {
  return {
    send: (message, sent) => {
      // The channel is gone when the primary died; the `disconnect` handling of node:cluster then ends this worker.
      if (process.connected) process.send!(message, undefined, undefined, () => sent?.());
      else sent?.();
    },
    onMessage: (listener) => process.on('message', listener),
    exit: (code) => process.exit(code),
  };
}

if (cluster.isWorker) {
  // Ctrl-C reaches every process of the terminal's group. Only the primary decides: it stops the
  // workers once, they drain, and the capture is complete up to the last finished exchange.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  serveInterceptWorker(processChannel());
}
