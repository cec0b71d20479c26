/**
 * Checks one request against a learnt endpoint, field by field: headers, cookies and query
 * parameters by name, the JSON body by walking the learnt tree beside the request's value. A field
 * the browser sends in every request and the client leaves out is missing; one the browser never
 * sends is unknown; a value is checked against the enum when one was learnt, else by kind. Volatile
 * fields (ids, times) compare by kind as their rule says (a `parent_id` may be null or an id), so a
 * fresh value is never a finding. The token's fields are left to auth-form.ts.
 */
import { joinPath, type FieldLocation } from '../common/index.js';
import { describeKind, isSecretField, kindsCompatible, type ValueKind, type ValueKindInfo } from '../diff/index.js';
import {
  enumOf,
  isRequired,
  jsonTypeOf,
  kindFamily,
  kindsOf,
  typesOf,
  type EndpointProtocol,
  type RequestParts,
  type ShapeNode,
} from '../learn/index.js';
import { isAuthField } from './auth-form.js';
import { LintContext, showValue } from './lint-values.js';
import type { LintProblem, RawIssue } from './lint-issue.js';

/** What the browser sends at a node, for people: its enum, else its kinds (`Bearer jwt`, `uuid or null`). */
export function expectedText(node: ShapeNode): string {
  const values = enumOf(node);
  if (values) return values.map((v) => `'${v}'`).join(' or ');
  const kinds = kindsOf(node).map((k) => (node.bearer > 0 ? `Bearer ${k}` : k));
  const others = typesOf(node).filter((t) => t === 'object' || t === 'array' || t === 'boolean' || t === 'null');
  const names = [...kinds, ...others.map((t) => (t === 'object' ? 'an object' : t === 'array' ? 'a list' : t))];
  return names.length === 0 ? 'a value' : names.join(' or ');
}

function label(location: FieldLocation, path: string): string {
  return path === '' ? location : `${location} ${path}`;
}

/** A scalar the fact conditions can compare; secrets and containers have none. */
function factValue(value: unknown, secret: boolean): string | number | boolean | null | undefined {
  if (secret) return undefined;
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
    ? (value as string | number | boolean | null)
    : undefined;
}

/**
 * Where a checker reports an issue. `build` makes the issue's sentence and fact lookups; a sink
 * calls it only the first time it sees the issue (same problem, field and value), so a capture of
 * ten thousand requests with the same problem builds its sentence once.
 */
export type IssueSink = (
  problem: LintProblem,
  location: FieldLocation,
  path: string,
  actual: string,
  build: () => RawIssue,
) => void;

/** Checks requests against one learnt endpoint. */
export class RequestChecker {
  private emit: IssueSink = () => undefined;

  constructor(
    private readonly endpoint: EndpointProtocol,
    private readonly context: LintContext = new LintContext(),
  ) {}

  /** Reports the issues of a request, given as its parts (`requestParts` in src/learn), to `sink`. */
  check(parts: RequestParts, sink: IssueSink): void {
    this.emit = sink;
    const learnt = this.endpoint.request;
    this.named('header', learnt.keys?.get('headers'), parts.headers);
    this.named('cookie', learnt.keys?.get('cookies'), parts.cookies);
    this.named('query', learnt.keys?.get('query'), parts.query);
    const body = learnt.keys?.get('body');
    if (body && parts.body === undefined && isRequired(body, learnt)) this.missing('body', '', body);
    else if (parts.body !== undefined) {
      if (body) this.json(body, parts.body.value, '');
      else this.unknown('body', '', parts.body.value);
    }
  }

  /** The issues of one request as a list (each built). */
  issuesOf(parts: RequestParts): RawIssue[] {
    const issues: RawIssue[] = [];
    this.check(parts, (_p, _l, _path, _a, build) => issues.push(build()));
    return issues;
  }

  /** Headers, cookies or query parameters. */
  private named(location: FieldLocation, learnt: ShapeNode | undefined, sent: ReadonlyMap<string, string>): void {
    for (const [name, node] of learnt?.keys ?? []) {
      if (isAuthField(location, name)) continue;
      const value = sent.get(name);
      if (value === undefined) {
        if (isRequired(node, learnt!)) this.missing(location, name, node);
      } else this.scalar(location, name, node, value);
    }
    for (const [name, value] of sent)
      if (!learnt?.keys?.has(name) && !isAuthField(location, name)) this.unknown(location, name, value);
  }

  private json(node: ShapeNode, value: unknown, path: string): void {
    const type = jsonTypeOf(value);
    const types = this.context.learnt(node).types;
    const sameType = types.includes(type) || (type === 'integer' && types.includes('number'));
    if (!sameType && !this.volatileCompatible('body', path, node, value)) {
      this.wrongType('body', path, node, value);
      return;
    }
    if (type === 'object') {
      const object = value as Record<string, unknown>;
      for (const [key, child] of node.keys ?? [])
        if (!Object.hasOwn(object, key) && isRequired(child, node)) this.missing('body', joinPath(path, key), child);
      for (const key of Object.keys(object)) {
        const child = node.keys?.get(key);
        if (child) this.json(child, object[key], joinPath(path, key));
        else this.unknown('body', joinPath(path, key), object[key]);
      }
    } else if (type === 'array') {
      if (node.items) (value as unknown[]).forEach((item, i) => this.json(node.items!, item, joinPath(path, i)));
    } else if (type === 'string' || type === 'integer' || type === 'number') this.scalar('body', path, node, value);
  }

  /** A field with a volatile rule accepts any value of the rule's kinds (a parent_id: null or an id). */
  private volatileCompatible(location: FieldLocation, path: string, node: ShapeNode, value: unknown): boolean {
    const rule = this.context.volatileRuleOf(node, location, path, this.endpoint.name);
    if (!rule) return false;
    const sent = this.context.kindOf(value);
    const field = { reason: rule.reason, kind: rule.kind };
    const learnt: ValueKind[] = [...this.context.learnt(node).kinds, ...(node.types.null ? (['null'] as const) : [])];
    return learnt.some((kind) => kindsCompatible(field, { kind, ...(node.bearer > 0 ? { bearer: true } : {}) }, sent));
  }

  private scalar(location: FieldLocation, path: string, node: ShapeNode, value: unknown): void {
    const learnt = this.context.learnt(node);
    if (learnt.values && typeof value === 'string') {
      if (!learnt.values.has(value)) this.outsideEnum(location, path, node, value);
      return;
    }
    if (learnt.kinds.length === 0) return;
    const sent = this.context.kindOf(value)!;
    if (this.context.volatileRuleOf(node, location, path, this.endpoint.name)) {
      if (!this.volatileCompatible(location, path, node, value)) this.wrongKind(location, path, node, value, sent);
      return;
    }
    if (learnt.families.has('secret') || sent.kind === 'secret') return;
    const bearerMatches = node.bearer > 0 === Boolean(sent.bearer);
    if (!bearerMatches || !learnt.families.has(kindFamily(sent.kind)))
      this.wrongKind(location, path, node, value, sent);
  }

  private secret(location: FieldLocation, path: string, info: ValueKindInfo | undefined): boolean {
    return isSecretField(location, path, info ? [info] : []);
  }

  private missing(location: FieldLocation, path: string, node: ShapeNode): void {
    this.emit('missing-field', location, path, 'nothing', () => {
      const expected = expectedText(node);
      return {
        problem: 'missing-field',
        location,
        path,
        expected,
        actual: 'nothing',
        sentence: `${label(location, path)} is missing; the browser always sends it (${expected})`,
        facts: [{ location, path, change: 'missing', ...goodOf(node) }],
      };
    });
  }

  private unknown(location: FieldLocation, path: string, value: unknown): void {
    const info = this.context.kindOf(value);
    const secret = this.secret(location, path, info);
    const actual = showValue(value, info, secret);
    this.emit('unknown-field', location, path, actual, () => {
      const bad = factValue(value, secret);
      return {
        problem: 'unknown-field',
        location,
        path,
        expected: 'nothing',
        actual,
        sentence: `${label(location, path)} = ${actual} is never sent by the browser`,
        facts: [{ location, path, change: 'extra', ...(bad !== undefined ? { bad } : {}), ...kindOf(info) }],
      };
    });
  }

  private outsideEnum(location: FieldLocation, path: string, node: ShapeNode, value: string): void {
    const info = this.context.kindOf(value);
    const actual = showValue(value, info, false);
    this.emit('outside-enum', location, path, actual, () => {
      const expected = expectedText(node);
      return {
        problem: 'outside-enum',
        location,
        path,
        expected,
        actual,
        sentence: `${label(location, path)} is ${actual} where the browser sends ${expected}`,
        facts: [{ location, path, change: 'changed', bad: value, ...kindOf(info), ...goodOf(node) }],
      };
    });
  }

  private wrongKind(location: FieldLocation, path: string, node: ShapeNode, value: unknown, sent: ValueKindInfo): void {
    const secret = this.secret(location, path, sent);
    const actual = secret ? `a ${describeKind(sent)}` : `a ${sent.bearer ? 'Bearer ' : ''}${sent.kind}`;
    this.emit('wrong-kind', location, path, actual, () => {
      const expected = expectedText(node);
      const bad = factValue(value, secret);
      return {
        problem: 'wrong-kind',
        location,
        path,
        expected,
        actual,
        sentence: `${label(location, path)} holds ${actual} where the browser sends ${expected}`,
        facts: [{ location, path, change: 'changed', ...(bad !== undefined ? { bad } : {}), badKind: sent.kind }],
      };
    });
  }

  private wrongType(location: FieldLocation, path: string, node: ShapeNode, value: unknown): void {
    const info = this.context.kindOf(value);
    const secret = this.secret(location, path, info);
    const actual = showValue(value, info, secret);
    this.emit('wrong-type', location, path, actual, () => {
      const expected = expectedText(node);
      const bad = factValue(value, secret);
      return {
        problem: 'wrong-type',
        location,
        path,
        expected,
        actual,
        sentence: `${label(location, path)} is ${actual} where the browser sends ${expected}`,
        facts: [{ location, path, change: 'type-changed', ...(bad !== undefined ? { bad } : {}), ...kindOf(info) }],
      };
    });
  }
}

function kindOf(info: ValueKindInfo | undefined): { badKind?: string } {
  return info ? { badKind: info.kind } : {};
}

/** The browser's (first) enum value, for facts that name it. */
function goodOf(node: ShapeNode): { good?: string } {
  const values = enumOf(node);
  return values?.[0] !== undefined ? { good: values[0] } : {};
}
