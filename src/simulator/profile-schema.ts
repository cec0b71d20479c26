/**
 * What a simulator profile is: plain JSON-able data (models + ordered rules) and its zod schema, so a
 * profile can live in a JSON file that a user reads and edits. The rules engine (rules-engine.ts)
 * evaluates the conditions; nothing about chat.qwen.ai's quirks is hard-coded outside the profiles.
 */
import { z } from 'zod';
import type { FieldRef as AnyFieldRef, JsonValue } from '../common/index.js';
import { ENDPOINTS } from '../upstream/endpoints.js';
import { ERA_NAMES, type EraName, type FrontEndChoices } from '../upstream/eras.js';
import { conditionSchema, type Condition } from './conditions.js';

export type { Condition, JsonValue };

/** Where a rule looks: the request locations a rule can read. */
export type RuleLocation = 'query' | 'header' | 'cookie' | 'body';

/**
 * One field of a request. `path` is a query parameter, a header name (any case), a cookie name, or a
 * body path in the one body-path language (src/common/field-path.ts: `messages[0].chat_type`).
 */
export type FieldRef = AnyFieldRef<RuleLocation>;

/** An application error: the envelope `{"success":false,"request_id","data":{"code","details"}}`. */
export interface EnvelopeResponse {
  readonly status: number;
  readonly code: string;
  /** A string, or a list as some validation errors carry it. */
  readonly details: string | readonly string[];
  /** `RateLimited` carries hours to wait here. */
  readonly num?: number;
}

/**
 * The Aliyun WAF and baxia: `html` the block page; `json-block` the `FAIL_SYS_USER_VALIDATE` JSON of
 * 2026-06; `captcha` the same JSON with a punish URL (`action=captcha`) that leads to the simulator's
 * slider page (protocol.md §9.6); `forbidden` a bare 403 with no body (§9.7).
 */
export interface WafResponse {
  readonly waf: 'html' | 'json-block' | 'captcha' | 'forbidden';
  readonly status: number;
}

/**
 * The silent soft block (protocol.md §9.5): an event stream that says `response.created` and then
 * `finished` with no content and `output_tokens: 0`.
 */
export interface SoftBlockResponse {
  readonly softBlock: 'empty-stream';
  readonly status: number;
}

/** A page from the gateway in front of the API: `timeout-html` is alibaba-ga's 504 (protocol.md §9.20). */
export interface GatewayResponse {
  readonly gateway: 'timeout-html';
  readonly status: number;
}

export type RuleResponse = EnvelopeResponse | WafResponse | SoftBlockResponse | GatewayResponse;

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
  /**
   * `info.meta.think_skip.enable` (protocol.md §9.15): false for models that always think and refuse
   * `thinking_enabled:false`; the field is left out of the entry when absent.
   */
  readonly thinkSkip?: boolean;
}

/** How often a completion gets two interleaved answers (protocol.md §9.14): a rate, drawn from a seeded PRNG. */
export interface DualResponseSpec {
  /** 0 to 1. */
  readonly rate: number;
  /** The PRNG's seed, so a run is repeatable. */
  readonly seed: number;
}

/** The per-model daily quota of `POST /api/v2/users/user/entitlement_quota` (protocol.md §9.18). */
export interface QuotaSpec {
  /** Completions per model and account per day. */
  readonly timesPerModel: number;
  readonly userTier: string;
}

/**
 * Which page the simulator serves: `2025` the Open WebUI page, `2026` chat.qwen.ai's own page of
 * 2026 (web/web-page-2026.ts). Default `2025`.
 */
export type PageVersion = '2025' | '2026';

/**
 * What the drifts applied on top of the era changed outside the rules (src/simulator/drift/): the
 * page reads it so a browser keeps working, and the routes read the moved paths.
 */
export interface ProfileDrift {
  /** Drift names applied, oldest first. */
  readonly applied: readonly string[];
  /** The front end's version constants after a version bump (the page sends and shows these). */
  readonly client?: { readonly version: string; readonly bxV: string };
  /** Headers the page sends besides the era's (a newly required header). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Top-level completion body fields the page sends under a new name. */
  readonly renamedFields?: readonly { readonly from: string; readonly to: string }[];
  /** Endpoints served at a new path; their old path answers 404. */
  readonly movedEndpoints?: readonly { readonly endpoint: string; readonly from: string; readonly to: string }[];
}

export interface SimulatorProfile {
  readonly name: string;
  readonly description: string;
  /**
   * The era whose page and endpoints the simulator serves (src/upstream/eras.ts): which front end the
   * page speaks, and whether the 2026 anti-bot page (signing script, cookie jar, captcha) is there.
   * Default `qwen-2025-10`.
   */
  readonly era?: EraName;
  /** Overrides the era's choices where the sources disagree (message `model`, timestamp unit). */
  readonly frontEnd?: FrontEndChoices;
  readonly dualResponses?: DualResponseSpec;
  readonly quota?: QuotaSpec;
  /** The page the simulator serves; default `2025`. */
  readonly page?: PageVersion;
  /** Changes drifts made besides rules and models (absent until the simulator drifts). */
  readonly drift?: ProfileDrift;
  readonly models: readonly ModelSpec[];
  /** Evaluated in order against each /api request; the first match answers. */
  readonly rules: readonly ProfileRule[];
}

const ENDPOINT_NAMES = new Set(ENDPOINTS.map((e) => e.name));

const statusSchema = z.number().int().min(100).max(599);

export const ruleResponseSchema = z.union([
  z.strictObject({
    status: statusSchema,
    code: z.string().min(1),
    details: z.union([z.string(), z.array(z.string())]),
    num: z.number().optional(),
  }),
  z.strictObject({ waf: z.enum(['html', 'json-block', 'captcha', 'forbidden']), status: statusSchema }),
  z.strictObject({ softBlock: z.literal('empty-stream'), status: statusSchema }),
  z.strictObject({ gateway: z.literal('timeout-html'), status: statusSchema }),
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
  thinkSkip: z.boolean().optional(),
});

/** A profile file; `models` may be left out to use the default profile's list. */
export const profileFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().default(''),
  era: z.enum(ERA_NAMES).optional(),
  frontEnd: z
    .strictObject({ messageModel: z.enum(['model-id', 'empty']), completionTimestamp: z.enum(['ms', 's']) })
    .optional(),
  dualResponses: z.strictObject({ rate: z.number().min(0).max(1), seed: z.number().int() }).optional(),
  quota: z.strictObject({ timesPerModel: z.number().int().min(0), userTier: z.string().min(1) }).optional(),
  page: z.enum(['2025', '2026']).optional(),
  drift: z
    .strictObject({
      applied: z.array(z.string()),
      client: z.strictObject({ version: z.string().min(1), bxV: z.string().min(1) }).optional(),
      headers: z.record(z.string(), z.string()).optional(),
      renamedFields: z.array(z.strictObject({ from: z.string().min(1), to: z.string().min(1) })).optional(),
      movedEndpoints: z
        .array(
          z.strictObject({
            endpoint: endpointNameSchema,
            from: z.string().startsWith('/'),
            to: z.string().startsWith('/'),
          }),
        )
        .optional(),
    })
    .optional(),
  models: z.array(modelSpecSchema).min(1).optional(),
  rules: z.array(profileRuleSchema),
});

/** True for a WAF response. */
export function isWafResponse(response: RuleResponse): response is WafResponse {
  return 'waf' in response;
}

export function isSoftBlockResponse(response: RuleResponse): response is SoftBlockResponse {
  return 'softBlock' in response;
}

export function isGatewayResponse(response: RuleResponse): response is GatewayResponse {
  return 'gateway' in response;
}

/** The era a profile serves. */
export function profileEra(profile: SimulatorProfile): EraName {
  return profile.era ?? 'qwen-2025-10';
}

/** The endpoint names a rule applies to, or undefined for all. */
export function ruleEndpoints(rule: ProfileRule): readonly string[] | undefined {
  if (rule.endpoint === undefined) return undefined;
  return typeof rule.endpoint === 'string' ? [rule.endpoint] : rule.endpoint;
}
