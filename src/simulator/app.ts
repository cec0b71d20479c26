/**
 * Builds the simulator as a Hono app: the page, /api (faults, then profile rules, then handlers)
 * and the /__simulator control routes. In-process use goes through `app.request()`; server.ts
 * serves the same app on a real port.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { sha256Hex } from '../common/index.js';
import { mountApiRoutes, type SimulatorEnv } from './api-routes.js';
import { mountControlRoutes } from './control-routes.js';
import type { FaultSpec } from './faults.js';
import { faultSpecsSchema } from './faults.js';
import { ProbeError } from '../exchange/errors.js';
import type { SimulatorProfile } from './profile-schema.js';
import { resolveProfile } from './profiles/index.js';
import { createWorld, seededRandom, type SimulatorRuntime } from './runtime.js';
import { createState, type SimulatorState, type SimulatorUser } from './state.js';
import { errorResponse } from './responses.js';
import { mountWebRoutes } from './web/web-routes.js';
import { mountAntiBotRoutes } from './anti-bot/anti-bot-routes.js';
import { driftControl, type DriftControl } from './drift/drift-control.js';

/** The demo account every simulator has unless `users` says otherwise. */
export const DEMO_USER = { email: 'demo@qwen-probe.test', password: 'demo-password' } as const;

export interface SimulatorCredentials {
  readonly email: string;
  readonly password: string;
}

export interface SimulatorOptions {
  /** A profile object, a built-in name (`qwen-2025-10`, `qwen-2026-06`) or a JSON file path; default `qwen-2025-10`. */
  readonly profile?: SimulatorProfile | string | undefined;
  /** Accounts that can sign in; default `[DEMO_USER]`. */
  readonly users?: readonly SimulatorCredentials[] | undefined;
  /** Delay before any /api answer (before headers); default 0. */
  readonly latencyMs?: number | undefined;
  /** Delay between stream events; default 20. */
  readonly chunkIntervalMs?: number | undefined;
  readonly faults?: readonly FaultSpec[] | undefined;
  /** Unix ms; default Date.now. */
  readonly clock?: (() => number) | undefined;
  /** Fresh uuids; default crypto.randomUUID. */
  readonly ids?: (() => string) | undefined;
  /** HS256 secret of the tokens; random per simulator by default (tokens die with it). */
  readonly jwtSecret?: string | undefined;
  /** Token lifetime; default 30 days. */
  readonly tokenTtlSeconds?: number | undefined;
  /**
   * Key of the page's signatures (bx-ua, bx-umidtoken, bx-pp) and of the anti-bot cookies; random per
   * simulator by default, so signatures, like baxia's, cannot be made outside the page.
   */
  readonly signingSecret?: string | undefined;
}

export interface SimulatorApp {
  readonly app: Hono<SimulatorEnv>;
  readonly state: SimulatorState;
  /** Changes the running profile by named drifts (also through `/__simulator/drift`). */
  readonly drift: DriftControl;
  /** Ends open streams, stalls and sleeps (in-process there are no sockets to close). */
  close(): void;
}

export const DEFAULT_CHUNK_INTERVAL_MS = 20;
export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

function makeUsers(
  credentials: readonly SimulatorCredentials[],
  ids: () => string,
  nowSeconds: number,
): SimulatorUser[] {
  return credentials.map((c) => ({
    id: ids(),
    email: c.email,
    name: c.email.split('@')[0] ?? c.email,
    passwordSha256: sha256Hex(c.password),
    lastPasswordChange: nowSeconds,
  }));
}

/** The simulator as an in-process Hono app; the same options as `startSimulator`. */
export function createSimulatorApp(options: SimulatorOptions = {}): SimulatorApp {
  const profile = resolveProfile(options.profile);
  const faults = faultSpecsSchema.safeParse(options.faults ?? []);
  if (!faults.success)
    throw new ProbeError('E_INPUT', `bad fault specs: ${faults.error.issues[0]?.message ?? 'invalid'}`);
  const clock = options.clock ?? Date.now;
  const ids = options.ids ?? (() => crypto.randomUUID());
  const startSeconds = Math.floor(clock() / 1000);
  const users = makeUsers(options.users ?? [DEMO_USER], ids, startSeconds);
  const state = createState(profile, users, faults.data as FaultSpec[]);
  const modelIds = new Set(profile.models.map((m) => m.id));
  const abort = new AbortController();
  const signingKey = options.signingSecret === undefined ? randomBytes(32) : Buffer.from(options.signingSecret, 'utf8');
  const rt: SimulatorRuntime = {
    state,
    profile,
    baseProfile: profile,
    clock,
    ids,
    jwtSecret: options.jwtSecret ?? randomBytes(32).toString('hex'),
    signingKey,
    random: seededRandom(profile.dualResponses?.seed ?? 1),
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    latencyMs: options.latencyMs ?? 0,
    chunkIntervalMs: options.chunkIntervalMs ?? DEFAULT_CHUNK_INTERVAL_MS,
    signal: abort.signal,
    modelIds,
    modelsCreatedAt: startSeconds,
    world: createWorld({ state, profile, modelIds, signingKey, clock }),
  };

  const drift = driftControl(rt);
  const app = new Hono<SimulatorEnv>();
  mountWebRoutes(app, rt);
  mountAntiBotRoutes(app, rt);
  mountControlRoutes(app, rt, drift);
  mountApiRoutes(app, rt);
  app.notFound(
    () => new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }),
  );
  // A bug must not take the server down or leave a client hanging: answer with the envelope.
  app.onError((error) => errorResponse(500, ids(), 'Internal_Server_Error', `simulator bug: ${error.message}`));
  return { app, state, drift, close: () => abort.abort() };
}
