/**
 * Merges two learnt protocols into the one that learning all their samples together would give:
 * counts add up, kept values join (and a field with too many stops being an enum), endpoints and
 * fields are the union, in the order first seen. This is how `learn` into an existing DIR adds new
 * captures to what it knew.
 */
import type { Counts, ShapeNode } from './shape-node.js';
import { mergeNodes } from './shape-node.js';
import type { EndpointProtocol, LearntProtocol, ResponseProtocol, StreamProtocol } from './protocol-model.js';

function addCounts<K extends string>(a: Counts<K>, b: Counts<K>): Counts<K> {
  const out: Partial<Record<K, number>> = { ...a };
  for (const key of Object.keys(b) as K[]) out[key] = (out[key] ?? 0) + (b[key] ?? 0);
  return out;
}

function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  return b === undefined || a <= b ? a : b;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  return b === undefined || a >= b ? a : b;
}

function mergeStreams(a: StreamProtocol | undefined, b: StreamProtocol | undefined): StreamProtocol | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    streams: a.streams + b.streams,
    events: a.events + b.events,
    event: mergeNodes(a.event, b.event)!,
    phases: addCounts(a.phases, b.phases),
    statuses: addCounts(a.statuses, b.statuses),
    order: addCounts(a.order, b.order),
    failures: addCounts(a.failures, b.failures),
  };
}

function mergeResponses(a: ResponseProtocol, b: ResponseProtocol): ResponseProtocol {
  const body: ShapeNode | undefined = mergeNodes(a.body, b.body);
  const stream = mergeStreams(a.stream, b.stream);
  return {
    responses: a.responses + b.responses,
    statuses: addCounts(a.statuses, b.statuses),
    contentTypes: addCounts(a.contentTypes, b.contentTypes),
    ...(body ? { body } : {}),
    failures: addCounts(a.failures, b.failures),
    ...(stream ? { stream } : {}),
  };
}

function mergeEndpoints(a: EndpointProtocol, b: EndpointProtocol): EndpointProtocol {
  const firstSeen = earlier(a.firstSeen, b.firstSeen);
  const lastSeen = later(a.lastSeen, b.lastSeen);
  return {
    name: a.name,
    method: a.method,
    path: a.path,
    samples: a.samples + b.samples,
    sources: addCounts(a.sources, b.sources),
    ...(firstSeen !== undefined ? { firstSeen } : {}),
    ...(lastSeen !== undefined ? { lastSeen } : {}),
    request: mergeNodes(a.request, b.request)!,
    response: mergeResponses(a.response, b.response),
  };
}

/** `older` and `newer` as one protocol; `newer`'s captures are listed after `older`'s. */
export function mergeProtocols(older: LearntProtocol, newer: LearntProtocol): LearntProtocol {
  const endpoints = new Map(older.endpoints);
  for (const [name, endpoint] of newer.endpoints) {
    const known = endpoints.get(name);
    endpoints.set(name, known ? mergeEndpoints(known, endpoint) : endpoint);
  }
  return {
    schemaVersion: older.schemaVersion,
    learntFrom: {
      captures: [...older.learntFrom.captures, ...newer.learntFrom.captures],
      exchanges: older.learntFrom.exchanges + newer.learntFrom.exchanges,
      skipped: older.learntFrom.skipped + newer.learntFrom.skipped,
    },
    endpoints,
  };
}
