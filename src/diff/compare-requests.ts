/**
 * Field-by-field comparison of two normalised requests: method, path, origin, headers (and their
 * order), cookies, query parameters and the body, each difference reported at the highest level at
 * which the two differ (a missing `feature_config` is one finding, not seven). Volatile fields
 * compare by kind. The output is unranked; `rankFindings` orders and explains it.
 */
import { joinPath, type FieldLocation } from '../common/index.js';
import { secretNameMatcher } from '../exchange/secret-names.js';
import type { VolatileRule } from '../upstream/volatile-rules.js';
import type { FindingCategory, FindingChange, JsonValue, RawFinding, TextDiffPart, ValueKindInfo } from './finding.js';
import { findingId } from './finding.js';
import { bodyValue, type NameValue, type NormalizedRequest } from './normalize-request.js';
import type { FindingMemo } from './finding-memo.js';
import { textDiff } from './text-diff.js';
import { classifyValue, isEnumLike, jsonType } from './value-kind.js';
import { kindsCompatible, volatileField, type LearnedVolatility } from './volatility.js';

/** What a comparison needs besides the two requests. */
export interface CompareContext {
  /** The pairing key (endpoint name or `METHOD template`), for learned volatility. */
  readonly pairKey: string;
  readonly endpoint?: string | undefined;
  readonly rules: readonly VolatileRule[];
  readonly learned: LearnedVolatility;
  /** Compute word diffs of long strings (default true). */
  readonly textDiffs?: boolean | undefined;
  /** Findings already made in this diff (create one per diff: learned volatility differs). */
  readonly memo?: FindingMemo | undefined;
}

const matchSecretName = secretNameMatcher();
const secretNames = new Map<string, boolean>();

// Field names repeat across every pair; the matcher normalises the name on each call.
function isSecretName(name: string): boolean {
  let hit = secretNames.get(name);
  if (hit === undefined) {
    hit = matchSecretName(name);
    if (secretNames.size >= 10_000) secretNames.clear();
    secretNames.set(name, hit);
  }
  return hit;
}

/**
 * Does this field hold a credential? Cookies always count (session state), as do names the
 * redactor treats as secret (`authorization`, `*token`, `password`) and any JWT-looking value.
 */
export function isSecretField(
  location: FieldLocation,
  path: string,
  kinds: readonly (ValueKindInfo | undefined)[] = [],
): boolean {
  if (location === 'cookie') return true;
  if (location === 'header' && isSecretName(path)) return true;
  if (
    (location === 'body' || location === 'query') &&
    isSecretName(path.split(/[.[]/).pop()?.replace(/[\]"]/g, '') ?? '')
  )
    return true;
  return kinds.some((k) => k?.kind === 'jwt' || k?.redacted === true);
}

/** Every difference between two normalised requests, unranked (volatile noise included, flagged). */
export function compareRequests(good: NormalizedRequest, bad: NormalizedRequest, ctx: CompareContext): RawFinding[] {
  const out: RawFinding[] = [];
  const emit = (
    location: FieldLocation,
    path: string,
    goodValue: JsonValue | undefined,
    badValue: JsonValue | undefined,
  ) => compareField(location, path, goodValue, badValue, ctx, out);

  if (good.method !== bad.method) out.push(simple('method', '', 'changed', 'request-line', good.method, bad.method));
  if (good.path !== bad.path) {
    if (good.template === bad.template) {
      out.push({
        ...simple('path', '', 'changed', 'volatile', good.path, bad.path),
        volatile: true,
        volatileReason: 'the path carries an id',
      });
    } else out.push(simple('path', '', 'changed', 'request-line', good.path, bad.path));
  }
  if (good.origin !== bad.origin) out.push(simple('url', 'origin', 'changed', 'cosmetic', good.origin, bad.origin));

  compareNamed('header', good.headers, bad.headers, emit);
  compareNamed('cookie', good.cookies, bad.cookies, emit);
  const order = ctx.memo
    ? ctx.memo.resolveKeyed(`header-order\u0001${good.headerOrder.join(',')}\u0001${bad.headerOrder.join(',')}`, () =>
        headerOrderFinding(good.headerOrder, bad.headerOrder),
      )
    : headerOrderFinding(good.headerOrder, bad.headerOrder);
  if (order) out.push(order);

  // Query parameters are leaves named as sent (`chat_id`); a repeated one compares as a list.
  for (const name of Object.keys(good.query))
    compareLeaf(
      'query',
      name,
      good.query[name],
      Object.hasOwn(bad.query, name) ? bad.query[name] : undefined,
      ctx,
      out,
    );
  for (const name of Object.keys(bad.query))
    if (!Object.hasOwn(good.query, name)) compareLeaf('query', name, undefined, bad.query[name], ctx, out);

  const gb = bodyValue(good.body);
  const bb = bodyValue(bad.body);
  if (gb === undefined || bb === undefined) {
    if (gb !== undefined || bb !== undefined) emit('body', '', gb, bb);
  } else if (good.body.kind !== bad.body.kind) {
    out.push({
      ...simple('body', '', 'type-changed', 'type-changed', gb, bb),
      kinds: {
        good: { kind: good.body.kind === 'json' ? 'object' : 'text' },
        bad: { kind: bad.body.kind === 'json' ? 'object' : 'text' },
      },
    });
  } else if (good.body.kind === 'json' || good.body.kind === 'form') emit('body', '', gb, bb);
  else if (gb !== bb) emit('body', '', gb, bb);
  return out;
}

function simple(
  location: FieldLocation,
  path: string,
  change: FindingChange,
  category: FindingCategory,
  good: JsonValue,
  bad: JsonValue,
): RawFinding {
  return {
    id: findingId(location, path),
    location,
    path,
    change,
    category,
    good,
    bad,
    kinds: { good: classifyValue(good), bad: classifyValue(bad) },
    volatile: category === 'volatile',
    secret: false,
  };
}

function compareNamed(
  location: 'header' | 'cookie',
  good: readonly NameValue[],
  bad: readonly NameValue[],
  emit: (location: FieldLocation, path: string, g: JsonValue | undefined, b: JsonValue | undefined) => void,
): void {
  // Headers arrive lower-cased; cookie names are case-sensitive on the wire, so they stay as sent.
  // A request has a few dozen of them: linear scans allocate nothing, unlike a map per pair.
  const firstIndex = (list: readonly NameValue[], name: string, end = list.length) => {
    for (let i = 0; i < end; i += 1) if (list[i]!.name === name) return i;
    return -1;
  };
  good.forEach(({ name, value }, i) => {
    if (firstIndex(good, name, i) !== -1) return;
    const j = firstIndex(bad, name);
    emit(location, name, value, j === -1 ? undefined : bad[j]!.value);
  });
  bad.forEach(({ name, value }, i) => {
    if (firstIndex(bad, name, i) === -1 && firstIndex(good, name) === -1) emit(location, name, undefined, value);
  });
}

function headerOrderFinding(good: readonly string[], bad: readonly string[]): RawFinding | undefined {
  const inBad = new Set(bad);
  const inGood = new Set(good);
  const g = good.filter((n) => inBad.has(n));
  const b = bad.filter((n) => inGood.has(n));
  if (g.length === b.length && g.every((n, i) => n === b[i])) return undefined;
  return {
    id: 'header-order',
    location: 'header',
    path: '',
    change: 'reordered',
    category: 'cosmetic',
    good: [...good],
    bad: [...bad],
    kinds: { good: { kind: 'array', length: good.length }, bad: { kind: 'array', length: bad.length } },
    volatile: false,
    secret: false,
  };
}

function isObject(v: JsonValue | undefined): v is { readonly [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function compareChildren(
  location: FieldLocation,
  path: string,
  good: { readonly [key: string]: JsonValue },
  bad: { readonly [key: string]: JsonValue },
  ctx: CompareContext,
  out: RawFinding[],
): void {
  for (const key of Object.keys(good)) {
    compareField(location, joinPath(path, key), good[key], Object.hasOwn(bad, key) ? bad[key] : undefined, ctx, out);
  }
  for (const key of Object.keys(bad))
    if (!Object.hasOwn(good, key)) compareField(location, joinPath(path, key), undefined, bad[key], ctx, out);
}

/** Compares one field (recursing into objects and arrays) and appends what differs. */
function compareField(
  location: FieldLocation,
  path: string,
  good: JsonValue | undefined,
  bad: JsonValue | undefined,
  ctx: CompareContext,
  out: RawFinding[],
): void {
  if (good !== undefined && bad !== undefined) {
    if (good === bad) return;
    if (isObject(good) && isObject(bad)) return compareChildren(location, path, good, bad, ctx, out);
    if (Array.isArray(good) && Array.isArray(bad)) {
      const g = good as readonly JsonValue[];
      const b = bad as readonly JsonValue[];
      const n = Math.max(g.length, b.length);
      for (let i = 0; i < n; i += 1) compareField(location, joinPath(path, i), g[i], b[i], ctx, out);
      return;
    }
  }
  compareLeaf(location, path, good, bad, ctx, out);
}

/** Compares one value as a whole and appends a finding when it differs. */
function compareLeaf(
  location: FieldLocation,
  path: string,
  good: JsonValue | undefined,
  bad: JsonValue | undefined,
  ctx: CompareContext,
  out: RawFinding[],
): void {
  if (good === undefined && bad === undefined) return;
  if (
    good !== undefined &&
    bad !== undefined &&
    (good === bad || (typeof good === 'object' && JSON.stringify(good) === JSON.stringify(bad)))
  )
    return;
  const memo = ctx.memo;
  const finding = memo
    ? memo.resolve(`${ctx.pairKey}\u0001${ctx.endpoint ?? ''}\u0001${location}\u0001${path}`, good, bad, () =>
        makeLeafFinding(location, path, good, bad, ctx),
      )
    : makeLeafFinding(location, path, good, bad, ctx);
  if (finding) out.push(finding);
}

// Kind infos are interned (value-kind.ts), so their pairs can be too: one object per combination.
const kindPairs = new Map<ValueKindInfo | undefined, Map<ValueKindInfo | undefined, RawFinding['kinds']>>();

function kindPair(good: ValueKindInfo | undefined, bad: ValueKindInfo | undefined): RawFinding['kinds'] {
  let byBad = kindPairs.get(good);
  if (!byBad) {
    if (kindPairs.size >= 10_000) kindPairs.clear();
    kindPairs.set(good, (byBad = new Map()));
  }
  let pair = byBad.get(bad);
  if (!pair) byBad.set(bad, (pair = Object.freeze({ good, bad })));
  return pair;
}

function makeLeafFinding(
  location: FieldLocation,
  path: string,
  good: JsonValue | undefined,
  bad: JsonValue | undefined,
  ctx: CompareContext,
): RawFinding | undefined {
  const kinds = kindPair(classifyValue(good), classifyValue(bad));
  const secret = isSecretField(location, path, [kinds.good, kinds.bad]);
  const headerLike = location === 'header' || location === 'cookie';
  // One literal with every field (absent values as undefined) keeps findings one object shape,
  // which matters when a diff makes hundreds of thousands of them.
  const finding = (
    change: FindingChange,
    category: FindingCategory,
    extra?: { volatile?: boolean; volatileReason?: string; textDiff?: TextDiffPart[] | undefined },
  ): RawFinding => ({
    id: findingId(location, path),
    location,
    path,
    change,
    category,
    good,
    bad,
    kinds,
    volatile: extra?.volatile ?? false,
    volatileReason: extra?.volatileReason,
    secret,
    textDiff: extra?.textDiff,
  });
  if (bad === undefined) return finding('missing', headerLike ? 'header' : 'required-missing');
  if (good === undefined) return finding('extra', headerLike ? 'header' : 'extra-field');
  const typeChanged = jsonType(good) !== jsonType(bad);
  const change: FindingChange = typeChanged ? 'type-changed' : 'changed';
  const volatile = volatileField(location, path, ctx.endpoint, ctx.pairKey, ctx.rules, ctx.learned);
  if (volatile) {
    const compatible = kindsCompatible(volatile, kinds.good, kinds.bad);
    return finding(change, compatible ? 'volatile' : 'kind-mismatch', {
      volatile: compatible,
      volatileReason: volatile.reason,
    });
  }
  let category: FindingCategory;
  if (typeChanged) category = headerLike ? 'header' : 'type-changed';
  else if (headerLike) category = 'header';
  else if (isEnumLike(kinds.good) || isEnumLike(kinds.bad)) category = 'enum-changed';
  else category = 'value-changed';
  const diff =
    ctx.textDiffs !== false && !secret && typeof good === 'string' && typeof bad === 'string'
      ? textDiff(good, bad)
      : undefined;
  return finding(change, category, { textDiff: diff });
}
