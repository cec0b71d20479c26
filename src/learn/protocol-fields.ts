/**
 * The fields of a learnt endpoint as a flat list, each addressed the project's one way (a
 * `FieldRef`: location plus a body path, with `[*]` for any array index, as volatile rules write
 * them): request headers, cookies, query parameters and body fields, the response envelope's fields
 * and the event payloads' fields. The README lists them; `compareProtocols` pairs them up.
 */
import { joinPath, type FieldLocation, type FieldRef } from '../common/index.js';
import { isRequired } from './node-facts.js';
import type { EndpointProtocol, RequestPart } from './protocol-model.js';
import type { ShapeNode } from './shape-node.js';

/** Which message a field belongs to: the request, the response's JSON body, or a stream event's payload. */
export type FieldSide = 'request' | 'response' | 'event';

/** One learnt field. */
export interface LearntField extends FieldRef {
  readonly side: FieldSide;
  readonly node: ShapeNode;
  /** The object it is a key of (undefined for array items and whole bodies). */
  readonly parent?: ShapeNode;
  /** Present in every object its parent was (array items and whole bodies count as required). */
  readonly required: boolean;
}

const PART_LOCATIONS: Readonly<Record<RequestPart, FieldLocation>> = {
  headers: 'header',
  cookies: 'cookie',
  query: 'query',
  body: 'body',
};

/** `messages[*]`: the path of an array's items. */
export function itemsPath(path: string): string {
  return `${path}[*]`;
}

/** A JSON tree's fields, the root included (`''`), children after their parent. */
export function jsonFields(
  root: ShapeNode,
  side: FieldSide,
  location: FieldLocation = 'body',
  rootRequired = true,
): LearntField[] {
  const out: LearntField[] = [];
  const visit = (node: ShapeNode, path: string, parent: ShapeNode | undefined, required: boolean): void => {
    out.push({ side, location, path, node, ...(parent ? { parent } : {}), required });
    if (node.keys)
      for (const [key, child] of node.keys) visit(child, joinPath(path, key), node, isRequired(child, node));
    if (node.items) visit(node.items, itemsPath(path), undefined, true);
  };
  visit(root, '', undefined, rootRequired);
  return out;
}

/** The request's fields: headers, cookies and query parameters by name, then the body's fields. */
export function requestFields(endpoint: EndpointProtocol): LearntField[] {
  const out: LearntField[] = [];
  const request = endpoint.request;
  for (const [part, node] of request.keys ?? []) {
    const location = PART_LOCATIONS[part as RequestPart];
    if (location === undefined) continue;
    if (location === 'body') {
      out.push(...jsonFields(node, 'request', 'body', isRequired(node, request)));
      continue;
    }
    for (const [name, child] of node.keys ?? [])
      out.push({ side: 'request', location, path: name, node: child, parent: node, required: isRequired(child, node) });
  }
  return out;
}

/** Every field of an endpoint: request, response envelope, event payloads. */
export function endpointFields(endpoint: EndpointProtocol): LearntField[] {
  return [
    ...requestFields(endpoint),
    ...(endpoint.response.body ? jsonFields(endpoint.response.body, 'response') : []),
    ...(endpoint.response.stream ? jsonFields(endpoint.response.stream.event, 'event') : []),
  ];
}

/** `request body messages[*].chat_type`, `request header version`, `event choices[*].delta.phase`. */
export function fieldLabel(field: Pick<LearntField, 'side' | 'location' | 'path'>): string {
  const where = field.side === 'request' ? `request ${field.location}` : field.side === 'event' ? 'event' : 'response';
  return field.path === '' ? `${where} (whole)` : `${where} ${field.path}`;
}
