/**
 * The `Cookie` request header as name/value pairs. One parser for every reader (diff, refresh,
 * overrides, curl export, the simulator): they used to differ on a pair without `=` and on spaces.
 * Never throws; a malformed header yields what can be read of it.
 */

/** One cookie of a `Cookie` header. */
export interface CookiePair {
  readonly name: string;
  readonly value: string;
}

/**
 * `a=1; b=2` to pairs, in order and with repeats kept. Names and values are trimmed; a pair without
 * `=` is a name with an empty value; empty names are dropped.
 */
export function parseCookiePairs(header: string): CookiePair[] {
  const pairs: CookiePair[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim();
    if (name === '') continue;
    pairs.push({ name, value: eq === -1 ? '' : part.slice(eq + 1).trim() });
  }
  return pairs;
}

/** The cookies as a record; the first value of a repeated name wins, as servers read it. */
export function cookieRecord(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const { name, value } of parseCookiePairs(header)) {
    // defineProperty: a cookie named `__proto__` is a cookie, not the record's prototype.
    if (!Object.hasOwn(out, name)) Object.defineProperty(out, name, { value, enumerable: true, writable: true });
  }
  return out;
}

/** Pairs (or a record) back to a `Cookie` header value: `a=1; b=2`. */
export function formatCookiePairs(pairs: readonly CookiePair[] | Readonly<Record<string, string>>): string {
  const list = Array.isArray(pairs)
    ? (pairs as readonly CookiePair[])
    : Object.entries(pairs).map(([name, value]) => ({ name, value }));
  return list.map((p) => `${p.name}=${p.value}`).join('; ');
}
