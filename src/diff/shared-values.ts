/**
 * Fields that must carry one value (SHARED_VALUE_RULES: chat_id in the query and the body, the
 * bearer token and the token cookie). Each is volatile on its own, so the comparison with GOOD says
 * nothing; what matters is that BAD agrees with itself. A disagreement is a finding whose fix
 * copies the first member's value into the disagreeing one.
 */
import { getAtPath, parsePath } from '../common/index.js';
import { SHARED_VALUE_RULES, type SharedValueRule } from '../upstream/volatile-rules.js';
import type { FieldRef, JsonValue, RawFinding } from './finding.js';
import { bodyValue, type NormalizedRequest } from './normalize-request.js';
import { classifyValue } from './value-kind.js';
import { isSecretField } from './compare-requests.js';

// Rule paths are few and asked about for every pair: parse each once.
const parsedPaths = new Map<string, ReturnType<typeof parsePath>>();
function segmentsOf(path: string): ReturnType<typeof parsePath> {
  let segments = parsedPaths.get(path);
  if (segments === undefined && !parsedPaths.has(path)) {
    segments = parsePath(path);
    if (parsedPaths.size >= 10_000) parsedPaths.clear();
    parsedPaths.set(path, segments);
  }
  return segments;
}

/** The value of a field of a normalised request, or undefined when absent. */
export function fieldValue(request: NormalizedRequest, ref: FieldRef): JsonValue | undefined {
  switch (ref.location) {
    case 'header':
      return request.headers.find((h) => h.name === ref.path.toLowerCase())?.value;
    case 'cookie':
      return request.cookies.find((c) => c.name === ref.path)?.value;
    case 'query':
      return Object.hasOwn(request.query, ref.path) ? request.query[ref.path] : undefined;
    case 'body': {
      const segments = segmentsOf(ref.path);
      if (!segments) return undefined;
      const found = getAtPath(bodyValue(request.body), segments);
      return found.found ? found.value : undefined;
    }
    case 'method':
      return request.method;
    case 'path':
      return request.path;
    case 'url':
      return ref.path === 'origin' ? request.origin : request.url;
  }
}

// `Bearer X` in a header and `X` in a cookie are the same token.
function comparable(value: JsonValue | undefined): JsonValue | undefined {
  return typeof value === 'string' ? value.replace(/^Bearer\s+/i, '') : value;
}

function present(request: NormalizedRequest, rule: SharedValueRule): { ref: FieldRef; value: JsonValue }[] {
  const out: { ref: FieldRef; value: JsonValue }[] = [];
  for (const ref of rule.members) {
    const value = fieldValue(request, ref);
    if (value !== undefined) out.push({ ref, value });
  }
  return out;
}

function agrees(members: readonly { value: JsonValue }[]): boolean {
  const first = JSON.stringify(comparable(members[0]?.value));
  return members.every((m) => JSON.stringify(comparable(m.value)) === first);
}

/** Shared-value mismatches in BAD that GOOD does not share. */
export function checkSharedValues(
  good: NormalizedRequest,
  bad: NormalizedRequest,
  endpoint: string | undefined,
  rules: readonly SharedValueRule[] = SHARED_VALUE_RULES,
): RawFinding[] {
  const out: RawFinding[] = [];
  for (const rule of rules) {
    if (rule.endpoints && (endpoint === undefined || !rule.endpoints.includes(endpoint))) continue;
    const inBad = present(bad, rule);
    if (inBad.length < 2 || agrees(inBad)) continue;
    const inGood = present(good, rule);
    // When GOOD disagrees the same way, the rule is not what the server checks here.
    if (inGood.length >= 2 && !agrees(inGood)) continue;
    const source = inBad[0]!;
    const other = inBad.find((m) => JSON.stringify(comparable(m.value)) !== JSON.stringify(comparable(source.value)))!;
    const kinds = { good: classifyValue(source.value), bad: classifyValue(other.value) };
    out.push({
      id: `shared:${rule.name}`,
      location: other.ref.location,
      path: other.ref.location === 'header' ? other.ref.path.toLowerCase() : other.ref.path,
      change: 'changed',
      category: 'shared-mismatch',
      // "good" is what the field should hold: the value of the rule's first member in BAD itself.
      good: source.value,
      bad: other.value,
      kinds,
      volatile: false,
      volatileReason: rule.reason,
      secret:
        isSecretField(other.ref.location, other.ref.path, [kinds.good, kinds.bad]) ||
        isSecretField(source.ref.location, source.ref.path),
      applyAs: { kind: 'copy', from: source.ref },
    });
  }
  return out;
}
