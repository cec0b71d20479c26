/**
 * Learns what a completion's event stream looks like: the JSON payload of every event (as one
 * observation node), the delta phases and statuses, and the order of `response.created` and the
 * final answer event. Events are read the way the stream reader (src/upstream/stream-reader.ts)
 * reads them: `data:` payloads, `[DONE]` skipped, the final answer event being a delta with
 * `status: finished` in phase `answer` (or no phase) that is not a `web_search` step.
 */
import { createParser } from 'eventsource-parser';
import { isEventStream, type ExchangeResponse } from '../exchange/exchange.js';
import { failureFromJson, failureName } from '../upstream/upstream-failure.js';
import type { StreamOrderFact, StreamProtocol } from './protocol-model.js';
import { bump, freezeNode, type NodeBuilder } from './shape-node.js';

/** True when a response is to be read as an event stream: by content type, or recorded events. */
export function isStreamResponse(response: ExchangeResponse): boolean {
  return isEventStream(response) || (response.sse !== undefined && response.sse.length > 0);
}

/** The `data` payloads of a stream: the recorded events, else the body parsed as SSE. */
function eventPayloads(response: ExchangeResponse): string[] {
  if (response.sse && response.sse.length > 0) return response.sse.map((e) => e.data);
  if (response.body === undefined || response.bodyEncoding === 'base64') return [];
  const out: string[] = [];
  const parser = createParser({ onEvent: (e) => out.push(e.data) });
  parser.feed(response.body);
  parser.feed('\n\n');
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first choice's delta of an event, if it has one. */
function deltaOf(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const choices = value['choices'];
  if (!Array.isArray(choices)) return undefined;
  const first: unknown = choices[0];
  const delta = isRecord(first) ? first['delta'] : undefined;
  return isRecord(delta) ? delta : undefined;
}

/** One endpoint's streams while they are being learnt. */
export class StreamLearner {
  private streams = 0;
  private events = 0;
  private readonly phases: Record<string, number> = {};
  private readonly statuses: Record<string, number> = {};
  private readonly order: Partial<Record<StreamOrderFact, number>> = {};
  private readonly failures: Record<string, number> = {};

  constructor(
    private readonly observe: (node: NodeBuilder, value: unknown) => void,
    private readonly event: NodeBuilder,
  ) {}

  add(response: ExchangeResponse): void {
    this.streams += 1;
    let index = 0;
    let created = -1;
    let finished = -1;
    let done = false;
    for (const raw of eventPayloads(response)) {
      const data = raw.trim();
      if (data === '') continue;
      if (data === '[DONE]') {
        done = true;
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch {
        bump(this.failures, 'malformed');
        continue;
      }
      this.events += 1;
      this.observe(this.event, value);
      if (isRecord(value)) {
        if (created === -1 && Object.hasOwn(value, 'response.created')) created = index;
        const delta = deltaOf(value);
        if (delta) {
          const phase = typeof delta['phase'] === 'string' ? delta['phase'] : undefined;
          bump(this.phases, phase ?? '(none)');
          if (typeof delta['status'] === 'string') bump(this.statuses, delta['status']);
          if (delta['status'] === 'finished' && (phase ?? 'answer') === 'answer' && delta['name'] !== 'web_search')
            finished = index;
        }
        const failure = failureFromJson(value, { inStream: true });
        if (failure) bump(this.failures, failureName(failure));
      }
      index += 1;
    }
    bump(this.order, created === -1 ? 'no-created' : created === 0 ? 'created-first' : 'created-later');
    bump(this.order, finished === -1 ? 'no-finished' : finished === index - 1 ? 'finished-last' : 'finished-then-more');
    if (done) bump(this.order, 'done-marker');
  }

  result(): StreamProtocol {
    return {
      streams: this.streams,
      events: this.events,
      event: freezeNode(this.event),
      phases: { ...this.phases },
      statuses: { ...this.statuses },
      order: { ...this.order },
      failures: { ...this.failures },
    };
  }
}
