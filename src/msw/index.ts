/**
 * `qwen-probe/msw`: the simulator in a client library's own vitest or jest suite. msw handlers run a
 * simulator era in process (no port), with faults, and `readAnswer` judges answers with qwen-probe's
 * stream reader, so tests assert on the same failure names qwen-probe reports use.
 *
 *     const sim = qwenSimulator({ profile: 'qwen-2026-06' });
 *     const server = setupServer(...sim.handlers);
 *
 * msw is a peer dependency: install it beside qwen-probe.
 */
export { qwenSimulator, type FaultInput, type QwenSimulator, type QwenSimulatorOptions } from './qwen-simulator.js';
export { readAnswer, type Answer, type ReadAnswerOptions } from './read-answer.js';
export { shapeBody, type ShapeBodyOptions } from './shape-body.js';
export { ExchangeRecorder } from './exchange-recorder.js';
export { DEMO_USER } from '../simulator/app.js';
export { FAULT_NAMES, type FaultName, type FaultSpec } from '../simulator/faults.js';
export { failureName, type UpstreamFailure } from '../upstream/upstream-failure.js';
export type { QwenStreamUpdate } from '../upstream/stream-types.js';
export type { ShapeName } from '../upstream/shapes.js';
