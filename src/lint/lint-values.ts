/**
 * How lint reads and shows a client's values: kinds as learn reads them (media types are enums),
 * remembered across the requests of one capture (tokens, cookies and paths repeat in every request;
 * decoding a JWT and matching volatile rules are the costly parts), and values in sentences short,
 * secrets by their kind only, fresh ids and times by their kind, so that the same issue in a
 * thousand requests reads the same and merges into one.
 */
import type { FieldLocation } from '../common/index.js';
import { classifyValue, describeKind, type ValueKind, type ValueKindInfo } from '../diff/index.js';
import {
  StringKinds,
  enumOf,
  kindFamily,
  kindsOf,
  stringKind,
  typesOf,
  type JsonTypeName,
  type ShapeNode,
} from '../learn/index.js';
import { findVolatileRule, VOLATILE_RULES, type VolatileRule } from '../upstream/volatile-rules.js';

const CACHE_LIMIT = 20_000;

/** The kind of any JSON value, strings read as learn reads them. */
export function valueKind(value: unknown): ValueKindInfo | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? stringKind(value) : classifyValue(value as never);
}

/** What a learnt node says, worked out once per lint (node-facts.ts sorts and counts on every call). */
export interface LearntFacts {
  readonly types: readonly JsonTypeName[];
  readonly kinds: readonly ValueKind[];
  /** Kind families (`string` for enum, text and empty), for comparing kinds. */
  readonly families: ReadonlySet<string>;
  /** The enum, when the node is one. */
  readonly values?: ReadonlySet<string>;
}

/** What one lint remembers across requests. */
export class LintContext {
  private readonly kinds = new StringKinds();
  private readonly rules = new Map<string, VolatileRule | null>();
  private readonly nodeRules = new WeakMap<object, VolatileRule | null>();
  private readonly nodeFacts = new WeakMap<ShapeNode, LearntFacts>();

  /** A learnt node's types, kinds and enum, remembered. */
  learnt(node: ShapeNode): LearntFacts {
    let facts = this.nodeFacts.get(node);
    if (!facts) {
      const kinds = kindsOf(node);
      const values = enumOf(node);
      facts = {
        types: typesOf(node),
        kinds,
        families: new Set(kinds.map(kindFamily)),
        ...(values ? { values: new Set(values) } : {}),
      };
      this.nodeFacts.set(node, facts);
    }
    return facts;
  }

  /** `valueKind`, tokens remembered. */
  kindOf(value: unknown): ValueKindInfo | undefined {
    return typeof value === 'string' ? this.kinds.of(value) : valueKind(value);
  }

  /**
   * The volatile rule of a learnt field, remembered per learnt node: a node stands for one field
   * path with `[*]` for indexes, and rules name array items with `[*]` too, so every index of it
   * has the same rule.
   */
  volatileRuleOf(node: object, location: FieldLocation, path: string, endpoint: string): VolatileRule | undefined {
    let rule = this.nodeRules.get(node);
    if (rule === undefined) this.nodeRules.set(node, (rule = this.volatileRule(location, path, endpoint) ?? null));
    return rule ?? undefined;
  }

  /** The volatile rule of a field (src/upstream/volatile-rules.ts), remembered per field. */
  volatileRule(location: FieldLocation, path: string, endpoint: string): VolatileRule | undefined {
    const key = `${location}\u0000${endpoint}\u0000${path}`;
    let rule = this.rules.get(key);
    if (rule === undefined) {
      rule = findVolatileRule(location, path, endpoint, VOLATILE_RULES) ?? null;
      if (this.rules.size >= CACHE_LIMIT) this.rules.clear();
      this.rules.set(key, rule);
    }
    return rule ?? undefined;
  }
}

/**
 * A value for a sentence: identifier-like strings, numbers, booleans and null as they are (`'t2t'`,
 * `50`); anything else by its kind (`a uuid`, `a text`, `a timestamp-ms`), secrets always so
 * (`a Bearer jwt, 209 chars`); containers by what they are (`an object`, `a list of 2`).
 */
export function showValue(value: unknown, info: ValueKindInfo | undefined, secret: boolean): string {
  if (value === undefined) return 'nothing';
  if (secret) return `a ${describeKind(info)}`;
  if (typeof value === 'string') {
    const kind = info?.kind ?? 'text';
    return (kind === 'enum' || kind === 'empty') && value.length <= 40 ? `'${value}'` : `a ${kind}`;
  }
  if (typeof value === 'number')
    return info?.kind === 'number' || info === undefined ? String(value) : `a ${info.kind}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
