/**
 * Serves the simulator on a real port with @hono/node-server. `close()` ends open streams at once
 * (sockets destroyed), so a stalled stream can never keep a test or the CLI alive.
 */
import type { AddressInfo, Socket } from 'node:net';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as TlsServer } from 'node:tls';
import { serve } from '@hono/node-server';
import { trackClientHellos } from 'read-tls-client-hello';
import { ProbeError } from '../exchange/errors.js';
import { createSimulatorApp, DEMO_USER, type SimulatorCredentials, type SimulatorOptions } from './app.js';
import { faultSpecsSchema, type FaultSpec } from './faults.js';
import type { DriftControl } from './drift/drift-control.js';
import { runDriftSchedule } from './drift/drift-control.js';
import type { DriftStep } from './drift/drift-schedule.js';
import type { SimulatorProfile } from './profile-schema.js';
import type { SimulatorState } from './state.js';

export interface StartSimulatorOptions extends SimulatorOptions {
  /** 0 picks a free port; default 0. */
  readonly port?: number | undefined;
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
  /**
   * Serve HTTPS with this certificate and key (tls/simulator-ca.ts makes them): each connection's
   * ClientHello is read, so rules can judge its JA4 (`tlsFingerprintNotIn`). Plain HTTP without it.
   */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined;
  /** Drifts to apply at their times after the start (`simulate --drift`); cancelled by `close()`. */
  readonly driftSchedule?: readonly DriftStep[] | undefined;
  /** Called as each scheduled drift is applied. */
  readonly onDrift?: ((step: DriftStep) => void) | undefined;
}

export interface RunningSimulator {
  /** `http://HOST:PORT` (`https://` with `tls`), no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly state: SimulatorState;
  /** The running profile (with the drifts applied so far). */
  readonly profile: SimulatorProfile;
  /** Applies named drifts now, lists them, resets them. */
  readonly drift: DriftControl;
  /** The first account (the demo account unless `users` was given). */
  readonly demoUser: SimulatorCredentials;
  /** Replaces the active faults (counters restart). */
  setFaults(faults: readonly FaultSpec[]): void;
  /** Stops listening and destroys every open connection; resolves when the server is closed. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const { app, state, drift, close: stopStreams } = createSimulatorApp(options);
  const sockets = new Set<Socket>();
  const server = await new Promise<Server>((resolve, reject) => {
    const tls = options.tls;
    const s = (
      tls
        ? serve({
            fetch: app.fetch,
            port: options.port ?? 0,
            hostname: host,
            createServer: createHttpsServer,
            serverOptions: { cert: tls.cert, key: tls.key },
          })
        : serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host })
    ) as Server;
    // Parses each ClientHello before the handshake goes on; sockets then carry `tlsClientHello.ja4`.
    if (tls) trackClientHellos(s as unknown as TlsServer);
    s.once('listening', () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ProbeError('E_USAGE', `cannot listen on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`, {
          cause: error,
        }),
      ),
    );
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const cancelDrifts = runDriftSchedule(drift, options.driftSchedule ?? [], options.onDrift);
  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost(host)}:${port}`,
    port,
    state,
    get profile() {
      return state.profile;
    },
    drift,
    demoUser: options.users?.[0] ?? DEMO_USER,
    setFaults(faults) {
      const parsed = faultSpecsSchema.safeParse(faults);
      if (!parsed.success)
        throw new ProbeError('E_INPUT', `bad fault specs: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      state.faults.set(parsed.data as FaultSpec[]);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        cancelDrifts();
        stopStreams();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
