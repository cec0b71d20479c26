/**
 * The qwen-probe simulator: a local stand-in for chat.qwen.ai (web page + API) whose behaviour is
 * data (profiles of ordered rules), with faults on demand. See README.md in this folder.
 */
export { createSimulatorApp, DEMO_USER, DEFAULT_CHUNK_INTERVAL_MS, DEFAULT_TOKEN_TTL_SECONDS } from './app.js';
export type { SimulatorApp, SimulatorCredentials, SimulatorOptions } from './app.js';
export { startSimulator } from './server.js';
export type { RunningSimulator, StartSimulatorOptions } from './server.js';
export type { SimulatorState, StoredChat, StoredMessage, SimulatorUser, Decision } from './state.js';
export {
  loadProfile,
  loadProfileFile,
  parseProfile,
  resolveProfile,
  PROFILES,
  DEFAULT_PROFILE_NAME,
  isBuiltInProfile,
} from './profiles/index.js';
export {
  AUTH_RULES,
  AUTHENTICATED_ENDPOINTS,
  JSON_RULES,
  COMPLETION_VALIDATION_RULES,
  CHAT_EXISTENCE_RULES,
  SEED_CULPRIT_RULES,
  TURN_RULES,
} from './profiles/common-rules.js';
export { QWEN_2025_10, MODELS_2025_10 } from './profiles/qwen-2025-10.js';
export { QWEN_2026_06, MODELS_2026_06, WAF_RULES_2026, ENVELOPE_RULES_2026 } from './profiles/qwen-2026-06.js';
export {
  QWEN_2026_09,
  MODELS_2026_09,
  BROWSER_JA4,
  ESCALATION_RULES_2026_09,
  SOFT_BLOCK_RULES_2026_09,
  TURN_RULES_2026_09,
  VERSION_RULES_2026_09,
} from './profiles/qwen-2026-09.js';
export type {
  SimulatorProfile,
  ProfileRule,
  Condition,
  FieldRef,
  RuleLocation,
  RuleResponse,
  EnvelopeResponse,
  WafResponse,
  SoftBlockResponse,
  GatewayResponse,
  DualResponseSpec,
  QuotaSpec,
  ModelSpec,
  JsonValue,
  ProfileDrift,
} from './profile-schema.js';
export { profileFileSchema } from './profile-schema.js';
export { conditionSchema, CONDITION_KIND_NAMES } from './conditions.js';
export { API_FAULT_NAMES, FAULT_NAMES, PAGE_FAULT_NAMES, parseFaultSpec, isFaultName } from './faults.js';
export type { ApiFaultName, FaultSpec, FaultName, PageFaultName } from './faults.js';
export { expectedAnswer, LONG_ANSWER_DIRECTIVE, renderSummary } from './answers.js';
export type { ExpectedAnswer, ExpectedSummary } from './answers.js';
export { PAGE_SELECTORS } from './web/web-page.js';
export { PAGE_2026_DEFAULTS, PAGE_2026_SELECTORS } from './web/web-page-2026.js';
export type { Page2026Settings } from './web/web-page-2026.js';
export { CONTROL_PREFIX } from './control-routes.js';
export {
  DRIFT_NAMES,
  DRIFT_DESCRIPTIONS,
  DRIFT_HEADER,
  DRIFT_RENAMED_FIELD,
  DRIFT_MOVED_COMPLETIONS,
  DRIFT_NEW_MODEL,
  applyDrift,
  bumpVersion,
  isDriftName,
  type DriftName,
} from './drift/drift-kinds.js';
export { parseDriftSchedule, type DriftStep } from './drift/drift-schedule.js';
export { driftControl, runDriftSchedule, type DriftControl } from './drift/drift-control.js';
export { INVALID_CREDENTIALS } from './account-handlers.js';
export { wafHtmlPage, wafJsonBlock, captchaJson, PUNISH_PATH } from './responses.js';
export { CAPTCHA_SELECTORS } from './anti-bot/captcha-page.js';
export { signingScript, UMID_TOKEN_PATH } from './web/signing-script.js';
export { simulatorTlsMaterial, spkiHash, DEFAULT_SIMULATOR_CA_DIR } from './tls/simulator-ca.js';
export type { SimulatorTlsMaterial } from './tls/simulator-ca.js';
