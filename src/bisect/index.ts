/** The `bisect` capability: delta debugging over the differences of two requests, with a live oracle. */
export { ddmin, leaveOneOut, split, type DdminOptions, type DdminResult, type ProbeOutcome } from './ddmin.js';
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
  repairedRequest,
  type BisectPlan,
  type BisectPlanOptions,
  type FindingChange,
} from './bisect-captures.js';
export { requestFields, withoutFields, type RequestField } from './request-fields.js';
