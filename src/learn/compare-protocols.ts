/**
 * What differs between two learnt protocols, as changes a person (or `watch`) can act on: endpoints
 * and fields that appeared or disappeared, fields whose kind changed (seconds became milliseconds, a
 * JWT became a gzip blob), that became required or optional, enums that gained or lost values,
 * streams whose phases, statuses or event order changed, endpoints answering with other statuses.
 *
 * Values are compared only where an enum was learnt, and volatile fields (ids, times, tokens) never
 * become enums, so a fresh id never shows up as a change; kinds compare by family (`enum`, `text`
 * and `empty` are all just strings), and a redacted value of unknown kind compares with anything.
 */
import { kindFamily, enumOf, isRequired, kindsOf, typesOf } from './node-facts.js';
import { endpointFields, fieldLabel, type FieldSide, type LearntField } from './protocol-fields.js';
import type { EndpointProtocol, LearntProtocol } from './protocol-model.js';
import type { Counts, ShapeNode } from './shape-node.js';
import type { FieldLocation } from '../common/index.js';

/** Where a field change happened. */
export interface FieldChangeAt {
  readonly endpoint: string;
  readonly side: FieldSide;
  readonly location: FieldLocation;
  /** Body path with `[*]` for array indexes, or a header, cookie or query name. */
  readonly path: string;
}

/** One difference between two protocols; `explanation` says it in a sentence. */
export type ProtocolChange =
  | { readonly kind: 'endpoint-appeared'; readonly endpoint: string; readonly explanation: string }
  | { readonly kind: 'endpoint-disappeared'; readonly endpoint: string; readonly explanation: string }
  | (FieldChangeAt & {
      readonly kind: 'field-appeared';
      readonly required: boolean;
      /** Its kinds in the new protocol. */
      readonly kinds: readonly string[];
      readonly explanation: string;
    })
  | (FieldChangeAt & {
      readonly kind: 'field-disappeared';
      readonly wasRequired: boolean;
      readonly explanation: string;
    })
  | (FieldChangeAt & {
      readonly kind: 'kind-changed';
      readonly from: readonly string[];
      readonly to: readonly string[];
      readonly explanation: string;
    })
  | (FieldChangeAt & { readonly kind: 'became-required'; readonly explanation: string })
  | (FieldChangeAt & { readonly kind: 'became-optional'; readonly explanation: string })
  | (FieldChangeAt & {
      readonly kind: 'values-changed';
      readonly added: readonly string[];
      readonly removed: readonly string[];
      /** True when the field stopped being an enum (more distinct values than an enum may have). */
      readonly open: boolean;
      readonly explanation: string;
    })
  | {
      readonly kind: 'stream-changed';
      readonly endpoint: string;
      readonly aspect: 'phases' | 'statuses' | 'order' | 'failures';
      readonly added: readonly string[];
      readonly removed: readonly string[];
      readonly explanation: string;
    }
  | {
      readonly kind: 'statuses-changed';
      readonly endpoint: string;
      readonly added: readonly string[];
      readonly removed: readonly string[];
      readonly explanation: string;
    };

export type ProtocolChangeKind = ProtocolChange['kind'];

/**
 * What a field holds, for comparing kinds: the JSON types of containers and booleans, the kind
 * families of strings and numbers; null left out (a field that is sometimes null is not a change).
 * Undefined when a redacted value of unknown kind makes the comparison meaningless.
 */
function kindLabels(node: ShapeNode): string[] | undefined {
  const kinds = kindsOf(node);
  if (kinds.includes('secret')) return undefined;
  const labels = new Set<string>();
  for (const type of typesOf(node)) if (type === 'object' || type === 'array' || type === 'boolean') labels.add(type);
  for (const kind of kinds) if (kind !== 'null') labels.add(kindFamily(kind));
  return [...labels].sort();
}

function keyOf(f: Pick<LearntField, 'side' | 'location' | 'path'>): string {
  return `${f.side}\u0000${f.location}\u0000${f.path}`;
}

/** Is `path` inside the field at `outer` (a key or an index below it)? */
function isInside(path: string, outer: string): boolean {
  if (outer === '') return path !== '';
  return path.startsWith(`${outer}.`) || path.startsWith(`${outer}[`);
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

function present(counts: Counts): string[] {
  return Object.keys(counts)
    .filter((k) => (counts[k] ?? 0) > 0)
    .sort();
}

function setChange(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  return { added: after.filter((v) => !before.includes(v)), removed: before.filter((v) => !after.includes(v)) };
}

function describeSetChange(added: readonly string[], removed: readonly string[]): string {
  const parts: string[] = [];
  if (added.length > 0) parts.push(`now also ${quoteList(added)}`);
  if (removed.length > 0) parts.push(`no longer ${quoteList(removed)}`);
  return parts.join('; ');
}

/** Field changes of one endpoint, highest level first (a new object's keys are not listed again). */
function compareFields(endpoint: string, older: EndpointProtocol, newer: EndpointProtocol): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  const before = new Map(endpointFields(older).map((f) => [keyOf(f), f]));
  const after = new Map(endpointFields(newer).map((f) => [keyOf(f), f]));
  const appeared: LearntField[] = [];
  for (const [key, f] of after) {
    const old = before.get(key);
    const at = { endpoint, side: f.side, location: f.location, path: f.path };
    const label = `${endpoint}: ${fieldLabel(f)}`;
    if (!old) {
      if (appeared.some((a) => a.side === f.side && a.location === f.location && isInside(f.path, a.path))) continue;
      appeared.push(f);
      const kinds = kindLabels(f.node) ?? ['secret'];
      out.push({
        kind: 'field-appeared',
        ...at,
        required: f.required,
        kinds,
        explanation: `${label} appeared (${f.required ? 'required' : 'optional'}${kinds.length ? `, ${kinds.join(' or ')}` : ''})`,
      });
      continue;
    }
    const from = kindLabels(old.node);
    const to = kindLabels(f.node);
    if (from && to && from.length > 0 && to.length > 0 && from.join() !== to.join())
      out.push({
        kind: 'kind-changed',
        ...at,
        from,
        to,
        explanation: `${label} changed kind: ${from.join(' or ')} before, ${to.join(' or ')} now`,
      });
    if (old.parent && f.parent) {
      const was = isRequired(old.node, old.parent);
      const is = isRequired(f.node, f.parent);
      if (!was && is)
        out.push({ kind: 'became-required', ...at, explanation: `${label} became required: every sample has it now` });
      if (was && !is)
        out.push({
          kind: 'became-optional',
          ...at,
          explanation: `${label} became optional: ${f.node.seen} of ${f.parent.types.object ?? 0} samples have it`,
        });
    }
    const oldEnum = enumOf(old.node);
    const newEnum = enumOf(f.node);
    if (oldEnum && newEnum) {
      const { added, removed } = setChange(oldEnum, newEnum);
      if (added.length > 0 || removed.length > 0)
        out.push({
          kind: 'values-changed',
          ...at,
          added,
          removed,
          open: false,
          explanation: `${label} takes other values: ${describeSetChange(added, removed)}`,
        });
    } else if (oldEnum && f.node.manyValues)
      out.push({
        kind: 'values-changed',
        ...at,
        added: [],
        removed: [],
        open: true,
        explanation: `${label} is no longer a small set of values (was ${quoteList(oldEnum)})`,
      });
  }
  const disappeared: LearntField[] = [];
  for (const [key, f] of before) {
    if (after.has(key)) continue;
    if (disappeared.some((d) => d.side === f.side && d.location === f.location && isInside(f.path, d.path))) continue;
    disappeared.push(f);
    out.push({
      kind: 'field-disappeared',
      endpoint,
      side: f.side,
      location: f.location,
      path: f.path,
      wasRequired: f.required,
      explanation: `${endpoint}: ${fieldLabel(f)} disappeared (it was ${f.required ? 'required' : 'optional'})`,
    });
  }
  return out;
}

function compareResponses(endpoint: string, older: EndpointProtocol, newer: EndpointProtocol): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  const statuses = setChange(present(older.response.statuses), present(newer.response.statuses));
  if (statuses.added.length > 0 || statuses.removed.length > 0)
    out.push({
      kind: 'statuses-changed',
      endpoint,
      ...statuses,
      explanation: `${endpoint}: answered with other HTTP statuses: ${describeSetChange(statuses.added, statuses.removed)}`,
    });
  const a = older.response.stream;
  const b = newer.response.stream;
  if (!a || !b) return out;
  for (const aspect of ['phases', 'statuses', 'order', 'failures'] as const) {
    const { added, removed } = setChange(present(a[aspect]), present(b[aspect]));
    if (added.length === 0 && removed.length === 0) continue;
    const what = aspect === 'order' ? 'event order' : aspect === 'failures' ? 'in-stream errors' : `delta ${aspect}`;
    out.push({
      kind: 'stream-changed',
      endpoint,
      aspect,
      added,
      removed,
      explanation: `${endpoint}: stream ${what}: ${describeSetChange(added, removed)}`,
    });
  }
  return out;
}

/** Everything that differs from `older` to `newer`, endpoint by endpoint, in `newer`'s order. */
export function compareProtocols(older: LearntProtocol, newer: LearntProtocol): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  for (const [name, endpoint] of newer.endpoints) {
    const old = older.endpoints.get(name);
    if (!old) {
      out.push({
        kind: 'endpoint-appeared',
        endpoint: name,
        explanation: `${name} appeared: ${endpoint.method} ${endpoint.path}, ${endpoint.samples} request(s)`,
      });
      continue;
    }
    out.push(...compareFields(name, old, endpoint), ...compareResponses(name, old, endpoint));
  }
  for (const [name, endpoint] of older.endpoints)
    if (!newer.endpoints.has(name))
      out.push({
        kind: 'endpoint-disappeared',
        endpoint: name,
        explanation: `${name} disappeared: no ${endpoint.method} ${endpoint.path} any more`,
      });
  return out;
}
