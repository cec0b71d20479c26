/** The `replay` capability: re-issue captured requests with fresh volatile values; curl export. */
export {
  replayCapture,
  selectEntries,
  type ReplayOptions,
  type ReplayResult,
  type ReplaySelection,
  type ReplayTurn,
} from './replay-capture.js';
export {
  applyOverrides,
  parseOverride,
  pathSegments,
  replacePrompt,
  type FieldOverride,
  type OverrideLocation,
} from './field-override.js';
export { createStreamPrinter, replayJson, statusLine } from './replay-output.js';
export { curlScript, type CurlOptions } from './curl-export.js';
