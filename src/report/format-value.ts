/**
 * How every diff report shows a value: short, on one line, and never a secret. A field the diff
 * marked secret (authorization, cookies, tokens) shows as its redacted stand-in (`«jwt 209 chars exp
 * 2026-12-01»`); any JWT-looking text elsewhere is replaced the same way, as a second line of defence
 * for captures that were never redacted.
 */
import { describeSecret, formatSecret, isRedactedValue } from '../exchange/redact.js';
import { secretNameMatcher } from '../exchange/secret-names.js';
import type { Finding, JsonValue, ValueKindInfo } from '../diff/finding.js';

const JWT_ANYWHERE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const isSecretName = secretNameMatcher();

/** The stand-in for a secret string, keeping an auth scheme (`Bearer «jwt 209 chars»`). */
export function secretStandIn(value: string): string {
  const scheme = /^(Bearer|Basic|Token)\s+/i.exec(value);
  const rest = scheme ? value.slice(scheme[0].length) : value;
  const standIn = isRedactedValue(rest) ? rest : formatSecret(describeSecret(rest));
  return scheme ? `${scheme[0]}${standIn}` : standIn;
}

/** Replaces JWT-looking substrings with their stand-ins. */
export function scrubText(text: string): string {
  return text.includes('eyJ') ? text.replace(JWT_ANYWHERE, (m) => formatSecret(describeSecret(m))) : text;
}

/** A value safe to put in a report: secrets as stand-ins, containers scrubbed recursively. */
export function safeValue(value: JsonValue | undefined, secret: boolean): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (secret)
    return typeof value === 'string' ? secretStandIn(value) : `«${Array.isArray(value) ? 'list' : typeof value}»`;
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map((v: JsonValue) => safeValue(v, false)!);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, JsonValue>)[key]!;
      Object.defineProperty(out, key, {
        value: safeValue(v, isSecretName(key)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** One-line display of a value, at most `max` characters: strings quoted, JSON compact. */
export function displayValue(value: JsonValue | undefined, secret: boolean, max = 60): string {
  if (value === undefined) return '—';
  const safe = safeValue(value, secret)!;
  const text = typeof safe === 'string' ? (secret || isRedactedValue(safe) ? safe : `'${safe}'`) : JSON.stringify(safe);
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, Math.max(1, max - 1))}…` : flat;
}

/** The side of a finding as displayed. */
export function findingSide(f: Finding, side: 'good' | 'bad', max = 60): string {
  return displayValue(side === 'good' ? f.good : f.bad, f.secret, max);
}

/** `jwt, 209 chars, exp 2026-12-01`. */
export function describeKindInfo(info: ValueKindInfo | undefined): string {
  if (!info) return 'absent';
  const parts: string[] = [info.bearer ? `Bearer ${info.kind}` : info.kind];
  if (info.length !== undefined && !['object', 'array', 'null', 'boolean'].includes(info.kind))
    parts.push(`${info.length} chars`);
  if (info.exp) parts.push(`exp ${info.exp}`);
  return parts.join(', ');
}

/** `body messages[0].chat_type`, `header order`. */
export function findingLabel(f: Pick<Finding, 'id' | 'location' | 'path'>): string {
  if (f.id === 'header-order') return 'header order';
  return f.path === '' ? f.location : `${f.location} ${f.path}`;
}

/** Shortens a URL for a one-line header: path and query, with long query values cut. */
export function shortUrl(url: string, max = 70): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(.*)$/i.exec(url);
  const rest = scrubText(m ? m[1] || '/' : url);
  return rest.length > max ? `${rest.slice(0, max - 1)}…` : rest;
}
