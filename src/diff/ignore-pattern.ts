/**
 * `--ignore` patterns: fields a user knows are irrelevant (`body messages[*].content`,
 * `header:x-request-id`, `header-order`). A pattern names a location and a path; `[*]` matches any
 * index, and a pattern also covers everything below it (`body extra` ignores `body extra.meta`).
 */
import type { FieldLocation } from '../common/index.js';
import { rulePathMatches } from '../upstream/volatile-rules.js';
import type { FieldRef } from './finding.js';

/** A parsed `--ignore` pattern. */
export interface IgnorePattern {
  /** `header-order` and `shared:<rule>` match finding ids directly. */
  readonly id?: string;
  readonly location?: FieldLocation;
  readonly path?: string;
}

const LOCATIONS: readonly FieldLocation[] = ['method', 'url', 'path', 'query', 'header', 'cookie', 'body'];

/** `LOCATION PATH` or `LOCATION:PATH`; undefined when the location is unknown. */
export function parseIgnorePattern(text: string): IgnorePattern | undefined {
  const trimmed = text.trim();
  if (trimmed === 'header-order' || trimmed.startsWith('shared:')) return { id: trimmed };
  const m = /^([a-z]+)(?:[\s:]+(.*))?$/s.exec(trimmed);
  if (!m || !LOCATIONS.includes(m[1] as FieldLocation)) return undefined;
  const location = m[1] as FieldLocation;
  const path = (m[2] ?? '').trim();
  return { location, path: location === 'header' ? path.toLowerCase() : path };
}

/** Does the pattern cover this finding? */
export function matchesIgnore(pattern: IgnorePattern, finding: FieldRef & { readonly id: string }): boolean {
  if (pattern.id !== undefined) return finding.id === pattern.id;
  if (pattern.location !== finding.location) return false;
  const path = pattern.path ?? '';
  if (path === '' || rulePathMatches(path, finding.path, finding.location)) return true;
  // Children: the pattern followed by `.` or `[` matches any deeper field.
  for (let end = finding.path.length - 1; end > 0; end -= 1) {
    const ch = finding.path[end];
    if ((ch === '.' || ch === '[') && rulePathMatches(path, finding.path.slice(0, end), finding.location)) return true;
  }
  return false;
}
