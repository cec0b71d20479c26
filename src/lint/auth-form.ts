/**
 * The auth form: how a request carries the token. The places are data, the volatile rules whose
 * fresh value is the session's token (`Authorization: Bearer <jwt>`, the `token` cookie). The
 * browser's form is what it sent in every request; a client that leaves a place out, adds one the
 * browser never uses, drops the `Bearer` scheme or sends another kind of value (a gzip+base64
 * "compressed" token) has another form, reported as one issue with every difference in it.
 */
import type { FieldLocation } from '../common/index.js';
import { describeKind, type ValueKindInfo } from '../diff/index.js';
import type { IssueSink } from './check-request.js';
import {
  isRequired,
  kindFamily,
  kindsOf,
  type RequestParts,
  type EndpointProtocol,
  type ShapeNode,
} from '../learn/index.js';
import { VOLATILE_RULES, type VolatileRule } from '../upstream/volatile-rules.js';
import { LintContext } from './lint-values.js';
import type { FactLookup, RawIssue } from './lint-issue.js';

/** Where the token travels: every volatile rule refreshed with the session's token. */
export const AUTH_FIELDS: readonly Pick<VolatileRule, 'location' | 'path'>[] = VOLATILE_RULES.filter(
  (r) => r.refresh === 'token' && (r.location === 'header' || r.location === 'cookie'),
).map((r) => ({ location: r.location, path: r.path }));

/** Is this header or cookie one of the token's places? */
export function isAuthField(location: FieldLocation, name: string): boolean {
  const lower = location === 'header' ? name.toLowerCase() : name;
  return AUTH_FIELDS.some((f) => f.location === location && f.path === lower);
}

function placeName(location: FieldLocation, path: string): string {
  return location === 'header' ? `${path.charAt(0).toUpperCase()}${path.slice(1)}` : `the ${path} cookie`;
}

function learntForm(location: FieldLocation, path: string, node: ShapeNode): string {
  const kinds = kindsOf(node).join(' or ') || 'a value';
  return location === 'header'
    ? `${placeName(location, path)}: ${node.bearer > 0 ? 'Bearer ' : ''}<${kinds}>`
    : `${placeName(location, path)} (${kinds})`;
}

function sentForm(location: FieldLocation, path: string, info: ValueKindInfo): string {
  return location === 'header'
    ? `${placeName(location, path)}: ${info.bearer ? 'Bearer ' : ''}<${describeKind({ ...info, bearer: false })}>`
    : `${placeName(location, path)} (${describeKind(info)})`;
}

/** What one place of the token looks like in the browser's protocol and in a request. */
interface Place {
  readonly field: Pick<VolatileRule, 'location' | 'path'>;
  readonly node: ShapeNode | undefined;
  readonly info: ValueKindInfo | undefined;
  readonly change: FactLookup['change'] | undefined;
}

function placeOf(
  endpoint: EndpointProtocol,
  parts: RequestParts,
  field: Pick<VolatileRule, 'location' | 'path'>,
  context: LintContext,
): Place {
  const container = endpoint.request.keys?.get(field.location === 'header' ? 'headers' : 'cookies');
  const node = container?.keys?.get(field.path);
  const value = (field.location === 'header' ? parts.headers : parts.cookies).get(field.path);
  const info = value === undefined ? undefined : context.kindOf(value);
  let change: FactLookup['change'] | undefined;
  if (!info && node !== undefined && isRequired(node, container!)) change = 'missing';
  else if (info && !node) change = 'extra';
  else if (info && node) {
    const families = context.learnt(node).families;
    const kindDiffers = !families.has('secret') && info.kind !== 'secret' && !families.has(kindFamily(info.kind));
    if (kindDiffers || node.bearer > 0 !== Boolean(info.bearer)) change = 'changed';
  }
  return { field, node, info, change };
}

function issueOf(places: readonly Place[]): RawIssue {
  const expected: string[] = [];
  const actual: string[] = [];
  const facts: FactLookup[] = [];
  for (const { field, node, info, change } of places) {
    if (node) expected.push(learntForm(field.location, field.path, node));
    if (info) actual.push(sentForm(field.location, field.path, info));
    else if (node)
      actual.push(
        field.location === 'header' ? `no ${placeName('header', field.path)} header` : `no ${field.path} cookie`,
      );
    if (change) facts.push({ ...field, change, ...(info ? { badKind: info.kind } : {}) });
  }
  const first = places.find((p) => p.change !== undefined)!.field;
  const expectedText = expected.length > 0 ? expected.join(' and ') : 'no token';
  const actualText = actual.length > 0 ? actual.join(' and ') : 'no token';
  return {
    problem: 'auth-form',
    location: first.location,
    path: first.path,
    expected: expectedText,
    actual: actualText,
    sentence: `the browser sends the token as ${expectedText}; this request sends ${actualText}`,
    facts,
  };
}

/**
 * Reports the auth-form issue of one request to `sink`, if its form differs from the browser's.
 * Requests whose token places hold the same kinds share one issue (its sentence is built once).
 */
export function checkAuthForm(
  endpoint: EndpointProtocol,
  parts: RequestParts,
  sink: IssueSink,
  context: LintContext = new LintContext(),
): void {
  const places = AUTH_FIELDS.map((field) => placeOf(endpoint, parts, field, context));
  const first = places.find((p) => p.change !== undefined);
  if (!first) return;
  const signature = places.map((p) => `${p.info?.bearer ? 'Bearer ' : ''}${p.info?.kind ?? '-'}`).join(' ');
  sink('auth-form', first.field.location, first.field.path, signature, () => issueOf(places));
}
