/**
 * Workflows that chain capabilities: `investigate` (capture, generate, diff, bisect, replay, report),
 * one function per step, each returning its result and telling its progress as events.
 */
export { investigate, startBundledSimulator, type Investigation, type InvestigateOptions } from './investigate.js';
export {
  endStep,
  runStep,
  type InvestigationEvent,
  type InvestigationListener,
  type StepOutcome,
} from './investigation-event.js';
export {
  browserChat,
  type AccountSource,
  type BrowserAccount,
  type BrowserChat,
  type BrowserChatOptions,
} from './browser-chat.js';
export {
  libraryFailure,
  libraryRequests,
  loadLibraryRequests,
  sendLibraryRequests,
  type LibraryRequests,
  type LibrarySendOptions,
  type LibrarySource,
} from './library-requests.js';
export { bisectStep, diffStep, type BisectStepOptions, type PlannedBisect } from './diff-and-bisect.js';
export { replayRepaired, type ReplayedRepair, type ReplayRepairedOptions } from './replay-repaired.js';
export { REPORT_FILES, writeRedactedCapture, writeReports } from './investigation-files.js';
export { runWatchRound, type WatchAuth, type WatchRoundOptions } from './watch/watch-round.js';
export { watchLoop, type WatchLoopOptions } from './watch/watch-loop.js';
export { canaryTransports, canaryOutcome, runCanary, CANARY_PROMPT, type CanaryTransport } from './watch/canary.js';
export { detectChanges, CHAT_ENDPOINTS, type RoundObservations } from './watch/detect-changes.js';
export { extractFrontEndVersions, VERSION_PATTERNS, MAIN_BUNDLE_PATTERN } from './watch/front-end-versions.js';
export { readRounds, WATCH_FILES } from './watch/watch-files.js';
export { webhookSummary, type WebhookSummary } from './watch/webhook.js';
