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
import { fieldValue, requestedParent, type RequestFacts } from './request-facts.js';

/** What conditions may ask the simulator about (known chats, the model list, a chat's last turn). */
export interface RuleWorld {
  readonly modelIds: ReadonlySet<string>;
  /** True when `chatId` is a chat the caller (by token user id, if any) created and did not delete. */
  chatExists(chatId: string, userId: string | undefined): boolean;
  /** The chat's last `response_id`, null before the first turn; undefined for an unknown chat. */
  lastResponseId(chatId: string): string | null | undefined;
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
      return expected !== undefined && requestedParent(facts) !== expected;
    },
    fromOneKey: none,
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
