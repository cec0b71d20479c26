/**
 * Shared set-up for bisects against the simulator: a signed-in session, captures of a shape's turn
 * (made with the client, source `library`, the same shape a browser sends for `web`), and a bisect
 * of two captures as the library runs it (`planCaptures`, `runBisectPlan`).
 */
import { resolveCredentials, type Credentials } from '../../src/client/credentials.js';
import { runShapeTurn } from '../../src/client/run-shape.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { planCaptures } from '../../src/bisect/bisect-captures.js';
import { runBisectPlan, type LiveBisectOptions } from '../../src/bisect/run-bisect-plan.js';
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
  options: Partial<LiveBisectOptions> & { cookies?: Record<string, string> } = {},
) {
  const { cookies, ...rest } = options;
  const { plan } = planCaptures(good, bad);
  const result = await runBisectPlan(plan, [...good, ...bad], {
    target: session.sim.url,
    credentials: { token: session.credentials.token, cookies: { ...session.credentials.cookies, ...cookies } },
    idleTimeoutMs: 10_000,
    required: false,
    ...rest,
  });
  return { plan, result, ids: result.culprits.map((c) => c.id).sort() };
}
