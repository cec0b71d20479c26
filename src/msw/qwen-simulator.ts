/**
 * The simulator inside a client's own tests: msw request handlers that answer chat.qwen.ai (or any
 * origin) with the simulator's Hono app, in process, with no port. Streams are the simulator's own
 * event-by-event bodies, so a client reads them as it would read the real site's. Faults switch on
 * and off between tests; `record` writes what the client sent to a capture for `qwen-probe lint`.
 *
 * msw intercepts the global `fetch` and node's http/https, not `fetch` or `request` imported from
 * undici (which bypass both).
 */
import { http, type HttpHandler } from 'msw';
import { sha256Hex } from '../common/index.js';
import { ProbeError } from '../exchange/errors.js';
import { createSimulatorApp, DEMO_USER, type SimulatorCredentials, type SimulatorOptions } from '../simulator/app.js';
import { faultSpecsSchema, parseFaultSpec, type FaultSpec } from '../simulator/faults.js';
import type { SimulatorProfile } from '../simulator/profile-schema.js';
import type { SimulatorState } from '../simulator/state.js';
import { ExchangeRecorder } from './exchange-recorder.js';

/** A fault as a spec, or in the CLI's syntax (`reset-mid-stream:times=1`). */
export type FaultInput = FaultSpec | string;

/** Options: the simulator's own (profile, users, chunk interval, clock, ...), plus where it answers. */
export interface QwenSimulatorOptions extends Omit<SimulatorOptions, 'faults'> {
  /** The origin the handlers answer for; default `https://chat.qwen.ai`. */
  readonly origin?: string | undefined;
  readonly faults?: readonly FaultInput[] | undefined;
  /** Write every exchange the client makes to this capture (redacted HAR; replaced on each run). */
  readonly record?: string | undefined;
}

/** An in-process simulator and its msw handlers. */
export interface QwenSimulator {
  /** Pass these to msw's `setupServer(...handlers)` (or `server.use(...)`). */
  readonly handlers: readonly HttpHandler[];
  /** `https://chat.qwen.ai` unless `origin` said otherwise. */
  readonly origin: string;
  readonly profile: SimulatorProfile;
  /** Requests per endpoint, decisions, chats: what the simulator saw (src/simulator/state.ts). */
  readonly state: SimulatorState;
  /** The account `signIn` uses by default. */
  readonly demoUser: SimulatorCredentials;
  /** Replaces the active faults (their counters restart). */
  setFaults(faults: readonly FaultInput[]): void;
  /** Signs an account in (in process, not through msw) and returns its JWT. */
  signIn(account?: SimulatorCredentials): Promise<string>;
  /** Ends open streams and stalls, and closes the `record` capture. */
  close(): Promise<void>;
}

function toSpecs(faults: readonly FaultInput[]): FaultSpec[] {
  const specs = faults.map((f) => (typeof f === 'string' ? parseFaultSpec(f) : f));
  const parsed = faultSpecsSchema.safeParse(specs);
  if (!parsed.success)
    throw new ProbeError('E_INPUT', `bad fault specs: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data as FaultSpec[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A simulator era answering through msw: `setupServer(...qwenSimulator().handlers)`. */
export function qwenSimulator(options: QwenSimulatorOptions = {}): QwenSimulator {
  const { origin: rawOrigin, faults, record, ...simulatorOptions } = options;
  let origin: string;
  try {
    origin = new URL(rawOrigin ?? 'https://chat.qwen.ai').origin;
  } catch {
    throw new ProbeError('E_INPUT', `origin ${JSON.stringify(rawOrigin)} is not a URL`);
  }
  const simulator = createSimulatorApp({ ...simulatorOptions, faults: toSpecs(faults ?? []) });
  const recorder = record === undefined ? undefined : new ExchangeRecorder(record);
  const demoUser = simulatorOptions.users?.[0] ?? DEMO_USER;
  // Every path of the origin, the page included; other origins pass by to msw's other handlers.
  const handler = http.all(new RegExp(`^${escapeRegExp(origin)}(?:[/?#]|$)`), async ({ request }) => {
    const startedAt = new Date();
    const sent = recorder ? await ExchangeRecorder.requestOf(request) : undefined;
    const response = await simulator.app.fetch(request);
    return recorder && sent ? recorder.tap(sent, startedAt, response) : response;
  });
  return {
    handlers: [handler],
    origin,
    profile: simulator.state.profile,
    state: simulator.state,
    demoUser,
    setFaults: (list) => simulator.state.faults.set(toSpecs(list)),
    async signIn(account = demoUser) {
      const response = await simulator.app.request('/api/v1/auths/signin', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: account.email, password: sha256Hex(account.password) }),
      });
      const body = (await response.json()) as { token?: unknown };
      if (response.status !== 200 || typeof body.token !== 'string')
        throw new ProbeError('E_UPSTREAM_AUTH', `the simulator refused ${account.email}: HTTP ${response.status}`);
      return body.token;
    },
    async close() {
      simulator.close();
      await recorder?.close();
    },
  };
}
