/**
 * The control endpoints for tests and users, outside /api so they never look like the target's
 * API: GET /__simulator/state (counters, faults, recent decisions), GET /__simulator/profile (the
 * active rules with their explanations), GET/POST/DELETE /__simulator/faults.
 */
import type { Hono } from 'hono';
import type { SimulatorEnv } from './api-routes.js';
import { faultSpecsSchema, type FaultSpec } from './faults.js';
import { jsonResponse } from './responses.js';
import type { SimulatorRuntime } from './runtime.js';
import { stateSnapshot } from './state.js';

export const CONTROL_PREFIX = '/__simulator';

function faultList(rt: SimulatorRuntime): unknown[] {
  return rt.state.faults.list.map((c) => ({ ...c.spec, seen: c.seen, hits: c.hits }));
}

export function mountControlRoutes(app: Hono<SimulatorEnv>, rt: SimulatorRuntime): void {
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
