/**
 * The control endpoints for tests and users, outside /api so they never look like the target's
 * API: GET /__simulator/state (counters, faults, recent decisions), GET /__simulator/profile (the
 * active rules with their explanations), GET/POST/DELETE /__simulator/faults, and
 * GET/POST/DELETE /__simulator/drift (POST `{"name":"version-bump"}` applies one drift at once; the
 * changing verbs answer only callers on this machine, since a drift changes what every client gets).
 */
import type { Context, Hono } from 'hono';
import { isLoopbackHost } from '../common/index.js';
import type { SimulatorEnv } from './api-routes.js';
import { DRIFT_DESCRIPTIONS, DRIFT_NAMES, isDriftName } from './drift/drift-kinds.js';
import type { DriftControl } from './drift/drift-control.js';
import { faultSpecsSchema, type FaultSpec } from './faults.js';
import { jsonResponse } from './responses.js';
import type { SimulatorRuntime } from './runtime.js';
import { stateSnapshot } from './state.js';

export const CONTROL_PREFIX = '/__simulator';

function faultList(rt: SimulatorRuntime): unknown[] {
  return rt.state.faults.list.map((c) => ({ ...c.spec, seen: c.seen, hits: c.hits }));
}

/** In process (msw, `app.request`) there is no socket: the caller is this process. */
function fromThisMachine(c: Context<SimulatorEnv>): boolean {
  const address = c.env?.incoming?.socket?.remoteAddress;
  return address === undefined || isLoopbackHost(address);
}

function driftRoutes(app: Hono<SimulatorEnv>, drift: DriftControl): void {
  const path = `${CONTROL_PREFIX}/drift`;
  const view = () => ({
    applied: drift.applied(),
    available: DRIFT_NAMES.map((name) => ({ name, description: DRIFT_DESCRIPTIONS[name] })),
  });
  const refused = () => jsonResponse(403, { error: 'drift control answers only callers on this machine' });
  app.get(path, () => jsonResponse(200, view()));
  app.delete(path, (c) => {
    if (!fromThisMachine(c)) return refused();
    drift.reset();
    return jsonResponse(200, view());
  });
  app.post(path, async (c) => {
    if (!fromThisMachine(c)) return refused();
    let value: unknown;
    try {
      value = JSON.parse(await c.req.text());
    } catch {
      value = undefined;
    }
    const name = (value as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || !isDriftName(name))
      return jsonResponse(400, { error: `body must be {"name": NAME}, NAME one of ${DRIFT_NAMES.join(', ')}` });
    drift.apply(name);
    return jsonResponse(200, view());
  });
}

export function mountControlRoutes(app: Hono<SimulatorEnv>, rt: SimulatorRuntime, drift: DriftControl): void {
  driftRoutes(app, drift);
  app.get(`${CONTROL_PREFIX}/state`, () => jsonResponse(200, stateSnapshot(rt.state)));
  app.get(`${CONTROL_PREFIX}/profile`, () => jsonResponse(200, rt.profile));
  app.get(`${CONTROL_PREFIX}/faults`, () => jsonResponse(200, { faults: faultList(rt) }));
  app.delete(`${CONTROL_PREFIX}/faults`, () => {
    rt.state.faults.set([]);
    return jsonResponse(200, { faults: [] });
  });
  app.post(`${CONTROL_PREFIX}/faults`, async (c) => {
    let value: unknown;
    try {
      value = JSON.parse(await c.req.text());
    } catch {
      return jsonResponse(400, { error: 'body must be a JSON array of fault specs: [{"name":"stall","times":1}]' });
    }
    const parsed = faultSpecsSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return jsonResponse(400, {
        error: `bad fault spec at ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`,
      });
    }
    rt.state.faults.set(parsed.data as FaultSpec[]);
    return jsonResponse(200, { faults: faultList(rt) });
  });
}
