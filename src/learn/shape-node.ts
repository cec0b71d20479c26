/**
 * What learning keeps about one place in a request or response: a node of an observation tree. A
 * node counts how often the place was present, which JSON types and value kinds it held, and, for
 * fields that may be enums, which values; objects have a child per key, arrays one child for all
 * their items. The tree is the evidence: JSON Schema, the zod module, the README, `lint` and
 * `compareProtocols` all read their facts from it (node-facts.ts), and two trees merge by adding.
 */
import type { FieldLocation } from '../common/index.js';
import type { ValueKind } from '../diff/index.js';

/** JSON types as JSON Schema names them; `integer` for whole numbers, `number` for the rest. */
export type JsonTypeName = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'object' | 'array';

/** How many times each name occurred. */
export type Counts<K extends string = string> = Readonly<Partial<Record<K, number>>>;

/** One place of a request or response, learnt from samples. Plain data; build it with `NodeBuilder`. */
export interface ShapeNode {
  /** How many times the place was present (JSON null counts as present). */
  readonly seen: number;
  /** JSON types, with how often each occurred. */
  readonly types: Counts<JsonTypeName>;
  /** Value kinds of strings and numbers (src/diff/value-kind.ts), with counts. */
  readonly kinds: Counts<ValueKind>;
  /** Values that carried an auth scheme (`Bearer …`). */
  readonly bearer: number;
  /**
   * Distinct values with counts, kept for enum candidates only: short identifier-like strings of a
   * field that is neither secret, volatile nor free text (learn-rules.ts). Absent when none was kept.
   */
  readonly values?: ReadonlyMap<string, number>;
  /** True once more distinct values came than an enum may have; `values` is then dropped. */
  readonly manyValues?: true;
  /** Children of an object, by key, in the order first seen. */
  readonly keys?: ReadonlyMap<string, ShapeNode>;
  /** The items of an array, all positions together. */
  readonly items?: ShapeNode;
}

/** Most distinct values an enum may have; one more and the field is open. */
export const MAX_ENUM_VALUES = 12;

/** A node while it is being learnt: mutable, and it knows whether it may keep values. */
export interface NodeBuilder {
  seen: number;
  types: Partial<Record<JsonTypeName, number>>;
  kinds: Partial<Record<ValueKind, number>>;
  bearer: number;
  values?: Map<string, number>;
  manyValues?: true;
  keys?: Map<string, NodeBuilder>;
  items?: NodeBuilder;
  /** Where the field lives, and its path with `[0]` for every array level (as rules match paths). */
  readonly location: FieldLocation;
  readonly path: string;
  /** False for secret, volatile and free-text fields: their values are never kept (learn-rules.ts). */
  readonly keepsValues: boolean;
}

/** A fresh, empty node. */
export function newNode(location: FieldLocation, path: string, keepsValues: boolean): NodeBuilder {
  return { seen: 0, types: {}, kinds: {}, bearer: 0, location, path, keepsValues };
}

/** Adds one to a count. */
export function bump<K extends string>(counts: Partial<Record<K, number>>, key: K, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Counts one value for an enum candidate, dropping the list once it grows past `MAX_ENUM_VALUES`. */
export function keepValue(node: NodeBuilder, value: string): void {
  if (node.manyValues) return;
  const values = (node.values ??= new Map());
  values.set(value, (values.get(value) ?? 0) + 1);
  if (values.size > MAX_ENUM_VALUES) {
    delete node.values;
    node.manyValues = true;
  }
}

/** The JSON type name of a parsed value. */
export function jsonTypeOf(value: unknown): JsonTypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

function addCounts<K extends string>(a: Counts<K>, b: Counts<K>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = { ...a };
  for (const key of Object.keys(b) as K[]) out[key] = (out[key] ?? 0) + (b[key] ?? 0);
  return out;
}

/** Two nodes as one, as if every sample of both had been learnt together. */
export function mergeNodes(a: ShapeNode | undefined, b: ShapeNode | undefined): ShapeNode | undefined {
  if (!a) return b;
  if (!b) return a;
  let values: Map<string, number> | undefined;
  let manyValues = a.manyValues === true || b.manyValues === true;
  if (!manyValues && (a.values || b.values)) {
    values = new Map(a.values);
    for (const [value, count] of b.values ?? []) values.set(value, (values.get(value) ?? 0) + count);
    if (values.size > MAX_ENUM_VALUES) {
      values = undefined;
      manyValues = true;
    }
  }
  let keys: Map<string, ShapeNode> | undefined;
  if (a.keys || b.keys) {
    keys = new Map(a.keys);
    for (const [key, child] of b.keys ?? []) keys.set(key, mergeNodes(keys.get(key), child)!);
  }
  const items = mergeNodes(a.items, b.items);
  return {
    seen: a.seen + b.seen,
    types: addCounts(a.types, b.types),
    kinds: addCounts(a.kinds, b.kinds),
    bearer: a.bearer + b.bearer,
    ...(values ? { values } : {}),
    ...(manyValues ? { manyValues: true as const } : {}),
    ...(keys ? { keys } : {}),
    ...(items ? { items } : {}),
  };
}

/** A builder as plain data (where it lives and whether it keeps values is the learner's business only). */
export function freezeNode(node: NodeBuilder): ShapeNode {
  const keys = node.keys ? new Map([...node.keys].map(([k, child]) => [k, freezeNode(child)])) : undefined;
  return {
    seen: node.seen,
    types: { ...node.types },
    kinds: { ...node.kinds },
    bearer: node.bearer,
    ...(node.values ? { values: new Map(node.values) } : {}),
    ...(node.manyValues ? { manyValues: true as const } : {}),
    ...(keys ? { keys } : {}),
    ...(node.items ? { items: freezeNode(node.items) } : {}),
  };
}
