/**
 * Small, protocol-free pieces that several folders need; imports nothing of ours, and every folder
 * may import it (docs/architecture.md). Anything about the Qwen protocol belongs in `upstream/`.
 */
export { cookieRecord, formatCookiePairs, parseCookiePairs, type CookiePair } from './cookies.js';
export { definedFields, type DefinedFields } from './defined-fields.js';
export type { FieldLocation, FieldRef } from './field-ref.js';
export {
  cloneJson,
  formatPath,
  getAtPath,
  joinPath,
  jsonLeaves,
  mapJsonLeaves,
  parsePath,
  pathPatternMatches,
  removeAtPath,
  setAtPath,
  valueAtPath,
  type JsonLeaf,
  type PathSegment,
} from './field-path.js';
export { sha256Hex } from './hash.js';
export { isJsonObject, parseJsonText, type JsonObject, type JsonValue } from './json-value.js';
export { isLoopbackHost } from './loopback.js';
export { mdCellCode, mdCellText, mdCode, mdFenced, mdText } from './markdown-text.js';
