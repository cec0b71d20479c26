/**
 * What a learnt node says, worked out from its counts: its JSON types, whether a key is required,
 * its format, its enum. One place for these rules, so that protocol.json, protocol.ts, the README,
 * `lint` and `compareProtocols` can never disagree about what was learnt.
 */
import type { ValueKind } from '../diff/index.js';
import { ID_LIKE_DISTINCT_SHARE } from './learn-rules.js';
import { MAX_ENUM_VALUES, type JsonTypeName, type ShapeNode } from './shape-node.js';

/** Kinds that say what a value looks like precisely enough to be a format (value-formats.ts). */
export const FORMAT_KINDS: ReadonlySet<ValueKind> = new Set<ValueKind>([
  'uuid',
  'jwt',
  'timestamp-ms',
  'timestamp-s',
  'date-string',
  'gzip-base64',
  'base64',
  'hex',
  'url',
]);

/** Kinds of plain strings: an enum holds these, and they count as one family when kinds are compared. */
const PLAIN_STRING_KINDS: ReadonlySet<ValueKind> = new Set<ValueKind>(['enum', 'text', 'empty']);

/** How many times a node was an object: what its keys' counts are measured against. */
export function objectCount(node: ShapeNode): number {
  return node.types.object ?? 0;
}

/** Is `child` present in every object `parent` was? */
export function isRequired(child: ShapeNode, parent: ShapeNode): boolean {
  const of = objectCount(parent);
  return of > 0 && child.seen >= of;
}

/** The JSON types seen, most frequent first. */
export function typesOf(node: ShapeNode): JsonTypeName[] {
  return (Object.keys(node.types) as JsonTypeName[])
    .filter((t) => (node.types[t] ?? 0) > 0)
    .sort((a, b) => (node.types[b] ?? 0) - (node.types[a] ?? 0) || a.localeCompare(b));
}

/** The JSON Schema `type`s: `integer` folds into `number` when both occurred. Sorted by name. */
export function schemaTypesOf(node: ShapeNode): JsonTypeName[] {
  const types = new Set(typesOf(node));
  if (types.has('number')) types.delete('integer');
  return [...types].sort();
}

/** The value kinds seen, most frequent first. */
export function kindsOf(node: ShapeNode): ValueKind[] {
  return (Object.keys(node.kinds) as ValueKind[])
    .filter((k) => (node.kinds[k] ?? 0) > 0)
    .sort((a, b) => (node.kinds[b] ?? 0) - (node.kinds[a] ?? 0) || a.localeCompare(b));
}

/** `enum`, `text` and `empty` are one family (`string`); every other kind is its own. */
export function kindFamily(kind: ValueKind): string {
  return PLAIN_STRING_KINDS.has(kind) ? 'string' : kind;
}

/** Strings and numbers seen: the values that have a kind. */
function scalarCount(node: ShapeNode): number {
  return (node.types.string ?? 0) + (node.types.integer ?? 0) + (node.types.number ?? 0);
}

/**
 * The format of a node: its one value kind when that kind is precise (`uuid`, `timestamp-s`, ...)
 * and every string or number had it; `bearer-jwt` when every one also carried `Bearer `.
 */
export function formatOf(node: ShapeNode): string | undefined {
  const kinds = kindsOf(node);
  if (kinds.length !== 1) return undefined;
  const kind = kinds[0]!;
  if (!FORMAT_KINDS.has(kind) || (node.kinds[kind] ?? 0) < scalarCount(node)) return undefined;
  if (node.bearer === 0) return kind;
  return node.bearer >= scalarCount(node) ? `bearer-${kind}` : undefined;
}

/**
 * The values of an enum, sorted, or undefined when the node is not one: only identifier-like
 * strings (and empty ones) that were all kept, at most `MAX_ENUM_VALUES` of them, and not so many
 * that each sample looks like it had its own (an id).
 */
export function enumOf(node: ShapeNode): string[] | undefined {
  if (!node.values || node.manyValues || node.values.size === 0) return undefined;
  const strings = node.types.string ?? 0;
  if (strings === 0 || scalarCount(node) !== strings) return undefined;
  if (kindsOf(node).some((k) => !PLAIN_STRING_KINDS.has(k) || k === 'text')) return undefined;
  let kept = 0;
  for (const count of node.values.values()) kept += count;
  if (kept !== strings) return undefined;
  const distinct = node.values.size;
  if (distinct > MAX_ENUM_VALUES) return undefined;
  if (distinct >= 3 && distinct > strings * ID_LIKE_DISTINCT_SHARE) return undefined;
  return [...node.values.keys()].sort();
}

/** `12 of 12`, `3 of 12`: how often a key was present among its parent's objects. */
export function presence(child: ShapeNode, parent: ShapeNode): string {
  return `${child.seen} of ${objectCount(parent)}`;
}
