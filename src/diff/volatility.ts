/**
 * Which fields are volatile (fresh on every send) and how their values compare: by kind, not by
 * value. Two sources: the protocol model's VOLATILE_RULES, and fields whose values differ between
 * working requests of the same endpoint in GOOD ("learned"). A fresh uuid against a fresh uuid is
 * noise; a JWT against a gzip+base64 blob is a finding.
 */
import { joinPath, type FieldLocation } from '../common/index.js';
import { findVolatileRule, type VolatileKind, type VolatileRule } from '../upstream/volatile-rules.js';
import type { JsonValue, ValueKind, ValueKindInfo } from './finding.js';
import { bodyValue, type NormalizedRequest } from './normalize-request.js';
import { classifyValue } from './value-kind.js';

/** Why a field is volatile and what kind a fresh value has (absent for learned fields). */
export interface VolatileField {
  readonly reason: string;
  readonly kind?: VolatileKind;
}

/** Fields learned volatile, keyed by pairing key, then `location path` with indexes as `[*]`. */
export type LearnedVolatility = ReadonlyMap<string, ReadonlySet<string>>;

/** How many working requests per pairing key are sampled to learn volatile fields. */
export const LEARN_SAMPLE = 20;

// A working capture that used two chat types or two models proves nothing about a third value, so
// enum-like fields are never learned volatile: they are the likeliest culprits.
const NEVER_LEARNED: ReadonlySet<ValueKind> = new Set(['enum', 'boolean', 'null', 'empty', 'object', 'array']);
const ID_KINDS: ReadonlySet<ValueKind> = new Set(['null', 'uuid', 'hex', 'enum', 'base64', 'number', 'secret']);

/** `messages[3].fid` → `messages[*].fid`. */
function genericPath(path: string): string {
  return path.replace(/\[\d+\]/g, '[*]');
}

function learnedKey(location: FieldLocation, path: string): string {
  return `${location} ${location === 'header' || location === 'cookie' ? path.toLowerCase() : genericPath(path)}`;
}

// `findVolatileRule` compiles a RegExp per rule per call; captures ask about the same few hundred
// paths again and again, so answers are memoised per rule list (bounded, cleared when full).
const ruleCache = new WeakMap<readonly VolatileRule[], Map<string, VolatileRule | null>>();
const RULE_CACHE_LIMIT = 50_000;

function cachedVolatileRule(
  location: FieldLocation,
  path: string,
  endpoint: string | undefined,
  rules: readonly VolatileRule[],
): VolatileRule | undefined {
  let cache = ruleCache.get(rules);
  if (!cache) ruleCache.set(rules, (cache = new Map()));
  const key = `${location}\u0000${endpoint ?? ''}\u0000${path}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = findVolatileRule(location, path, endpoint, rules) ?? null;
    if (cache.size >= RULE_CACHE_LIMIT) cache.clear();
    cache.set(key, hit);
  }
  return hit ?? undefined;
}

/** The volatile rule or learned fact for a field, if any. */
export function volatileField(
  location: FieldLocation,
  path: string,
  endpoint: string | undefined,
  pairKey: string,
  rules: readonly VolatileRule[],
  learned: LearnedVolatility,
): VolatileField | undefined {
  const rule = cachedVolatileRule(location, path, endpoint, rules);
  if (rule) return { reason: rule.reason, kind: rule.kind };
  if (learned.get(pairKey)?.has(learnedKey(location, path)))
    return { reason: 'its value differs between working requests too' };
  return undefined;
}

/** Do two values of a volatile field have compatible kinds? */
export function kindsCompatible(
  field: VolatileField,
  good: ValueKindInfo | undefined,
  bad: ValueKindInfo | undefined,
): boolean {
  if (!good || !bad) return false;
  if (Boolean(good.bearer) !== Boolean(bad.bearer)) return false;
  // A redactor that did not record the kind hides it: give it the benefit of the doubt.
  if (good.kind === 'secret' || bad.kind === 'secret') return true;
  if (field.kind === 'opaque')
    return good.kind !== 'empty' && bad.kind !== 'empty' && isStringKind(good.kind) === isStringKind(bad.kind);
  if (field.kind === 'id') return ID_KINDS.has(good.kind) && ID_KINDS.has(bad.kind);
  return good.kind === bad.kind;
}

function isStringKind(kind: ValueKind): boolean {
  return !['number', 'boolean', 'null', 'object', 'array', 'timestamp-ms', 'timestamp-s'].includes(kind);
}

/** Scalar leaves of a request as `location path` → canonical value text. */
function leaves(request: NormalizedRequest): Map<string, string> {
  const out = new Map<string, string>();
  const add = (location: FieldLocation, path: string, value: JsonValue) => {
    if (NEVER_LEARNED.has(classifyValue(value)!.kind)) return;
    const key = learnedKey(location, path);
    if (!out.has(key)) out.set(key, JSON.stringify(value));
  };
  for (const h of request.headers) add('header', h.name, h.value);
  for (const c of request.cookies) add('cookie', c.name, c.value);
  for (const [name, value] of Object.entries(request.query)) add('query', name, value);
  const walk = (value: JsonValue, path: string): void => {
    if (Array.isArray(value)) (value as readonly JsonValue[]).forEach((v, i) => walk(v, joinPath(path, i)));
    else if (value !== null && typeof value === 'object')
      for (const key of Object.keys(value)) walk((value as Record<string, JsonValue>)[key]!, joinPath(path, key));
    else add('body', path, value);
  };
  const body = bodyValue(request.body);
  if (body !== undefined && (request.body.kind === 'json' || request.body.kind === 'form')) walk(body, '');
  return out;
}

/**
 * Learns volatile fields from the working requests: for each pairing key with two or more requests,
 * a scalar field whose value differs between them (sampling the first `LEARN_SAMPLE`) is volatile.
 */
export function learnVolatility(groups: ReadonlyMap<string, readonly NormalizedRequest[]>): LearnedVolatility {
  const learned = new Map<string, Set<string>>();
  for (const [key, requests] of groups) {
    if (requests.length < 2) continue;
    const sample = requests.slice(0, LEARN_SAMPLE).map(leaves);
    const varying = new Set<string>();
    const first = sample[0]!;
    for (const [field, value] of first) {
      if (sample.some((other) => other.has(field) && other.get(field) !== value)) varying.add(field);
    }
    if (varying.size > 0) learned.set(key, varying);
  }
  return learned;
}
