/**
 * The fields of a request as things a bisect can take away: query parameters, headers, cookies and
 * body fields down to the fields of top-level objects and of their array elements
 * (`messages[0].chat_type`), deeper objects as a whole. Removal goes through `applyFindings`, with
 * each field as a finding "BAD has it, GOOD does not", so it edits exactly like every other probe.
 */
import { formatPath, type PathSegment } from '../common/index.js';
import type { ExchangeRequest } from '../exchange/exchange.js';
import { applyFindings } from '../diff/apply-findings.js';
import { fieldLabel } from '../diff/explain.js';
import { findingId, type FieldRef, type Finding, type JsonValue } from '../diff/finding.js';
import { IGNORED_HEADERS, normalizeRequest } from '../diff/normalize-request.js';
import type { BisectChange } from './bisect-result.js';

/** A removable field of a request. */
export interface RemovableField extends BisectChange, FieldRef {}

// Body fields below this depth are removed as a whole: deep leaves multiply probes, rarely matter alone.
const MAX_DEPTH = 2;

function bodyFields(value: JsonValue, segments: PathSegment[], depth: number, out: PathSegment[][]): void {
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const isArray = Array.isArray(value);
  if (
    (isObject || isArray) &&
    depth < MAX_DEPTH &&
    (isObject ? Object.keys(value).length > 0 : (value as readonly JsonValue[]).length > 0)
  ) {
    if (isArray) (value as readonly JsonValue[]).forEach((v, i) => bodyFields(v, [...segments, i], depth, out));
    else
      for (const [k, v] of Object.entries(value as Record<string, JsonValue>))
        bodyFields(v, [...segments, k], depth + 1, out);
    return;
  }
  if (segments.length > 0) out.push(segments);
}

/** Every removable field of `request`, in wire order: query, headers, cookies, body. */
export function removableFields(request: ExchangeRequest): RemovableField[] {
  const n = normalizeRequest(request);
  const refs: FieldRef[] = [
    ...Object.keys(n.query).map((path) => ({ location: 'query' as const, path })),
    ...n.headers
      .filter((h) => !(h.name in IGNORED_HEADERS))
      .map((h) => ({ location: 'header' as const, path: h.name })),
    ...n.cookies.map((c) => ({ location: 'cookie' as const, path: c.name })),
  ];
  if (n.body.kind === 'json' || n.body.kind === 'form') {
    const paths: PathSegment[][] = [];
    bodyFields(n.body.value, [], 0, paths);
    for (const segments of paths) refs.push({ location: 'body', path: formatPath(segments) });
  }
  const seen = new Set<string>();
  return refs
    .map((ref) => ({ ...ref, id: findingId(ref.location, ref.path), label: fieldLabel(ref) }))
    .filter((f) => !seen.has(f.id) && seen.add(f.id));
}

/** A finding that removes `ref`: it says BAD has the field and GOOD does not. */
function removal(ref: FieldRef): Finding {
  return {
    ...ref,
    id: findingId(ref.location, ref.path),
    change: 'extra',
    category: 'extra-field',
    kinds: {},
    volatile: false,
    secret: false,
    score: 0,
    rank: 0,
    explanation: `Remove ${fieldLabel(ref)}.`,
  };
}

/** `request` without the given fields; everything else stays byte for byte. */
export function withoutFields(request: ExchangeRequest, fields: readonly FieldRef[]): ExchangeRequest {
  if (fields.length === 0) return request;
  // GOOD has nothing at all, so every removal finding takes its field away.
  const empty: ExchangeRequest = { method: request.method, url: request.url.split('?')[0]!, headers: [] };
  return applyFindings(request, fields.map(removal), empty);
}
