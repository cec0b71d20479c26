/**
 * protocol.json: a learnt protocol as one JSON file a tool can read. Per endpoint, the request is a
 * JSON Schema (draft 2020-12) of an object `{headers, cookies, query, body}`; the response has its
 * JSON envelope and its event payloads as JSON Schemas too. Every schema node also carries the
 * evidence it was derived from as `x-` annotations (`x-seen`, `x-types`, `x-kinds`, `x-values`, ...),
 * which is what a later `learn` merges with and what `lint` reads: the `type`, `required`, `enum`
 * and `format` keywords are written for other tools and rebuilt from the evidence on every learn,
 * so hand edits to them are not read back. Formats are the value kinds (value-formats.ts).
 *
 * `schemaVersion` versions this layout; a reader refuses any other version.
 */
import { z } from 'zod';
import type { ValueKind } from '../diff/index.js';
import { ProbeError } from '../exchange/errors.js';
import type { ExchangeSource } from '../exchange/exchange.js';
import { enumOf, formatOf, isRequired, schemaTypesOf } from './node-facts.js';
import {
  PROTOCOL_SCHEMA_VERSION,
  type EndpointProtocol,
  type LearntProtocol,
  type ResponseProtocol,
  type StreamOrderFact,
  type StreamProtocol,
} from './protocol-model.js';
import type { Counts, JsonTypeName, ShapeNode } from './shape-node.js';
import { formatBounds } from './value-formats.js';

/** The JSON Schema dialect of every schema in protocol.json. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** A JSON Schema object as written (keywords plus `x-` evidence). */
export type JsonSchemaObject = { readonly [keyword: string]: unknown };

/** How a node's objects treat keys the samples never had. */
interface SchemaStyle {
  /** `additionalProperties: false`: a request body's unknown keys are findings. */
  readonly closed: boolean;
}

function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty: a key named `__proto__` is a field, not the object's prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One node as a JSON Schema with its evidence. */
export function nodeToSchema(node: ShapeNode, style: SchemaStyle): JsonSchemaObject {
  const s: Record<string, unknown> = {};
  const types = schemaTypesOf(node);
  if (types.length === 1) s['type'] = types[0];
  else if (types.length > 1) s['type'] = types;
  const format = formatOf(node);
  if (format !== undefined) {
    s['format'] = format;
    const bounds = types.includes('integer') || types.includes('number') ? formatBounds(format) : undefined;
    if (bounds) Object.assign(s, bounds);
  }
  const values = enumOf(node);
  if (values) s['enum'] = node.types.null ? [...values, null] : values;
  if (node.keys) {
    const properties: Record<string, unknown> = {};
    for (const [key, child] of node.keys) defineKey(properties, key, nodeToSchema(child, style));
    s['properties'] = properties;
    const required = [...node.keys].filter(([, child]) => isRequired(child, node)).map(([key]) => key);
    if (required.length > 0) s['required'] = required;
  }
  if (style.closed && node.types.object) s['additionalProperties'] = false;
  if (node.items) s['items'] = nodeToSchema(node.items, style);
  s['x-seen'] = node.seen;
  s['x-types'] = node.types;
  if (Object.keys(node.kinds).length > 0) s['x-kinds'] = node.kinds;
  if (node.bearer > 0) s['x-bearer'] = node.bearer;
  if (node.values) {
    const kept: Record<string, number> = {};
    for (const [value, count] of node.values) defineKey(kept, value, count);
    s['x-values'] = kept;
  }
  if (node.manyValues) s['x-many-values'] = true;
  return s;
}

/** The request of an endpoint: headers, cookies and query parameters open, the body closed. */
function requestSchema(request: ShapeNode): JsonSchemaObject {
  const schema = nodeToSchema(request, { closed: false }) as Record<string, unknown>;
  const body = request.keys?.get('body');
  if (body) (schema['properties'] as Record<string, unknown>)['body'] = nodeToSchema(body, { closed: true });
  return { $schema: JSON_SCHEMA_DIALECT, ...schema };
}

function streamJson(stream: StreamProtocol): Record<string, unknown> {
  return {
    streams: stream.streams,
    events: stream.events,
    phases: stream.phases,
    statuses: stream.statuses,
    order: stream.order,
    failures: stream.failures,
    event: { $schema: JSON_SCHEMA_DIALECT, ...nodeToSchema(stream.event, { closed: false }) },
  };
}

function responseJson(response: ResponseProtocol): Record<string, unknown> {
  return {
    responses: response.responses,
    statuses: response.statuses,
    contentTypes: response.contentTypes,
    failures: response.failures,
    ...(response.body
      ? { body: { $schema: JSON_SCHEMA_DIALECT, ...nodeToSchema(response.body, { closed: false }) } }
      : {}),
    ...(response.stream ? { stream: streamJson(response.stream) } : {}),
  };
}

/** The protocol as the JSON object protocol.json holds. */
export function protocolToJson(protocol: LearntProtocol): Record<string, unknown> {
  const endpoints: Record<string, unknown> = {};
  for (const [name, e] of protocol.endpoints) {
    defineKey(endpoints, name, {
      method: e.method,
      path: e.path,
      samples: e.samples,
      sources: e.sources,
      ...(e.firstSeen !== undefined ? { firstSeen: e.firstSeen } : {}),
      ...(e.lastSeen !== undefined ? { lastSeen: e.lastSeen } : {}),
      request: requestSchema(e.request),
      response: responseJson(e.response),
    });
  }
  return {
    schemaVersion: protocol.schemaVersion,
    tool: 'qwen-probe learn',
    description:
      'A chat protocol learnt from captures: per endpoint, JSON Schemas of the request and the response, each ' +
      'node with the evidence it was learnt from (x- annotations). See README.md beside this file.',
    learntFrom: protocol.learntFrom,
    endpoints,
  };
}

/** protocol.json's text: two-space JSON with a final newline. */
export function renderProtocolJson(protocol: LearntProtocol): string {
  return `${JSON.stringify(protocolToJson(protocol), null, 2)}\n`;
}

// ---- reading ------------------------------------------------------------------------------------

const count = z.number().int().min(0);
const counts = z.record(z.string(), count);

interface RawNode {
  readonly 'x-seen': number;
  readonly 'x-types': Record<string, number>;
  readonly 'x-kinds'?: Record<string, number> | undefined;
  readonly 'x-bearer'?: number | undefined;
  readonly 'x-values'?: Record<string, number> | undefined;
  readonly 'x-many-values'?: true | undefined;
  readonly properties?: Record<string, RawNode> | undefined;
  readonly items?: RawNode | undefined;
}

const JSON_TYPES: readonly JsonTypeName[] = ['null', 'boolean', 'integer', 'number', 'string', 'object', 'array'];

const rawNode: z.ZodType<RawNode> = z.lazy(() =>
  z.looseObject({
    'x-seen': count,
    'x-types': z.partialRecord(z.enum(JSON_TYPES), count),
    'x-kinds': counts.optional(),
    'x-bearer': count.optional(),
    'x-values': counts.optional(),
    'x-many-values': z.literal(true).optional(),
    properties: z.record(z.string(), rawNode).optional(),
    items: rawNode.optional(),
  }),
) as z.ZodType<RawNode>;

const rawStream = z.looseObject({
  streams: count,
  events: count,
  phases: counts,
  statuses: counts,
  order: counts,
  failures: counts,
  event: rawNode,
});

const rawEndpoint = z.looseObject({
  method: z.string(),
  path: z.string(),
  samples: count,
  sources: counts,
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  request: rawNode,
  response: z.looseObject({
    responses: count,
    statuses: counts,
    contentTypes: counts,
    failures: counts,
    body: rawNode.optional(),
    stream: rawStream.optional(),
  }),
});

const rawProtocol = z.looseObject({
  schemaVersion: z.number(),
  learntFrom: z.looseObject({ captures: z.array(z.string()), exchanges: count, skipped: count }),
  endpoints: z.record(z.string(), rawEndpoint),
});

function nodeFromRaw(raw: RawNode): ShapeNode {
  const values = raw['x-values'] ? new Map(Object.entries(raw['x-values'])) : undefined;
  const keys = raw.properties
    ? new Map(Object.entries(raw.properties).map(([key, child]) => [key, nodeFromRaw(child)]))
    : undefined;
  return {
    seen: raw['x-seen'],
    types: { ...raw['x-types'] } as Counts<JsonTypeName>,
    kinds: { ...(raw['x-kinds'] ?? {}) } as Counts<ValueKind>,
    bearer: raw['x-bearer'] ?? 0,
    ...(values ? { values } : {}),
    ...(raw['x-many-values'] ? { manyValues: true as const } : {}),
    ...(keys ? { keys } : {}),
    ...(raw.items ? { items: nodeFromRaw(raw.items) } : {}),
  };
}

function endpointFromRaw(name: string, raw: z.infer<typeof rawEndpoint>): EndpointProtocol {
  const stream = raw.response.stream;
  return {
    name,
    method: raw.method,
    path: raw.path,
    samples: raw.samples,
    sources: raw.sources as Counts<ExchangeSource>,
    ...(raw.firstSeen !== undefined ? { firstSeen: raw.firstSeen } : {}),
    ...(raw.lastSeen !== undefined ? { lastSeen: raw.lastSeen } : {}),
    request: nodeFromRaw(raw.request),
    response: {
      responses: raw.response.responses,
      statuses: raw.response.statuses,
      contentTypes: raw.response.contentTypes,
      failures: raw.response.failures,
      ...(raw.response.body ? { body: nodeFromRaw(raw.response.body) } : {}),
      ...(stream
        ? {
            stream: {
              streams: stream.streams,
              events: stream.events,
              event: nodeFromRaw(stream.event),
              phases: stream.phases,
              statuses: stream.statuses,
              order: stream.order as Counts<StreamOrderFact>,
              failures: stream.failures,
            },
          }
        : {}),
    },
  };
}

/**
 * A protocol from protocol.json's parsed content. Throws ProbeError `E_INPUT` naming the first
 * problem (`label` says which file) for anything that is not a protocol of this schema version.
 */
export function protocolFromJson(json: unknown, label = 'protocol.json'): LearntProtocol {
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== PROTOCOL_SCHEMA_VERSION)
    throw new ProbeError(
      'E_INPUT',
      `${label} has schemaVersion ${version}; this qwen-probe reads version ${PROTOCOL_SCHEMA_VERSION}`,
      { hint: 'learn it again from its captures with this version' },
    );
  const parsed = rawProtocol.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new ProbeError('E_INPUT', `${label} is not a learnt protocol${where}: ${issue?.message ?? 'invalid'}`);
  }
  const raw = parsed.data;
  return {
    schemaVersion: PROTOCOL_SCHEMA_VERSION,
    learntFrom: {
      captures: raw.learntFrom.captures,
      exchanges: raw.learntFrom.exchanges,
      skipped: raw.learntFrom.skipped,
    },
    endpoints: new Map(Object.entries(raw.endpoints).map(([name, e]) => [name, endpointFromRaw(name, e)])),
  };
}

/** A protocol from protocol.json's text. */
export function parseProtocolJson(text: string, label = 'protocol.json'): LearntProtocol {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProbeError('E_INPUT', `${label} is not JSON: ${(error as Error).message}`);
  }
  return protocolFromJson(json, label);
}
