/**
 * What the intercept primary and its worker processes say to each other over the cluster IPC
 * channel. Plain JSON objects with a `kind`, so that a message can be checked on arrival and a
 * worker's failure crosses the process boundary as a `ProbeError` with its code and hint intact
 * (a busy port in a worker is still the one-line `E_USAGE` error of the CLI).
 *
 *     primary                         worker
 *                  <- ready           (listening for messages)
 *     start ->                        (loads nothing from disk: the CA comes in the message)
 *                  <- listening | failed
 *                  <- exchanges*      (batched: every 25 ms, see intercept-worker.ts)
 *                  <- warning*
 *     stop ->                         (stops accepting, drains, sends what is left)
 *                  <- stopped         (then exits)
 */
import { ProbeError, isProbeError, type ProbeErrorCode } from '../../exchange/errors.js';
import type { Exchange } from '../../exchange/exchange.js';
import type { CaMaterial } from './ca-store.js';

/** What a worker needs to run `startIntercept`: everything resolved by the primary beforehand. */
export interface WorkerStartOptions {
  readonly host: string;
  /** The port as the user gave it; 0 stays 0, node:cluster hands every worker the same listener. */
  readonly port: number;
  readonly ca: CaMaterial;
  readonly map: readonly string[];
  readonly include: readonly string[];
  readonly http2?: boolean | 'fallback';
  /** `USER:PASS` of `--proxy-auth`. */
  readonly proxyAuth?: string;
}

/** A ProbeError as it crosses the IPC channel. */
export interface WireError {
  readonly code: ProbeErrorCode;
  readonly message: string;
  readonly hint?: string;
}

/** Primary → worker. */
export type PrimaryMessage =
  { readonly kind: 'start'; readonly options: WorkerStartOptions } | { readonly kind: 'stop' };

/** Worker → primary. */
export type WorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'listening'; readonly port: number }
  | { readonly kind: 'failed'; readonly error: WireError }
  | { readonly kind: 'exchanges'; readonly exchanges: readonly Exchange[] }
  | { readonly kind: 'warning'; readonly message: string }
  | { readonly kind: 'stopped' };

const WORKER_KINDS = new Set(['ready', 'listening', 'failed', 'exchanges', 'warning', 'stopped']);
const PRIMARY_KINDS = new Set(['start', 'stop']);

function kindOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null ? (message as { kind?: unknown }).kind : undefined;
}

/** True for messages of our protocol from a worker (node:cluster may deliver others). */
export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return WORKER_KINDS.has(kindOf(message) as string);
}

/** True for messages of our protocol from the primary. */
export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  return PRIMARY_KINDS.has(kindOf(message) as string);
}

/** Flattens an error for the channel; anything that is not a ProbeError is a bug, and says so. */
export function toWireError(error: unknown): WireError {
  if (isProbeError(error))
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** The ProbeError a worker reported, rebuilt in the primary. */
export function fromWireError(wire: WireError): ProbeError {
  return new ProbeError(wire.code, wire.message, wire.hint ? { hint: wire.hint } : {});
}
