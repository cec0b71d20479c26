/**
 * What a simulator profile is: plain JSON-able data (models + ordered rules) and its zod schema, so a
 * profile can live in a JSON file that a user reads and edits. The rules engine (rules-engine.ts)
 * evaluates the conditions; nothing about chat.qwen.ai's quirks is hard-coded outside the profiles.
 */
import { z } from 'zod';
import type { FieldRef as AnyFieldRef, JsonValue } from '../common/index.js';
import { ENDPOINTS } from '../upstream/endpoints.js';

export type { JsonValue };

/** Where a rule looks: the request locations a rule can read. */
export type RuleLocation = 'query' | 'header' | 'cookie' | 'body';

/**
 * One field of a request. `path` is a query parameter, a header name (any case), a cookie name, or a
 * body path in the one body-path language (src/common/field-path.ts: `messages[0].chat_type`).
 */
export type FieldRef = AnyFieldRef<RuleLocation>;

/**
 * The condition language. Exactly one key per object. A field that is absent is `missing`; it is
 * never `equals`, and it counts as `notIn` any list (the server cannot route on a value it lacks).
 */
export type Condition =
  | { readonly always: true }
  /** The field is absent (an explicit JSON `null` is present). */
  | { readonly missing: FieldRef }
  | { readonly present: FieldRef }
  /** Deep equality with a JSON value; header and cookie values are strings. */
  | { readonly equals: FieldRef & { readonly value: JsonValue } }
  | { readonly in: FieldRef & { readonly values: readonly JsonValue[] } }
  | { readonly notIn: FieldRef & { readonly values: readonly JsonValue[] } }
  /** Sugar for `missing` of a header / a cookie. */
  | { readonly headerMissing: string }
  | { readonly cookieMissing: string }
  /** The value is not the id of a model in the profile's `models` (absent counts as not listed). */
  | { readonly notListedModel: FieldRef }
  /** The value is not a chat that the caller created (absent values never match: use `missing`). */
  | { readonly unknownChat: FieldRef }
  /** Both fields are present and differ (chat_id in query vs body). */
  | { readonly differ: readonly [FieldRef, FieldRef] }
  /** The field is not an array of exactly `length` items. */
  | { readonly lengthNot: FieldRef & { readonly length: number } }
  /** State of the bearer token (Authorization header, else the `token` cookie). */
  | { readonly token: 'missing' | 'invalid' | 'expired' }
  /** The body is not empty and not JSON. */
  | { readonly invalidJson: true }
  /** The raw body is longer than this many bytes. */
  | { readonly bodyLargerThan: number }
  /**
   * The turn's parent (`parent_id`, else `messages[0].parent_id`/`parentId`; absent = null) is not the
   * chat's last `response_id` (null before the first turn).
   */
  | { readonly parentMismatch: true }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };

/** An application error: the envelope `{"success":false,"request_id","data":{"code","details"}}`. */
export interface EnvelopeResponse {
  readonly status: number;
  readonly code: string;
  /** A string, or a list as some validation errors carry it. */
  readonly details: string | readonly string[];
  /** `RateLimited` carries hours to wait here. */
  readonly num?: number;
}

/** The Aliyun WAF: its HTML block page, or the `FAIL_SYS_USER_VALIDATE` JSON block. */
export interface WafResponse {
  readonly waf: 'html' | 'json-block';
  readonly status: number;
}

export type RuleResponse = EnvelopeResponse | WafResponse;

export interface ProfileRule {
  /** Stable kebab-case name; shown in GET /__simulator/state. */
  readonly name: string;
  /** Endpoint names from src/upstream/endpoints.ts (`chat.completions`, ...); every /api endpoint when absent. */
  readonly endpoint?: string | readonly string[];
  readonly when: Condition;
  readonly respond: RuleResponse;
  /** One sentence: why the server answers this, and where the evidence (or the inference) comes from. */
  readonly explain: string;
}

/** A model as the profile lists it; expanded to a full `/api/models` entry by model-entries.ts. */
export interface ModelSpec {
  readonly id: string;
  readonly name?: string;
  /** `info.meta.chat_type`; the full list when absent. */
  readonly chatTypes?: readonly string[];
  readonly thinking?: boolean;
  /** Vision/document/video capabilities; true when absent. */
  readonly vision?: boolean;
  readonly maxContextLength?: number;
  readonly maxGenerationLength?: number;
  readonly description?: string;
}

export interface SimulatorProfile {
  readonly name: string;
  readonly description: string;
  readonly models: readonly ModelSpec[];
  /** Evaluated in order against each /api request; the first match answers. */
  readonly rules: readonly ProfileRule[];
}

const ENDPOINT_NAMES = new Set(ENDPOINTS.map((e) => e.name));

const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

const fieldRefShape = {
  location: z.enum(['query', 'header', 'cookie', 'body']),
  path: z.string().min(1),
};
const fieldRefSchema = z.strictObject(fieldRefShape);

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ always: z.literal(true) }),
    z.strictObject({ missing: fieldRefSchema }),
    z.strictObject({ present: fieldRefSchema }),
    z.strictObject({ equals: z.strictObject({ ...fieldRefShape, value: jsonValueSchema }) }),
    z.strictObject({ in: z.strictObject({ ...fieldRefShape, values: z.array(jsonValueSchema) }) }),
    z.strictObject({ notIn: z.strictObject({ ...fieldRefShape, values: z.array(jsonValueSchema) }) }),
    z.strictObject({ headerMissing: z.string().min(1) }),
    z.strictObject({ cookieMissing: z.string().min(1) }),
    z.strictObject({ notListedModel: fieldRefSchema }),
    z.strictObject({ unknownChat: fieldRefSchema }),
    z.strictObject({ differ: z.tuple([fieldRefSchema, fieldRefSchema]) }),
    z.strictObject({ lengthNot: z.strictObject({ ...fieldRefShape, length: z.number().int().min(0) }) }),
    z.strictObject({ token: z.enum(['missing', 'invalid', 'expired']) }),
    z.strictObject({ invalidJson: z.literal(true) }),
    z.strictObject({ bodyLargerThan: z.number().int().min(0) }),
    z.strictObject({ parentMismatch: z.literal(true) }),
    z.strictObject({ all: z.array(conditionSchema) }),
    z.strictObject({ any: z.array(conditionSchema) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

const statusSchema = z.number().int().min(100).max(599);

export const ruleResponseSchema = z.union([
  z.strictObject({
    status: statusSchema,
    code: z.string().min(1),
    details: z.union([z.string(), z.array(z.string())]),
    num: z.number().optional(),
  }),
  z.strictObject({ waf: z.enum(['html', 'json-block']), status: statusSchema }),
]);

const endpointNameSchema = z.string().refine((name) => ENDPOINT_NAMES.has(name), {
  message: `unknown endpoint; one of ${[...ENDPOINT_NAMES].join(', ')}`,
});

export const profileRuleSchema = z.strictObject({
  name: z.string().min(1),
  endpoint: z.union([endpointNameSchema, z.array(endpointNameSchema)]).optional(),
  when: conditionSchema,
  respond: ruleResponseSchema,
  explain: z.string().min(1),
});

export const modelSpecSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  chatTypes: z.array(z.string()).optional(),
  thinking: z.boolean().optional(),
  vision: z.boolean().optional(),
  maxContextLength: z.number().int().positive().optional(),
  maxGenerationLength: z.number().int().positive().optional(),
  description: z.string().optional(),
});

/** A profile file; `models` may be left out to use the default profile's list. */
export const profileFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().default(''),
  models: z.array(modelSpecSchema).min(1).optional(),
  rules: z.array(profileRuleSchema),
});

/** True for a WAF response, false for an error envelope. */
export function isWafResponse(response: RuleResponse): response is WafResponse {
  return 'waf' in response;
}

/** The endpoint names a rule applies to, or undefined for all. */
export function ruleEndpoints(rule: ProfileRule): readonly string[] | undefined {
  if (rule.endpoint === undefined) return undefined;
  return typeof rule.endpoint === 'string' ? [rule.endpoint] : rule.endpoint;
}
