/**
 * `startInterceptCluster`: the intercepting proxy spread over several worker processes that share
 * one listening port (node:cluster hands each new connection to the next worker in turn).
 *
 * Why processes: nearly all of a proxied request's CPU is mockttp's own work (two TLS sessions,
 * HTTP parsing on both sides, its rule engine) and one Node process runs all of that on one event
 * loop, i.e. on one core. Recording costs little next to it, so more cores need more event loops.
 *
 * Who does what:
 * - The primary (this module) loads or creates the CA once and hands it to the workers, so they
 *   never race to create it; it owns the capture file, because redaction must go through a single
 *   redactor for the whole capture (a token learnt from one exchange is caught in every later one);
 *   it prints, counts, and restarts a worker that crashed (`worker-pool.ts`).
 * - Each worker (`intercept-worker.ts`) runs `startIntercept` without a file and sends every
 *   finished exchange to the primary.
 * - Stopping: the workers stop accepting, drain, send their last exchanges and exit; only then is
 *   the capture closed, so it is complete up to the last finished exchange.
 *
 * `startIntercept` stays the single-process library function; this one needs node:cluster's
 * primary role and sets the cluster's worker file for the whole process.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ProbeError } from '../../exchange/errors.js';
import { loadOrCreateCa } from './ca-store.js';
import { openCaptureSink } from './capture-sink.js';
import { formatClientSettings } from './client-settings.js';
import { effectiveIncludes, parseMappings } from './host-rules.js';
import type { InterceptOptions, InterceptProxy } from './intercept-proxy.js';
import { WorkerPool, type WorkerHandle } from './worker-pool.js';

/**
 * Most workers `auto` starts. Each is a whole Node process with mockttp loaded (memory, seconds to
 * start), and a tool that records a few clients at a time rarely needs more than four cores.
 */
export const MAX_AUTO_WORKERS = 4;

/** The worker count `--workers auto` means: one per core, at most MAX_AUTO_WORKERS. */
export function autoWorkerCount(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(cores, MAX_AUTO_WORKERS));
}

/** Options of `startInterceptCluster`: those of `startIntercept`, plus how many workers. */
export interface InterceptClusterOptions extends InterceptOptions {
  /** Worker processes to run (at least 1). */
  readonly workers: number;
}

/** A running multi-process proxy; `close` stops the workers first, then the capture. */
export interface InterceptCluster extends InterceptProxy {
  readonly workers: number;
  /** Process ids of the running workers. */
  readonly workerPids: readonly number[];
  /** Resolves (never rejects) when workers keep crashing and the proxy gave up; call `close` then. */
  readonly failed: Promise<ProbeError>;
}

/**
 * The worker's entry file, beside this one: `.js` in dist/, `.ts` when running from source under
 * tsx (the workers inherit the primary's `--import tsx` through `process.execArgv`).
 */
const WORKER_ENTRY = fileURLToPath(
  new URL(`./intercept-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/** Starts the workers; resolves once all of them listen. Throws like `startIntercept` (a busy port is `E_USAGE`). */
export async function startInterceptCluster(options: InterceptClusterOptions): Promise<InterceptCluster> {
  if (!cluster.isPrimary)
    throw new ProbeError(
      'E_INTERNAL',
      'startInterceptCluster must run in the primary process, not in a cluster worker',
    );
  if (!Number.isInteger(options.workers) || options.workers < 1)
    throw new ProbeError('E_USAGE', `--workers must be a positive whole number, got ${options.workers}`);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  // Checked here, before any process starts, so that a typo is one usage error rather than one per worker.
  const mappings = parseMappings(options.map ?? []);
  const include = effectiveIncludes(options.include, mappings);
  const ca = options.ca ?? (await loadOrCreateCa(options.caDir));
  const reportError = options.onError ?? (() => undefined);
  const sink = await openCaptureSink({ ...options, onError: reportError });

  cluster.setupPrimary({ exec: WORKER_ENTRY, args: [], execArgv: process.execArgv });
  let nextId = 1;
  const pool = new WorkerPool({
    size: options.workers,
    spawn: () => clusterWorker(cluster.fork(), nextId++),
    startOptions: {
      host,
      port,
      ca,
      map: options.map ?? [],
      include,
      ...(options.http2 !== undefined ? { http2: options.http2 } : {}),
      ...(options.proxyAuth !== undefined ? { proxyAuth: options.proxyAuth } : {}),
    },
    onExchanges: (exchanges) => {
      for (const exchange of exchanges) sink.push(exchange);
    },
    onWarning: (message) => reportError(new ProbeError('E_INTERNAL', message)),
  });
  let listeningPort: number;
  try {
    listeningPort = await pool.start();
  } catch (error) {
    await sink.close().catch(() => undefined);
    throw error;
  }

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${listeningPort}`;
  const capture = options.out ? { capturePath: options.out } : {};
  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port: listeningPort,
    caCertPath: ca.certPath,
    spki: ca.spki,
    ...capture,
    include,
    mappings,
    workers: options.workers,
    get workerPids() {
      return pool.pids;
    },
    get exchanges() {
      return sink.count;
    },
    failed: pool.failed,
    settings: () =>
      formatClientSettings({
        proxyUrl: url,
        caCertPath: ca.certPath,
        spki: ca.spki,
        include,
        mappings,
        workers: options.workers,
        ...capture,
      }),
    close: () =>
      (closing ??= (async () => {
        await pool.stop();
        await sink.close();
      })()),
  };
}

/**
 * A cluster worker as the pool sees it. Its exit is reported once the process has exited and its
 * IPC channel has closed: only then has every message it sent been read.
 */
function clusterWorker(worker: Worker, id: number): WorkerHandle {
  const pid = worker.process.pid;
  return {
    id,
    pid,
    send: (message) => {
      if (worker.isConnected()) worker.send(message);
    },
    onMessage: (listener) => void worker.on('message', listener),
    onExit: (listener) => {
      const gone = new Promise<[number | null, string | null]>((done) =>
        worker.once('exit', (code: number | null, signal: string | null) => done([code, signal])),
      );
      const disconnected = new Promise<void>((done) =>
        worker.isConnected() ? worker.once('disconnect', () => done()) : done(),
      );
      void Promise.all([gone, disconnected]).then(([[code, signal]]) => listener(code, signal));
    },
    kill: (signal) => worker.process.kill(signal),
  };
}
