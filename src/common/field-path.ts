/**
 * The body-path language, the one way every folder names a field inside a JSON body:
 * `messages[0].chat_type`, `extra["odd key"]` for a key that is not an identifier, `[2].x` under a
 * root array. Diff findings, volatile rules (`messages[*].fid`), simulator rules, refreshes and
 * overrides all write and read paths here. Paths round-trip exactly through
 * `formatPath`/`parsePath`, since a finding's path is how bisect finds the field again.
 */
import type { JsonValue } from './json-value.js';

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

/** The value at a path string, or `undefined` when the path is not valid or names nothing. */
export function valueAtPath(root: JsonValue | undefined, path: string): JsonValue | undefined {
  const segments = parsePath(path);
  if (segments === undefined) return undefined;
  const at = getAtPath(root, segments);
  return at.found ? at.value : undefined;
}

/**
 * Does a path pattern match a concrete path? A pattern is a path in which `[*]` stands for any
 * array index (`messages[*].fid` matches `messages[0].fid`); everything else must be equal.
 */
export function pathPatternMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('[*]')) return pattern === path;
  const parts = pattern.split('[*]');
  let at = 0;
  for (const [i, part] of parts.entries()) {
    if (!path.startsWith(part, at)) return false;
    at += part.length;
    if (i === parts.length - 1) return at === path.length;
    const index = /^\[\d+\]/.exec(path.slice(at));
    if (!index) return false;
    at += index[0].length;
  }
  return false;
}

/** A JSON value that is not an object or array. */
export type JsonLeaf = null | boolean | number | string;

/** Every leaf (string, number, boolean, null) of a JSON value with its path; empty containers have none. */
export function jsonLeaves(value: JsonValue, path = ''): [string, JsonLeaf][] {
  const out: [string, JsonLeaf][] = [];
  const visit = (v: JsonValue, p: string): void => {
    if (Array.isArray(v)) (v as readonly JsonValue[]).forEach((item, i) => visit(item, joinPath(p, i)));
    else if (isRecord(v)) for (const k of Object.keys(v)) visit(v[k]!, joinPath(p, k));
    else out.push([p, v as JsonLeaf]);
  };
  visit(value, path);
  return out;
}

/**
 * Rebuilds a JSON value bottom-up, offering each leaf (as `jsonLeaves` sees them) to `leaf` with
 * its path. Keys named `__proto__` stay own properties.
 */
export function mapJsonLeaves(
  value: JsonValue,
  leaf: (path: string, value: JsonLeaf) => JsonValue,
  path = '',
): JsonValue {
  if (Array.isArray(value))
    return (value as readonly JsonValue[]).map((v, i) => mapJsonLeaves(v, leaf, joinPath(path, i)));
  if (isRecord(value)) {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(value)) {
      Object.defineProperty(out, k, {
        value: mapJsonLeaves(value[k]!, leaf, joinPath(path, k)),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return out;
  }
  return leaf(path, value as JsonLeaf);
}
