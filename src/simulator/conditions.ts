/**
 * The simulator's condition language, defined once: each kind of condition is one row of
 * `CONDITION_KINDS` with its fields (a zod shape, which is also its JSON schema), its evaluator and
 * how the kind was written before conditions had a `kind` (one key per object: `{ missing: ref }`),
 * so that profile files of that form keep loading. The schema, the type and `evaluateCondition` are
 * all derived from the table: a new kind is one new row.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { JsonValue } from '../common/index.js';
import { BLOCK_KINDS, type BlockKind } from './anti-bot/escalation.js';
import { SIGNATURE_NAMES, type SignatureCheck, type SignatureName } from './anti-bot/signatures.js';
import { accountKey, fieldValue, requestedParent, type RequestFacts } from './request-facts.js';

/** What the anti-bot conditions ask: signatures, the cookies it issued, and what it answered each account. */
export interface AntiBotWorld {
  /** Unix ms. */
  now(): number;
  signature(name: SignatureName, facts: RequestFacts): SignatureCheck;
  /** When the simulator issued this cookie value (to this account, for `x5sec`); undefined when not ours. */
  cookieIssuedAt(name: string, value: string, account: string): number | undefined;
  /** The account that first presented this cookie value, if any. */
  cookieOwner(name: string, value: string): string | undefined;
  /** How many answers of this kind the account got at or after `sinceMs`. */
  blocks(account: string, kind: BlockKind, sinceMs: number): number;
}

/** What the 2026 turn conditions ask: open streams, forced thinking, quotas. */
export interface TurnWorld {
  /** True while a completion of this chat is streaming. */
  chatStreaming(chatId: string): boolean;
  /** Ids of models whose `think_skip.enable` is false. */
  readonly forcedThinkingModelIds: ReadonlySet<string>;
  /** Completions left today for the account and model; undefined without a quota. */
  timesLeft(account: string, model: string): number | undefined;
}

/** What conditions may ask the simulator about (known chats, the model list, a chat's last turn). */
export interface RuleWorld {
  readonly modelIds: ReadonlySet<string>;
  /** True when `chatId` is a chat the caller (by token user id, if any) created and did not delete. */
  chatExists(chatId: string, userId: string | undefined): boolean;
  /** The chat's last `response_id`, null before the first turn; undefined for an unknown chat. */
  lastResponseId(chatId: string): string | null | undefined;
  /** The other answers of the chat's last turn (the second of a dual response), which may be continued too. */
  alternateResponseIds?(chatId: string): readonly string[];
  /** Without it, anti-bot conditions never hold (nothing to check against). */
  readonly antiBot?: AntiBotWorld;
  /** Without it, the turn conditions of 2026 never hold. */
  readonly turns?: TurnWorld;
}

export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

/** A field of a request, as rules name it: `{ location, path }` (path in the common body-path language). */
const field = {
  location: z.enum(['query', 'header', 'cookie', 'body']),
  path: z.string().min(1),
};
const fieldSchema = z.strictObject(field);
type Field = z.infer<typeof fieldSchema>;

function userIdOf(facts: RequestFacts): string | undefined {
  return facts.token.kind === 'valid' || facts.token.kind === 'expired' ? facts.token.payload.id : undefined;
}

/** The chat a completion targets: the query's chat_id, else the body's. */
export function targetChatId(facts: RequestFacts): string | undefined {
  const q = fieldValue(facts, { location: 'query', path: 'chat_id' });
  if (typeof q === 'string' && q !== '') return q;
  const b = fieldValue(facts, { location: 'body', path: 'chat_id' });
  return typeof b === 'string' && b !== '' ? b : undefined;
}

/** The values of a shape's fields (every field of a condition is required). */
type ShapeValues<S extends z.ZodRawShape> = { readonly [P in keyof S]: z.output<S[P]> };

/** One kind of condition: its fields, when it holds, and how its one-key form read (see module comment). */
interface KindRow<S extends z.ZodRawShape> {
  readonly fields: S;
  /** One line for the schema's documentation and for `--help`-like listings. */
  readonly doc: string;
  readonly holds: (c: ShapeValues<S>, facts: RequestFacts, world: RuleWorld) => boolean;
  /** The fields from the value under the kind's key in the one-key form. */
  readonly fromOneKey: (value: unknown) => unknown;
}

const row = <S extends z.ZodRawShape>(r: KindRow<S>): KindRow<S> => r;

/** A cookie the request carries, or undefined. */
function cookie(facts: RequestFacts, name: string): string | undefined {
  return Object.hasOwn(facts.cookies, name) ? facts.cookies[name] : undefined;
}

/** Compiled patterns of `matches`, by source; a pattern that does not compile never matches. */
const patterns = new Map<string, RegExp | null>();
function pattern(source: string): RegExp | null {
  if (!patterns.has(source)) {
    let re: RegExp | null;
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    patterns.set(source, re);
  }
  return patterns.get(source) ?? null;
}
const asFields = (value: unknown): unknown => value;
const none = (): unknown => ({});

/**
 * The leaf conditions. A field that is absent is `missing`; it is never `equals`, and it counts as
 * `notIn` any list (the server cannot route on a value it lacks).
 */
const LEAF_KINDS = {
  always: row({ fields: {}, doc: 'always holds', holds: () => true, fromOneKey: none }),
  missing: row({
    fields: field,
    doc: 'the field is absent (an explicit JSON null is present)',
    holds: (c, facts) => fieldValue(facts, c) === undefined,
    fromOneKey: asFields,
  }),
  present: row({
    fields: field,
    doc: 'the field is present',
    holds: (c, facts) => fieldValue(facts, c) !== undefined,
    fromOneKey: asFields,
  }),
  equals: row({
    fields: { ...field, value: jsonValueSchema },
    doc: 'deep equality with a JSON value; header and cookie values are strings',
    holds: (c, facts) => {
      const v = fieldValue(facts, c);
      return v !== undefined && isDeepStrictEqual(v, c.value);
    },
    fromOneKey: asFields,
  }),
  in: row({
    fields: { ...field, values: z.array(jsonValueSchema) },
    doc: 'the field is present and one of the values',
    holds: (c, facts) => {
      const v = fieldValue(facts, c);
      return v !== undefined && c.values.some((x) => isDeepStrictEqual(v, x));
    },
    fromOneKey: asFields,
  }),
  notIn: row({
    fields: { ...field, values: z.array(jsonValueSchema) },
    doc: 'the field is absent or none of the values',
    holds: (c, facts) => {
      const v = fieldValue(facts, c);
      return v === undefined || !c.values.some((x) => isDeepStrictEqual(v, x));
    },
    fromOneKey: asFields,
  }),
  headerMissing: row({
    fields: { name: z.string().min(1) },
    doc: 'the request has no header of this name (any case)',
    holds: (c, facts) => !facts.headers.has(c.name),
    fromOneKey: (name) => ({ name }),
  }),
  cookieMissing: row({
    fields: { name: z.string().min(1) },
    doc: 'the request has no cookie of this name',
    holds: (c, facts) => !Object.hasOwn(facts.cookies, c.name),
    fromOneKey: (name) => ({ name }),
  }),
  notListedModel: row({
    fields: field,
    doc: "the value is not the id of a model in the profile's models (absent counts as not listed)",
    holds: (c, facts, world) => {
      const v = fieldValue(facts, c);
      return typeof v !== 'string' || !world.modelIds.has(v);
    },
    fromOneKey: asFields,
  }),
  unknownChat: row({
    fields: field,
    doc: 'the value is not a chat that the caller created (absent values never match: use missing)',
    holds: (c, facts, world) => {
      const v = fieldValue(facts, c);
      return typeof v === 'string' && !world.chatExists(v, userIdOf(facts));
    },
    fromOneKey: asFields,
  }),
  differ: row({
    fields: { fields: z.tuple([fieldSchema, fieldSchema]) },
    doc: 'both fields are present and differ (chat_id in the query and in the body)',
    holds: (c, facts) => {
      const [a, b] = c.fields.map((ref: Field) => fieldValue(facts, ref));
      return a !== undefined && b !== undefined && !isDeepStrictEqual(a, b);
    },
    fromOneKey: (fields) => ({ fields }),
  }),
  lengthNot: row({
    fields: { ...field, length: z.number().int().min(0) },
    doc: 'the field is not an array of exactly `length` items',
    holds: (c, facts) => {
      const v = fieldValue(facts, c);
      return !Array.isArray(v) || v.length !== c.length;
    },
    fromOneKey: asFields,
  }),
  token: row({
    fields: { state: z.enum(['missing', 'invalid', 'expired']) },
    doc: 'the state of the bearer token (Authorization header, else the token cookie)',
    holds: (c, facts) => facts.token.kind === c.state,
    fromOneKey: (state) => ({ state }),
  }),
  invalidJson: row({
    fields: {},
    doc: 'the body is not empty and not JSON',
    holds: (_c, facts) => facts.body.kind === 'invalid',
    fromOneKey: none,
  }),
  bodyLargerThan: row({
    fields: { bytes: z.number().int().min(0) },
    doc: 'the raw body is longer than this many bytes',
    holds: (c, facts) => Buffer.byteLength(facts.bodyText) > c.bytes,
    fromOneKey: (bytes) => ({ bytes }),
  }),
  parentMismatch: row({
    fields: {},
    doc: "the turn's parent (parent_id, else messages[0].parent_id/parentId) is not the chat's last response_id",
    holds: (_c, facts, world) => {
      const chatId = targetChatId(facts);
      const expected = chatId === undefined ? undefined : world.lastResponseId(chatId);
      // An unknown chat has no history to contradict; rules about chat existence judge it.
      if (expected === undefined) return false;
      const parent = requestedParent(facts);
      if (parent === expected) return false;
      // After a dual response the turn may continue either answer (protocol.md §9.14).
      return !(
        parent !== null &&
        chatId !== undefined &&
        (world.alternateResponseIds?.(chatId) ?? []).includes(parent)
      );
    },
    fromOneKey: none,
  }),
  matches: row({
    fields: { ...field, pattern: z.string().min(1) },
    doc: 'the field is a string that the regular expression matches (a message content, a header)',
    holds: (c, facts) => {
      const v = fieldValue(facts, c);
      return typeof v === 'string' && (pattern(c.pattern)?.test(v) ?? false);
    },
    fromOneKey: asFields,
  }),
  signatureInvalid: row({
    fields: { signature: z.enum(SIGNATURE_NAMES) },
    doc:
      'the baxia signature header is missing or does not verify (bx-ua: MAC and user agent; bx-umidtoken: MAC ' +
      'and cna cookie; bx-pp: MAC of the body)',
    holds: (c, facts, world) => (world.antiBot ? world.antiBot.signature(c.signature, facts).kind !== 'valid' : false),
    fromOneKey: (signature) => ({ signature }),
  }),
  signatureOlderThan: row({
    fields: { signature: z.enum(['bx-ua', 'bx-umidtoken']), seconds: z.number().int().min(0) },
    doc: 'the signature verifies but was made more than `seconds` ago',
    holds: (c, facts, world) => {
      const check = world.antiBot?.signature(c.signature, facts);
      return check?.kind === 'valid' && check.issuedAtMs !== undefined && world.antiBot !== undefined
        ? world.antiBot.now() - check.issuedAtMs > c.seconds * 1000
        : false;
    },
    fromOneKey: asFields,
  }),
  cookieNotFresh: row({
    fields: { name: z.string().min(1), seconds: z.number().int().min(0) },
    doc:
      'a cookie the simulator issues (acw_tc, x5sec) is absent, not issued by it (to this account), or older ' +
      'than `seconds`',
    holds: (c, facts, world) => {
      if (!world.antiBot) return false;
      const value = cookie(facts, c.name);
      const issued = value === undefined ? undefined : world.antiBot.cookieIssuedAt(c.name, value, accountKey(facts));
      return issued === undefined || world.antiBot.now() - issued > c.seconds * 1000;
    },
    fromOneKey: asFields,
  }),
  cookieShared: row({
    fields: { name: z.string().min(1) },
    doc: 'another account presented this cookie value first (acw_tc is one per account)',
    holds: (c, facts, world) => {
      const value = cookie(facts, c.name);
      const owner = value === undefined ? undefined : world.antiBot?.cookieOwner(c.name, value);
      return owner !== undefined && owner !== accountKey(facts);
    },
    fromOneKey: (name) => ({ name }),
  }),
  tlsFingerprintNotIn: row({
    fields: { ja4: z.array(z.string().min(1)) },
    doc: "the request came over TLS and its ClientHello's JA4 is none of these (never holds on plain HTTP)",
    holds: (c, facts) => facts.tls !== undefined && !c.ja4.includes(facts.tls.ja4),
    fromOneKey: (ja4) => ({ ja4 }),
  }),
  blocksAtLeast: row({
    fields: {
      block: z.enum(BLOCK_KINDS),
      count: z.number().int().min(1),
      withinSeconds: z.number().int().min(1),
    },
    doc: "the caller's account got at least `count` anti-bot answers of this kind in the last `withinSeconds`",
    holds: (c, facts, world) =>
      world.antiBot
        ? world.antiBot.blocks(accountKey(facts), c.block, world.antiBot.now() - c.withinSeconds * 1000) >= c.count
        : false,
    fromOneKey: asFields,
  }),
  chatStreaming: row({
    fields: {},
    doc: 'a completion of the target chat is still streaming (a chat takes one turn at a time)',
    holds: (_c, facts, world) => {
      const chatId = targetChatId(facts);
      return chatId !== undefined && (world.turns?.chatStreaming(chatId) ?? false);
    },
    fromOneKey: none,
  }),
  modelForcesThinking: row({
    fields: field,
    doc: 'the value names a model whose think_skip.enable is false (it always thinks)',
    holds: (c, facts, world) => {
      const v = fieldValue(facts, c);
      return typeof v === 'string' && (world.turns?.forcedThinkingModelIds.has(v) ?? false);
    },
    fromOneKey: asFields,
  }),
  quotaExhausted: row({
    fields: field,
    doc: "the caller's account has no completions left today for the model this field names",
    holds: (c, facts, world) => {
      const v = fieldValue(facts, c);
      return typeof v === 'string' && world.turns?.timesLeft(accountKey(facts), v) === 0;
    },
    fromOneKey: asFields,
  }),
} as const;

type LeafKinds = typeof LEAF_KINDS;
type LeafKind = keyof LeafKinds;

/** A leaf condition: `{ kind, ...fields }`. */
export type LeafCondition = {
  [K in LeafKind]: { readonly kind: K } & ShapeValues<LeafKinds[K]['fields']>;
}[LeafKind];

/** A condition: a leaf, or `all`/`any` of conditions, or `not` of one. */
export type Condition =
  | LeafCondition
  | { readonly kind: 'all'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'any'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'not'; readonly condition: Condition };

/** Every kind of condition, leaves and combinators, for documentation and checks. */
export const CONDITION_KIND_NAMES: readonly string[] = [...Object.keys(LEAF_KINDS), 'all', 'any', 'not'];

function oneKeyToKind(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'kind' in value) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const key = keys[0]!;
  const inner = (value as Record<string, unknown>)[key];
  if (key === 'all' || key === 'any')
    return { kind: key, conditions: Array.isArray(inner) ? inner.map(oneKeyToKind) : inner };
  if (key === 'not') return { kind: 'not', condition: oneKeyToKind(inner) };
  if (!Object.hasOwn(LEAF_KINDS, key)) return value;
  const fields = LEAF_KINDS[key as LeafKind].fromOneKey(inner);
  return typeof fields === 'object' && fields !== null ? { kind: key, ...fields } : { kind: key, value: fields };
}

const leafSchemas = (Object.keys(LEAF_KINDS) as LeafKind[]).map((kind) =>
  z.strictObject({ kind: z.literal(kind), ...LEAF_KINDS[kind].fields }),
);

/**
 * The schema of a condition, in the `kind` form. Values in the one-key form of earlier profile
 * files are migrated before they are checked, so `{ "missing": {...} }` still loads.
 */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.preprocess(
    oneKeyToKind,
    z.discriminatedUnion('kind', [
      ...(leafSchemas as unknown as [z.ZodObject<{ kind: z.ZodLiteral<'always'> }>]),
      z.strictObject({ kind: z.literal('all'), conditions: z.array(conditionSchema) }),
      z.strictObject({ kind: z.literal('any'), conditions: z.array(conditionSchema) }),
      z.strictObject({ kind: z.literal('not'), condition: conditionSchema }),
    ]),
  ),
) as z.ZodType<Condition>;

/** Does `condition` hold for this request? Never throws. */
export function evaluateCondition(condition: Condition, facts: RequestFacts, world: RuleWorld): boolean {
  switch (condition.kind) {
    case 'all':
      return condition.conditions.every((c) => evaluateCondition(c, facts, world));
    case 'any':
      return condition.conditions.some((c) => evaluateCondition(c, facts, world));
    case 'not':
      return !evaluateCondition(condition.condition, facts, world);
    default: {
      const kind = LEAF_KINDS[condition.kind] as KindRow<z.ZodRawShape> | undefined;
      return kind ? kind.holds(condition as never, facts, world) : false;
    }
  }
}
