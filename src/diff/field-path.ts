/**
 * Body paths as findings write them (`messages[0].chat_type`, `extra["odd key"]`, `[2].x` for a
 * root array) and the get/set/remove operations `applyFindings` needs on parsed JSON. Paths must
 * round-trip exactly through `formatPath`/`parsePath`, since a finding's path is how bisect finds
 * the field again.
 */
import type { JsonValue } from './finding.js';

/** One step of a body path: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Appends one segment to a path string. */
export function joinPath(base: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  if (IDENTIFIER.test(segment)) return base === '' ? segment : `${base}.${segment}`;
  return `${base}[${JSON.stringify(segment)}]`;
}

/** A path string from segments; `[]` is `''`, the whole value. */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>((path, segment) => joinPath(path, segment), '');
}

/** Segments of a path string; undefined when it is not one `formatPath` could have written. */
export function parsePath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '[') {
      if (path[i + 1] === '"') {
        const end = closingQuote(path, i + 1);
        if (end === -1 || path[end + 1] !== ']') return undefined;
        try {
          segments.push(JSON.parse(path.slice(i + 1, end + 1)) as string);
        } catch {
          return undefined;
        }
        i = end + 2;
      } else {
        const end = path.indexOf(']', i);
        const digits = path.slice(i + 1, end);
        if (end === -1 || !/^\d+$/.test(digits)) return undefined;
        segments.push(Number(digits));
        i = end + 1;
      }
    } else {
      if (ch === '.') {
        if (segments.length === 0) return undefined;
        i += 1;
      } else if (segments.length > 0) return undefined;
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end += 1;
      const key = path.slice(i, end);
      if (!IDENTIFIER.test(key)) return undefined;
      segments.push(key);
      i = end;
    }
  }
  return segments;
}

function closingQuote(path: string, open: number): number {
  for (let i = open + 1; i < path.length; i += 1) {
    if (path[i] === '\\') i += 1;
    else if (path[i] === '"') return i;
  }
  return -1;
}

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path, or `{found: false}`. Own properties only, so `__proto__` is just a key. */
export function getAtPath(
  root: JsonValue | undefined,
  segments: readonly PathSegment[],
): { found: true; value: JsonValue } | { found: false } {
  let current: JsonValue | undefined = root;
  if (current === undefined) return { found: false };
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { found: false };
      current = (current as readonly JsonValue[])[segment];
    } else {
      if (!isRecord(current) || !Object.hasOwn(current, segment)) return { found: false };
      current = current[segment];
    }
    if (current === undefined) return { found: false };
  }
  return { found: true, value: current };
}

/**
 * Sets a value in a mutable JSON tree, creating nothing but the last segment: a finding always
 * names the highest level at which GOOD and BAD differ, so the parent exists. Returns the new root
 * (which changes only for the empty path). Indexes past the end pad the gap with null.
 */
export function setAtPath(root: JsonValue, segments: readonly PathSegment[], value: JsonValue): JsonValue {
  if (segments.length === 0) return value;
  const parent = getAtPath(root, segments.slice(0, -1));
  if (!parent.found) return root;
  const last = segments[segments.length - 1]!;
  const container = parent.value as unknown;
  if (typeof last === 'number' && Array.isArray(container)) {
    // An element past the end lands at its index; JSON has no holes, so any gap becomes null.
    while (container.length < last) container.push(null);
    container[last] = value;
  } else if (typeof last === 'string' && isRecord(container)) {
    // defineProperty, not assignment: a key named `__proto__` must become an own property.
    Object.defineProperty(container, last, { value, writable: true, enumerable: true, configurable: true });
  }
  return root;
}

/** Removes the value at a path (array elements are spliced out). Returns the root. */
export function removeAtPath(root: JsonValue, segments: readonly PathSegment[]): JsonValue | undefined {
  if (segments.length === 0) return undefined;
  const parent = getAtPath(root, segments.slice(0, -1));
  if (!parent.found) return root;
  const last = segments[segments.length - 1]!;
  const container = parent.value as unknown;
  if (typeof last === 'number' && Array.isArray(container)) {
    if (last < container.length) container.splice(last, 1);
  } else if (typeof last === 'string' && isRecord(container)) {
    delete container[last];
  }
  return root;
}

/** Deep copy of parsed JSON that keeps `__proto__` keys as own properties. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((v: JsonValue) => cloneJson(v)) as unknown as T;
  if (isRecord(value)) {
    const copy: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(copy, key, {
        value: cloneJson(value[key]!),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return copy as T;
  }
  return value;
}
