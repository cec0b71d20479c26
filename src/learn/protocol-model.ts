/**
 * A learnt protocol: per endpoint, what requests looked like (headers, cookies, query parameters,
 * the JSON body) and what came back (statuses, the JSON envelope, the event stream), as observation
 * trees (shape-node.ts). Written as DIR/protocol.json (protocol-json.ts), read back for merging,
 * `lint` and `compareProtocols`.
 */
import type { ExchangeSource } from '../exchange/exchange.js';
import type { Counts, ShapeNode } from './shape-node.js';

/** Version of protocol.json's layout; a reader refuses other versions. */
export const PROTOCOL_SCHEMA_VERSION = 1;

/** The request node's children, one per part of a request. */
export const REQUEST_PARTS = ['headers', 'cookies', 'query', 'body'] as const;
export type RequestPart = (typeof REQUEST_PARTS)[number];

/** Facts about the order of a stream's events, counted per stream. */
export type StreamOrderFact =
  /** The first event was `response.created`. */
  | 'created-first'
  /** `response.created` came, but not first. */
  | 'created-later'
  | 'no-created'
  /** The final answer event (`status: finished`, phase answer) was the last event with data. */
  | 'finished-last'
  /** Events followed the final answer event. */
  | 'finished-then-more'
  | 'no-finished'
  /** The stream ended with a `[DONE]` line. */
  | 'done-marker';

/** What a completion's event stream looked like. */
export interface StreamProtocol {
  /** Responses that were event streams. */
  readonly streams: number;
  /** Events with data, over all streams. */
  readonly events: number;
  /** The JSON payload of every event, as one node (keys absent from some events are optional). */
  readonly event: ShapeNode;
  /** `choices[0].delta.phase` values (`answer`, `think`, ...); `(none)` when an event had a delta without one. */
  readonly phases: Counts;
  /** `choices[0].delta.status` values (`typing`, `finished`). */
  readonly statuses: Counts;
  readonly order: Counts<StreamOrderFact>;
  /** Errors inside streams, by the reader's failure name (`in-stream:…`, `malformed`). */
  readonly failures: Counts;
}

/** What came back. */
export interface ResponseProtocol {
  /** Exchanges that had a response. */
  readonly responses: number;
  /** HTTP status codes as strings. */
  readonly statuses: Counts;
  /** Media types (`application/json`, `text/event-stream`). */
  readonly contentTypes: Counts;
  /** JSON bodies (the `{success, request_id, data}` envelope and friends). */
  readonly body?: ShapeNode;
  /** JSON bodies that were error envelopes, by the reader's failure name (`Internal_Server_Error`, `auth`). */
  readonly failures: Counts;
  readonly stream?: StreamProtocol;
}

/** One endpoint, learnt. */
export interface EndpointProtocol {
  /** `chat.completions`, or `METHOD /path/:id` for an endpoint the protocol model does not know. */
  readonly name: string;
  readonly method: string;
  /** Path template, `/api/v2/chat/completions`. */
  readonly path: string;
  /** Requests learnt from. */
  readonly samples: number;
  /** Who sent them. */
  readonly sources: Counts<ExchangeSource>;
  /** ISO times of the first and last sample. */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /**
   * The request as an object node with a child per part (`REQUEST_PARTS`): `headers` (lower-case
   * names), `cookies`, `query` (each an object of strings) and `body` (the parsed JSON body).
   */
  readonly request: ShapeNode;
  readonly response: ResponseProtocol;
}

/** Where a protocol was learnt from. */
export interface LearntFrom {
  /** Capture files (as given), in the order learnt. */
  readonly captures: readonly string[];
  /** Exchanges learnt from (API requests). */
  readonly exchanges: number;
  /** Exchanges skipped: not API traffic (pages, scripts, images). */
  readonly skipped: number;
}

/** A whole learnt protocol. */
export interface LearntProtocol {
  readonly schemaVersion: typeof PROTOCOL_SCHEMA_VERSION;
  readonly learntFrom: LearntFrom;
  /** By endpoint name, in the order first seen. */
  readonly endpoints: ReadonlyMap<string, EndpointProtocol>;
}

/** The child of a request node for one part, if any sample had it. */
export function requestPart(endpoint: EndpointProtocol, part: RequestPart): ShapeNode | undefined {
  return endpoint.request.keys?.get(part);
}
