/**
 * What a value looks like: uuid, JWT (with its expiry), ms/s timestamps, gzip+base64, base64, hex,
 * url, number, enum-like string, free text. Volatile fields compare by kind rather than value, and
 * a kind change where the kind is expected (a JWT vs a gzip+base64 blob) is itself a finding.
 * A value the capture already redacted (`«jwt 209 chars exp …»`) counts as the kind it hides.
 */
import { isRedactedValue, parseRedactedValue } from '../exchange/redact.js';
import type { JsonValue, ValueKind, ValueKindInfo } from './finding.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWT = /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const JS_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const HEX = /^[0-9a-f]{16,}$/i;
const BASE64 = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
const ENUM_LIKE = /^[\w.:+/@-]{1,40}$/;
const NUMERIC = /^\d{9,14}$/;
const AUTH_SCHEME = /^(Bearer|Basic|Token)\s+/i;

const KNOWN_KINDS = new Set<string>([
  'uuid',
  'jwt',
  'timestamp-ms',
  'timestamp-s',
  'date-string',
  'gzip-base64',
  'base64',
  'hex',
  'url',
  'number',
  'boolean',
  'null',
  'enum',
  'text',
  'empty',
  'object',
  'array',
  'binary',
]);

// Captures repeat the same tokens, cookies and enum values thousands of times; JWT decoding is the
// expensive part, so string results are memoised (bounded, cleared when full).
const cache = new Map<string, ValueKindInfo>();
const ONE_OFF_KINDS: ReadonlySet<ValueKind> = new Set([
  'uuid',
  'timestamp-ms',
  'timestamp-s',
  'date-string',
  'url',
  'hex',
]);
const CACHE_LIMIT = 20_000;

// Kind facts are tiny and few (a uuid is always `uuid, 36 chars`): one shared, frozen object per
// distinct description, so that a diff of thousands of fresh ids does not allocate one per value.
const interned = new Map<string, ValueKindInfo>();

function intern(info: ValueKindInfo): ValueKindInfo {
  const key = `${info.kind}|${info.length ?? ''}|${info.exp ?? ''}|${info.bearer ? 1 : 0}|${info.redacted ? 1 : 0}`;
  let hit = interned.get(key);
  if (!hit) {
    if (interned.size >= 10_000) interned.clear();
    interned.set(key, (hit = Object.freeze(info)));
  }
  return hit;
}

/** The kind of a JSON value. Returned objects are shared and frozen. */
export function classifyValue(value: JsonValue | undefined): ValueKindInfo | undefined {
  if (value === undefined) return undefined;
  if (value === null) return intern({ kind: 'null' });
  if (typeof value === 'boolean') return intern({ kind: 'boolean' });
  if (typeof value === 'number') return intern({ kind: numberKind(value) });
  if (typeof value === 'string') return classifyString(value);
  if (Array.isArray(value)) return intern({ kind: 'array', length: value.length });
  return intern({ kind: 'object', length: Object.keys(value).length });
}

function numberKind(n: number): ValueKind {
  if (!Number.isInteger(n)) return 'number';
  // 2001-09-09 .. 2286 in seconds, 2001 .. 5138 in ms: realistic send times, not counters.
  if (n >= 1e12 && n < 1e14) return 'timestamp-ms';
  if (n >= 1e9 && n < 1e10) return 'timestamp-s';
  return 'number';
}

/** The kind of a string; `Bearer <x>` is the kind of `<x>` with `bearer: true`. */
export function classifyString(value: string): ValueKindInfo {
  const hit = cache.get(value);
  if (hit) return hit;
  const info = intern(classifyUncached(value));
  // Fresh ids and times are one-offs: caching them would only push out the values that repeat.
  if (value.length <= 4096 && !ONE_OFF_KINDS.has(info.kind)) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(value, info);
  }
  return info;
}

function classifyUncached(value: string): ValueKindInfo {
  const scheme = AUTH_SCHEME.exec(value);
  if (scheme) return { ...classifyString(value.slice(scheme[0].length)), bearer: true };
  if (isRedactedValue(value)) {
    const parsed = parseRedactedValue(value);
    if (parsed) {
      const name = parsed.kind === 'gzip+base64' ? 'gzip-base64' : parsed.kind;
      const kind = (KNOWN_KINDS.has(name) ? name : 'secret') as ValueKind;
      return { kind, length: parsed.length, ...(parsed.exp ? { exp: parsed.exp } : {}), redacted: true };
    }
  }
  const length = value.length;
  if (length === 0) return { kind: 'empty', length };
  if (length > LONG_VALUE_CHARS) return { kind: classifyLong(value), length };
  if (UUID.test(value)) return { kind: 'uuid', length };
  if (JWT.test(value)) {
    const jwt = jwtFacts(value);
    if (jwt) return { kind: 'jwt', length, ...(jwt.exp ? { exp: jwt.exp } : {}) };
  }
  if (NUMERIC.test(value)) {
    const kind = numberKind(Number(value));
    if (kind !== 'number') return { kind, length };
  }
  if (URL_LIKE.test(value)) return { kind: 'url', length };
  if (JS_DATE.test(value) || ISO_DATE.test(value)) return { kind: 'date-string', length };
  // gzip's magic bytes 1f 8b 08 are "H4sI" in base64: the seed's "compressed" token.
  if (value.startsWith('H4sI') && BASE64.test(value)) return { kind: 'gzip-base64', length };
  if (HEX.test(value) && length % 2 === 0) return { kind: 'hex', length };
  if (BASE64.test(value) && looksEncoded(value)) return { kind: 'base64', length };
  if (ENUM_LIKE.test(value)) return { kind: 'enum', length };
  return { kind: 'text', length };
}

/**
 * Values longer than this are classified by one linear scan instead of the regexes above: V8 runs
 * a pattern like `^[A-Za-z0-9_-]{8,}\.` with a backtracking stack that overflows ("Maximum call
 * stack size exceeded") on a value of a few megabytes, and no id, token or timestamp is that long.
 */
const LONG_VALUE_CHARS = 64 * 1024;

/** The kind of a long value: gzip+base64, hex, base64, url or text, as the regexes would say. */
function classifyLong(value: string): ValueKind {
  let hex = true;
  let base64 = true;
  let space = false;
  let padding = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const lower = c >= 97 && c <= 122;
    const upper = c >= 65 && c <= 90;
    if (c === 61) padding++;
    else if (padding > 0) base64 = false; // `=` only at the end
    if (!(digit || (lower && c <= 102) || (upper && c <= 70))) hex = false;
    if (!(digit || lower || upper || c === 43 || c === 47 || c === 95 || c === 45 || c === 61)) base64 = false;
    if (c === 32 || c === 9 || c === 10 || c === 13) space = true;
    if (!hex && !base64 && space) break;
  }
  if (padding > 2) base64 = false;
  if (base64 && value.startsWith('H4sI')) return 'gzip-base64';
  if (hex && value.length % 2 === 0) return 'hex';
  if (base64 && looksEncoded(value.slice(0, 4096))) return 'base64';
  if (!space && /^[a-z][a-z0-9+.-]{0,30}:\/\//i.test(value.slice(0, 40))) return 'url';
  return 'text';
}

// An identifier like `qwen3-235b-a22b` matches the base64 alphabet too; encoded data mixes cases
// and digits or carries base64's own punctuation.
function looksEncoded(value: string): boolean {
  if (/[=+/]/.test(value)) return true;
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value) && value.length >= 20;
}

function jwtFacts(value: string): { exp?: string } | undefined {
  const [head, payload] = value.split('.');
  try {
    const header = JSON.parse(Buffer.from(head!, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null || !('alg' in header || 'typ' in header)) return undefined;
    const body = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { exp?: unknown };
    const exp = typeof body?.exp === 'number' && Number.isFinite(body.exp) ? new Date(body.exp * 1000) : undefined;
    // YYYY-MM-DD, as the redactor writes it, so a raw and a redacted token describe alike.
    return exp && !Number.isNaN(exp.getTime()) && Math.abs(body.exp as number) < 1e11
      ? { exp: exp.toISOString().slice(0, 10) }
      : {};
  } catch {
    return undefined;
  }
}

/** Enum-like values: short identifiers, booleans and null. A change of one is the likeliest culprit. */
export function isEnumLike(info: ValueKindInfo | undefined): boolean {
  return info !== undefined && (info.kind === 'enum' || info.kind === 'boolean' || info.kind === 'null');
}

/** The JSON type of a value, for type-change detection. */
export function jsonType(
  value: JsonValue | undefined,
): 'missing' | 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'boolean' | 'number' | 'string' | 'object';
}

/** `jwt, 209 chars, exp 2026-12-01`: a value's kind as reports and sentences print it. */
export function describeKind(info: ValueKindInfo | undefined): string {
  if (!info) return 'absent';
  const parts: string[] = [info.bearer ? `Bearer ${info.kind}` : info.kind];
  if (info.length !== undefined && !['object', 'array', 'null', 'boolean'].includes(info.kind))
    parts.push(`${info.length} chars`);
  if (info.exp) parts.push(`exp ${info.exp.slice(0, 10)}`);
  return parts.join(', ');
}
