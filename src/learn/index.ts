/**
 * The `learn` capability: a protocol model learnt from captures (per endpoint, the request's
 * headers, cookies, query and JSON body with their value kinds, the response envelope and the
 * event stream), written as protocol.json (JSON Schema), protocol.ts (zod) and README.md; merged
 * with later captures, and compared with another learnt protocol.
 */
export { learnProtocol, ProtocolLearner } from './learn-protocol.js';
export { StringKinds, stringKind } from './string-kind.js';
export { requestParts, queryOf, type RequestParts } from './request-parts.js';
export { endpointKeyOf, type EndpointKey } from './endpoint-key.js';
export { mergeProtocols } from './merge-protocols.js';
export {
  compareProtocols,
  type FieldChangeAt,
  type ProtocolChange,
  type ProtocolChangeKind,
} from './compare-protocols.js';
export {
  PROTOCOL_SCHEMA_VERSION,
  REQUEST_PARTS,
  requestPart,
  type EndpointProtocol,
  type LearntFrom,
  type LearntProtocol,
  type RequestPart,
  type ResponseProtocol,
  type StreamOrderFact,
  type StreamProtocol,
} from './protocol-model.js';
export {
  MAX_ENUM_VALUES,
  jsonTypeOf,
  mergeNodes,
  type Counts,
  type JsonTypeName,
  type ShapeNode,
} from './shape-node.js';
export {
  FORMAT_KINDS,
  enumOf,
  formatOf,
  isRequired,
  kindFamily,
  kindsOf,
  objectCount,
  schemaTypesOf,
  typesOf,
} from './node-facts.js';
export { FREE_TEXT_FIELDS, fieldKeepsValues, type FreeTextField } from './learn-rules.js';
export {
  endpointFields,
  fieldLabel,
  itemsPath,
  jsonFields,
  requestFields,
  type FieldSide,
  type LearntField,
} from './protocol-fields.js';
export {
  JSON_SCHEMA_DIALECT,
  nodeToSchema,
  parseProtocolJson,
  protocolFromJson,
  protocolToJson,
  renderProtocolJson,
  type JsonSchemaObject,
} from './protocol-json.js';
export { renderProtocolZod, endpointIdentifier } from './protocol-zod.js';
export { renderProtocolReadme } from './protocol-readme.js';
export { VALUE_FORMATS, formatCheck, formatRegExp, formatBounds, type FormatCheck } from './value-formats.js';
export { PROTOCOL_FILES, readProtocolDir, readProtocolFile, writeProtocolDir } from './protocol-dir.js';
