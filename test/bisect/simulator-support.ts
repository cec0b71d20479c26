/**
 * Shared set-up for bisects against the simulator: a signed-in session, captures of a shape's turn
 * (made with the client, source `library`, the same shape a browser sends for `web`), and a bisect
 * of two captures with the live probe of client/probe-request.ts.
 */
import { resolveCredentials, type Credentials } from '../../src/client/credentials.js';
import { createRequestProber } from '../../src/client/probe-request.js';
import { runShapeTurn } from '../../src/client/run-shape.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import { bisectPlan, planBisect, type BisectPlanOptions } from '../../src/bisect/bisect-captures.js';
import { SHAPES, systemIdClock, type ShapeName } from '../../src/upstream/shapes.js';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../src/simulator/index.js';

export interface SimSession {
  readonly sim: RunningSimulator;
  readonly credentials: Credentials;
}

/** A simulator on a free port with fast streams, and the demo account signed in. */
export async function startSession(options: StartSimulatorOptions = {}): Promise<SimSession> {
  const sim = await startSimulator({ port: 0, chunkIntervalMs: 1, ...options });
  const credentials = await resolveCredentials({
    target: sim.url,
    user: `${sim.demoUser.email}:${sim.demoUser.password}`,
  });
  return { sim, credentials };
}

/** One turn of a shape, as a capture. */
export async function shapeCapture(
  session: SimSession,
  shape: ShapeName,
  cookies: Record<string, string> = {},
): Promise<Exchange[]> {
  const { sim, credentials } = session;
  const turn = await runShapeTurn(
    SHAPES[shape],
    {
      baseUrl: sim.url,
      token: credentials.token,
      cookies: { ...credentials.cookies, ...cookies },
      idClock: systemIdClock,
    },
    {},
  );
  return [...turn.exchanges];
}

/** Diff and bisect two captures against the session's simulator. */
export async function bisectAgainst(
  session: SimSession,
  good: readonly Exchange[],
  bad: readonly Exchange[],
  options: Partial<BisectPlanOptions> & { idleTimeoutMs?: number; cookies?: Record<string, string> } = {},
) {
  const plan = planBisect(diffCaptures(good, bad));
  const chatRequest = [...good, ...bad].find((e) => e.endpoint === 'chats.new')?.request;
  const probe = createRequestProber(plan.endpoint, {
    target: session.sim.url,
    token: session.credentials.token,
    cookies: { ...session.credentials.cookies, ...(options.cookies ?? {}) },
    ...(chatRequest ? { chatRequest } : {}),
    idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
  });
  const result = await bisectPlan(plan, { probe, required: false, ...options });
  return { plan, result, ids: result.culprits.map((c) => c.id).sort() };
}
