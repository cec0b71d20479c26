/**
 * What a secret looks like without showing it. A redacted value keeps its kind and length, e.g.
 * `«jwt 209 chars exp 2026-12-01»`, `«gzip+base64 312 chars»`, `«uuid»`, so a report can still say
 * "both requests sent a jwt, the failing one an expired one" and the diff can compare by kind.
 */

/** Kinds of secret values, from the most to the least specific. */
export type SecretKind = 'jwt' | 'uuid' | 'hex' | 'gzip+base64' | 'base64' | 'opaque';

/** A secret described by its shape. */
export interface SecretDescription {
  readonly kind: SecretKind;
  /** Length in characters (UTF-16 code units, as `String.length`). */
  readonly length: number;
  /** For a jwt with a readable `exp` claim: the expiry date, `YYYY-MM-DD` (UTC). */
  readonly exp?: string;
}

const JWT = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
/** Below this length hex and base64 are too likely by chance (`cafe`, `hello123`) to mean anything. */
const MIN_ENCODED_LENGTH = 16;

const REDACTED = /^«(?:uuid|(jwt|hex|gzip\+base64|base64|opaque) (\d+) chars(?: exp (\d{4}-\d{2}-\d{2}))?)»$/;

/** Classifies a secret value by its shape (never by where it was found). */
export function describeSecret(value: string): SecretDescription {
  const length = value.length;
  if (JWT.test(value)) {
    const exp = jwtExpiry(value);
    return exp === undefined ? { kind: 'jwt', length } : { kind: 'jwt', length, exp };
  }
  if (UUID.test(value)) return { kind: 'uuid', length };
  if (length >= MIN_ENCODED_LENGTH && HEX.test(value)) return { kind: 'hex', length };
  if (length >= 4 && (BASE64.test(value) || BASE64URL.test(value)) && isGzip(value))
    return { kind: 'gzip+base64', length };
  if (length >= MIN_ENCODED_LENGTH && length % 4 === 0 && BASE64.test(value)) return { kind: 'base64', length };
  return { kind: 'opaque', length };
}

/** The text that stands in for a secret: `«kind N chars»`, `«jwt N chars exp YYYY-MM-DD»`, `«uuid»`. */
export function formatSecret(description: SecretDescription): string {
  if (description.kind === 'uuid') return '«uuid»';
  const exp = description.exp === undefined ? '' : ` exp ${description.exp}`;
  return `«${description.kind} ${description.length} chars${exp}»`;
}

/** The stand-in for a secret value; a value that is already a stand-in is returned as it is. */
export function redactSecret(value: string): string {
  return isRedactedValue(value) ? value : formatSecret(describeSecret(value));
}

/** True for a stand-in written by `formatSecret`. */
export function isRedactedValue(value: string): boolean {
  return REDACTED.test(value);
}

/** Reads a stand-in back, or undefined when the value is not one. A uuid has length 36. */
export function parseRedactedValue(value: string): SecretDescription | undefined {
  const match = REDACTED.exec(value);
  if (!match) return undefined;
  if (match[1] === undefined) return { kind: 'uuid', length: 36 };
  const description = { kind: match[1] as SecretKind, length: Number(match[2]) };
  return match[3] === undefined ? description : { ...description, exp: match[3] };
}

/** The `exp` claim of a JWT as `YYYY-MM-DD`; undefined when the payload cannot be read. */
function jwtExpiry(token: string): string | undefined {
  const payload = token.split('.')[1] ?? '';
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
    // toISOString throws for out-of-range dates (caught below) and writes years past 9999 as +010000.
    const day = new Date(exp * 1000).toISOString().slice(0, 10);
    return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined;
  } catch {
    return undefined;
  }
}

/** gzip data starts with the magic bytes 1f 8b. Node's base64 decoder also takes base64url. */
function isGzip(value: string): boolean {
  const bytes = Buffer.from(value.slice(0, 8), 'base64');
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
