/** The `bisect` capability: delta debugging over the differences of two requests, with a live oracle. */
export { ddmin, split, type DdminOptions, type DdminResult, type ProbeOutcome } from './ddmin.js';
export { Halt, type HaltReason } from './halt.js';
export {
  bisectRequests,
  DEFAULT_BUDGET,
  type BisectOptions,
  type BisectProgress,
  type RequiredSearch,
} from './bisect-requests.js';
export type {
  BisectChange,
  BisectResult,
  BisectVerdict,
  FailureTransition,
  ProbeLogEntry,
  ProbePurpose,
  ProbeVerdict,
  RequiredField,
  RequiredStatus,
} from './bisect-result.js';
export { explainVerdict, goodFailsHint } from './explain-bisect.js';
export {
  bisectPlan,
  planBisect,
  planCaptures,
  repairedRequest,
  type BisectPlan,
  type BisectPlanOptions,
  type FindingChange,
} from './bisect-captures.js';
export { chatTemplate, runBisectPlan, type LiveBisectOptions, type LiveBisectProgress } from './run-bisect-plan.js';
export { removableFields, withoutFields, type RemovableField } from './removable-fields.js';
