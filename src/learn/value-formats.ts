/**
 * The formats a learnt schema uses, as checks other tools can run: each value kind that is a format
 * (node-facts.ts `FORMAT_KINDS`) as a regular expression for strings and, for timestamps, a range
 * for numbers. `bearer-<kind>` is the same behind an auth scheme (`Bearer eyJ…`). The generated zod
 * module and tests with ajv use these; they accept at least what src/diff/value-kind.ts classifies as
 * the kind (a test checks that), so a client is never held to more than the browser showed.
 */

/** A format's check: a pattern for strings, bounds for numbers. */
export interface FormatCheck {
  /** Unanchored pattern source; anchor it as `^(?:…)$`. */
  readonly pattern: string;
  readonly flags: '' | 'i';
  /** For numeric timestamps: inclusive bounds. */
  readonly minimum?: number;
  readonly maximum?: number;
}

/** The auth schemes value-kind.ts strips (`Bearer <x>` is the kind of `<x>`). */
export const AUTH_SCHEME_PATTERN = '(?:Bearer|Basic|Token)\\s+';

export const VALUE_FORMATS: Readonly<Record<string, FormatCheck>> = {
  uuid: { pattern: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', flags: 'i' },
  jwt: { pattern: '[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*', flags: '' },
  'timestamp-ms': { pattern: '\\d{13,14}', flags: '', minimum: 1e12, maximum: 1e14 - 1 },
  'timestamp-s': { pattern: '\\d{10}', flags: '', minimum: 1e9, maximum: 1e10 - 1 },
  'date-string': {
    pattern:
      '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \\d{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT[+-]\\d{4}.*' +
      '|\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?',
    flags: '',
  },
  'gzip-base64': { pattern: 'H4sI[A-Za-z0-9+/_-]{12,}={0,2}', flags: '' },
  base64: { pattern: '[A-Za-z0-9+/_-]{16,}={0,2}', flags: '' },
  hex: { pattern: '[0-9a-f]{16,}', flags: 'i' },
  url: { pattern: '[a-z][a-z0-9+.-]*:\\/\\/\\S+', flags: 'i' },
};

/** The check of a format name (`uuid`, `bearer-jwt`), or undefined for a name we do not know. */
export function formatCheck(format: string): FormatCheck | undefined {
  const bearer = format.startsWith('bearer-');
  const base = VALUE_FORMATS[bearer ? format.slice('bearer-'.length) : format];
  if (!base) return undefined;
  return bearer ? { pattern: `${AUTH_SCHEME_PATTERN}(?:${base.pattern})`, flags: base.flags } : base;
}

/** The anchored regular expression of a format's string check. */
export function formatRegExp(format: string): RegExp | undefined {
  const check = formatCheck(format);
  return check ? new RegExp(`^(?:${check.pattern})$`, check.flags) : undefined;
}

/** JSON Schema `minimum`/`maximum` for a numeric format (timestamps), if it has bounds. */
export function formatBounds(format: string): { minimum: number; maximum: number } | undefined {
  const check = formatCheck(format);
  return check?.minimum !== undefined && check.maximum !== undefined
    ? { minimum: check.minimum, maximum: check.maximum }
    : undefined;
}
