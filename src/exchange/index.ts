/**
 * Public API of `exchange`: the Exchange type, its HAR 1.2 codec, capture files (crash-safe writer,
 * streaming reader) and redaction. This folder imports nothing else of qwen-probe.
 */
export * from './exchange.js';
export * from './errors.js';
export type * from './har-types.js';
export {
  DEFAULT_CREATOR,
  createHarLog,
  exchangeToHarEntry,
  exchangesToHar,
  harEntryToExchange,
  harToExchanges,
  type HarLogOptions,
} from './har-codec.js';
export {
  CURRENT_FORMAT_VERSION,
  MIGRATIONS,
  formatVersionOf,
  migrateHar,
  migrateHarEntry,
  type MigrationContext,
  type MigrationStep,
} from './har-migrate.js';
export { parseCookieHeaders, parseQueryString, parseSetCookie, parseSetCookieHeaders } from './http-fields.js';
export { requestFields, type FieldValue } from './request-fields.js';
export {
  CAPTURE_TRAILER,
  SECRET_FILE_MODE,
  SHAREABLE_FILE_MODE,
  type Capture,
  type CaptureMeta,
} from './capture-file.js';
export { openCaptureWriter, type CaptureWriter, type CaptureWriterOptions } from './capture-writer.js';
export { readCapture, streamCapture, streamCaptureChunks, type CaptureStream } from './capture-reader.js';
export {
  CREDENTIALS_REMOVED_TAG,
  parseAnyCapture,
  readAnyCapture,
  streamAnyCapture,
  type AnyCaptureOptions,
  type CaptureFormat,
  type CaptureInput,
  type EndpointClassifier,
} from './read-any-capture.js';
export { readMitmproxyFlows, type MitmproxyFlows } from './formats/mitmproxy-flows.js';
export type { SideFiles } from './foreign-har-entry.js';
export { HarScanner, type ScanEvent, type ScanOutcome } from './har-scanner.js';
export { createRedactor, redactExchange, type RedactOptions, type Redactor } from './redact.js';
export {
  describeSecret,
  formatSecret,
  isRedactedValue,
  parseRedactedValue,
  redactSecret,
  type SecretDescription,
  type SecretKind,
} from './secret-value.js';
export { DEFAULT_SECRET_NAMES, secretNameMatcher } from './secret-names.js';
