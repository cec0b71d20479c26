/**
 * How lint reads and shows a client's values: kinds as learn reads them (media types are enums), and
 * values in sentences short, on one line, secrets by their kind only.
 */
import { classifyValue, describeKind, type ValueKindInfo } from '../diff/index.js';
import { stringKind } from '../learn/index.js';

/** The kind of any JSON value, strings read as learn reads them. */
export function valueKind(value: unknown): ValueKindInfo | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? stringKind(value) : classifyValue(value as never);
}

/** `'t2t'`, `a 130-char text`, `a Bearer jwt, 209 chars` (secrets), `an object`, `[…]`. */
export function showValue(value: unknown, info: ValueKindInfo | undefined, secret: boolean): string {
  if (value === undefined) return 'nothing';
  if (secret) return `a ${describeKind(info)}`;
  if (typeof value === 'string')
    return value.length <= 40 ? `'${value}'` : `a ${value.length}-char ${info?.kind ?? 'string'}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
