/**
 * Learns a protocol from exchanges: per endpoint, every request's headers, cookies, query
 * parameters and JSON body, and every response's status, JSON envelope and event stream, counted
 * into observation trees (shape-node.ts). `ProtocolLearner` takes exchanges one at a time, so a
 * capture can be streamed through it with flat memory; `learnProtocol` does it for an array.
 */
import { joinPath, type FieldLocation } from '../common/index.js';
import { classifyValue } from '../diff/index.js';
import type { Exchange, ExchangeRequest, ExchangeResponse } from '../exchange/exchange.js';
import { headerValue } from '../exchange/exchange.js';
import { failureFromJson, failureName } from '../upstream/upstream-failure.js';
import { endpointKeyOf, type EndpointKey } from './endpoint-key.js';
import { fieldKeepsValues } from './learn-rules.js';
import { requestParts } from './request-parts.js';
import { PROTOCOL_SCHEMA_VERSION, type EndpointProtocol, type LearntProtocol } from './protocol-model.js';
import { bump, freezeNode, jsonTypeOf, keepValue, newNode, type NodeBuilder } from './shape-node.js';
import { StreamLearner, isStreamResponse } from './stream-learner.js';
import { StringKinds } from './string-kind.js';

/** Values that look like an e-mail address are personal data: never kept as enum values. */
const PERSONAL_VALUE = /@/;

/** One endpoint while it is being learnt. */
class EndpointLearner {
  samples = 0;
  readonly sources: Partial<Record<Exchange['source'], number>> = {};
  firstSeen: string | undefined;
  lastSeen: string | undefined;
  readonly request: NodeBuilder;
  responses = 0;
  readonly statuses: Record<string, number> = {};
  readonly contentTypes: Record<string, number> = {};
  readonly failures: Record<string, number> = {};
  body: NodeBuilder | undefined;
  stream: StreamLearner | undefined;

  constructor(
    readonly key: EndpointKey,
    private readonly kinds: StringKinds,
  ) {
    this.request = newNode('body', '', false);
  }

  /** A new node for a field of this endpoint, knowing whether it may keep values. */
  readonly makeNode = (location: FieldLocation, path: string): NodeBuilder =>
    newNode(location, path, fieldKeepsValues(location, path, this.key.name));

  add(exchange: Exchange): void {
    this.samples += 1;
    bump(this.sources, exchange.source);
    if (this.firstSeen === undefined || exchange.startedAt < this.firstSeen) this.firstSeen = exchange.startedAt;
    if (this.lastSeen === undefined || exchange.startedAt > this.lastSeen) this.lastSeen = exchange.startedAt;
    this.observeRequest(exchange.request);
    if (exchange.response) this.observeResponse(exchange.response);
  }

  private child(parent: NodeBuilder, key: string, location: FieldLocation, path: string): NodeBuilder {
    const keys = (parent.keys ??= new Map());
    let node = keys.get(key);
    if (!node) keys.set(key, (node = this.makeNode(location, path)));
    return node;
  }

  private observeRequest(request: ExchangeRequest): void {
    const root = this.request;
    root.seen += 1;
    bump(root.types, 'object');
    const parts = requestParts(request);
    this.observeNamed(root, 'headers', 'header', parts.headers);
    if (parts.cookies.size > 0) this.observeNamed(root, 'cookies', 'cookie', parts.cookies);
    if (parts.query.size > 0) this.observeNamed(root, 'query', 'query', parts.query);
    if (parts.body !== undefined) this.observeJson(this.child(root, 'body', 'body', ''), parts.body.value);
  }

  /** Headers, cookies or query parameters: an object whose keys are names and values strings. */
  private observeNamed(
    root: NodeBuilder,
    part: string,
    location: FieldLocation,
    named: ReadonlyMap<string, string>,
  ): void {
    const node = this.child(root, part, location, '');
    node.seen += 1;
    bump(node.types, 'object');
    for (const [name, value] of named) {
      const child = this.child(node, name, location, name);
      child.seen += 1;
      bump(child.types, 'string');
      this.observeString(child, value);
    }
  }

  private observeString(node: NodeBuilder, value: string): void {
    const info = this.kinds.of(value);
    bump(node.kinds, info.kind);
    if (info.bearer) node.bearer += 1;
    else if (node.keepsValues && (info.kind === 'enum' || info.kind === 'empty') && !PERSONAL_VALUE.test(value))
      keepValue(node, value);
  }

  /** Counts a parsed JSON value into `node` and its children. */
  readonly observeJson = (node: NodeBuilder, value: unknown): void => {
    node.seen += 1;
    const type = jsonTypeOf(value);
    bump(node.types, type);
    switch (type) {
      case 'string':
        this.observeString(node, value as string);
        break;
      case 'integer':
      case 'number':
        bump(node.kinds, classifyValue(value as number)!.kind);
        break;
      case 'object': {
        const object = value as Record<string, unknown>;
        for (const key of Object.keys(object))
          this.observeJson(this.child(node, key, node.location, joinPath(node.path, key)), object[key]);
        break;
      }
      case 'array': {
        const array = value as readonly unknown[];
        if (array.length === 0) break;
        const items = (node.items ??= this.makeNode(node.location, joinPath(node.path, 0)));
        for (const item of array) this.observeJson(items, item);
        break;
      }
      default:
        break;
    }
  };

  private observeResponse(response: ExchangeResponse): void {
    this.responses += 1;
    bump(this.statuses, String(response.status));
    const type = headerValue(response.headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type) bump(this.contentTypes, type);
    if (isStreamResponse(response)) {
      this.stream ??= new StreamLearner(this.observeJson, this.makeNode('body', ''));
      this.stream.add(response);
      return;
    }
    if (response.body === undefined || response.bodyEncoding === 'base64') return;
    const first = response.body.trimStart()[0];
    if (first !== '{' && first !== '[') return;
    let value: unknown;
    try {
      value = JSON.parse(response.body);
    } catch {
      return;
    }
    this.observeJson((this.body ??= this.makeNode('body', '')), value);
    const failure = failureFromJson(value, { httpStatus: response.status });
    if (failure) bump(this.failures, failureName(failure));
  }

  result(): EndpointProtocol {
    return {
      name: this.key.name,
      method: this.key.method,
      path: this.key.path,
      samples: this.samples,
      sources: { ...this.sources },
      ...(this.firstSeen !== undefined ? { firstSeen: this.firstSeen } : {}),
      ...(this.lastSeen !== undefined ? { lastSeen: this.lastSeen } : {}),
      request: freezeNode(this.request),
      response: {
        responses: this.responses,
        statuses: { ...this.statuses },
        contentTypes: { ...this.contentTypes },
        ...(this.body ? { body: freezeNode(this.body) } : {}),
        failures: { ...this.failures },
        ...(this.stream ? { stream: this.stream.result() } : {}),
      },
    };
  }
}

/** Learns exchanges one at a time; `result` may be called at any point. */
export class ProtocolLearner {
  private readonly endpoints = new Map<string, EndpointLearner>();
  private readonly kinds = new StringKinds();
  private readonly captures: string[] = [];
  private exchanges = 0;
  private skipped = 0;

  /** Notes a capture file as a source (for `learntFrom`). */
  addCapture(path: string): void {
    this.captures.push(path);
  }

  /** Learns one exchange; false when it was skipped (not API traffic). */
  add(exchange: Exchange): boolean {
    const key = endpointKeyOf(exchange);
    if (!key) {
      this.skipped += 1;
      return false;
    }
    let endpoint = this.endpoints.get(key.name);
    if (!endpoint) this.endpoints.set(key.name, (endpoint = new EndpointLearner(key, this.kinds)));
    endpoint.add(exchange);
    this.exchanges += 1;
    return true;
  }

  result(): LearntProtocol {
    return {
      schemaVersion: PROTOCOL_SCHEMA_VERSION,
      learntFrom: { captures: [...this.captures], exchanges: this.exchanges, skipped: this.skipped },
      endpoints: new Map([...this.endpoints].map(([name, e]) => [name, e.result()])),
    };
  }
}

/** Learns a protocol from exchanges (`captures` only names the sources in `learntFrom`). */
export function learnProtocol(exchanges: Iterable<Exchange>, captures: readonly string[] = []): LearntProtocol {
  const learner = new ProtocolLearner();
  for (const path of captures) learner.addCapture(path);
  for (const exchange of exchanges) learner.add(exchange);
  return learner.result();
}
