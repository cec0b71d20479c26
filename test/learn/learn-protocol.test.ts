import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  enumOf,
  formatOf,
  isRequired,
  kindsOf,
  learnProtocol,
  requestFields,
  type EndpointProtocol,
  type ShapeNode,
} from '../../src/learn/index.js';
import { makeExchange, sseBody } from '../support/make-exchange.js';
import { editRequest, turns } from './support.js';

function field(endpoint: EndpointProtocol, location: string, path: string): ShapeNode {
  const found = requestFields(endpoint).find((f) => f.location === location && f.path === path);
  if (!found) throw new Error(`no ${location} ${path}`);
  return found.node;
}

describe('learnProtocol', () => {
  const protocol = learnProtocol(turns('web', 4));
  const completions = protocol.endpoints.get('chat.completions')!;

  it('learns each endpoint the browser called, with its method, path and sample count', () => {
    expect([...protocol.endpoints.keys()]).toEqual(['chats.new', 'chat.completions']);
    expect(completions).toMatchObject({ method: 'POST', path: '/api/v2/chat/completions', samples: 4 });
    expect(completions.sources).toEqual({ browser: 4 });
  });

  it('learns headers, cookies and query parameters with how often each came and what kind it was', () => {
    const authorization = field(completions, 'header', 'authorization');
    expect(authorization.seen).toBe(4);
    expect(formatOf(authorization)).toBe('bearer-jwt');
    expect(formatOf(field(completions, 'header', 'x-request-id'))).toBe('uuid');
    expect(formatOf(field(completions, 'header', 'timezone'))).toBe('date-string');
    expect(formatOf(field(completions, 'query', 'chat_id'))).toBe('uuid');
    expect(kindsOf(field(completions, 'cookie', 'token'))).toEqual(['jwt']);
    const fields = requestFields(completions);
    expect(fields.filter((f) => f.location !== 'body').every((f) => f.required)).toBe(true);
  });

  it('makes enums of identifier-like values: chat_type, model, the version header, the content type', () => {
    expect(enumOf(field(completions, 'body', 'messages[*].chat_type'))).toEqual(['t2t']);
    expect(enumOf(field(completions, 'body', 'model'))).toEqual(['qwen3-max']);
    expect(enumOf(field(completions, 'header', 'version'))).toEqual(['0.2.63']);
    expect(enumOf(field(completions, 'header', 'content-type'))).toEqual(['application/json']);
    expect(enumOf(field(completions, 'header', 'accept'))).toEqual(['text/event-stream']);
  });

  it('never makes an enum of ids, times, tokens, secrets or what the user typed', () => {
    for (const [location, path] of [
      ['header', 'x-request-id'],
      ['header', 'authorization'],
      ['cookie', 'token'],
      ['cookie', 'ssxmod_itna'],
      ['body', 'chat_id'],
      ['body', 'timestamp'],
      ['body', 'messages[*].fid'],
      ['body', 'messages[*].content'],
    ] as const) {
      const node = field(completions, location, path);
      expect(enumOf(node), `${location} ${path}`).toBeUndefined();
      expect(node.values, `${location} ${path}`).toBeUndefined();
    }
  });

  it('never keeps the value of a field whose values differ in every request, whatever they look like', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{2,12}$/), { minLength: 3, maxLength: 8 }),
        (ids) => {
          const exchanges = ids.map((id) =>
            makeExchange({ request: { body: JSON.stringify({ stream: true, request_tag: id }) } }),
          );
          const learnt = learnProtocol(exchanges).endpoints.get('chat.completions')!;
          expect(enumOf(field(learnt, 'body', 'request_tag'))).toBeUndefined();
        },
      ),
      { numRuns: 50 },
    );
  });

  it('learns the body as a tree: required keys, optional ones, and the items of arrays', () => {
    const body = completions.request.keys!.get('body')!;
    expect(isRequired(body, completions.request)).toBe(true);
    const message = field(completions, 'body', 'messages[*]');
    expect(message.types).toEqual({ object: 4 });
    expect(
      isRequired(field(completions, 'body', 'messages[*].extra.meta'), field(completions, 'body', 'messages[*].extra')),
    ).toBe(true);
    expect(kindsOf(field(completions, 'body', 'messages[*].timestamp'))).toEqual(['timestamp-s']);
    expect(field(completions, 'body', 'parent_id').types).toEqual({ null: 4 });
    const mixed = learnProtocol([
      makeExchange({ request: { body: '{"a":1,"b":"x"}' } }),
      makeExchange({ request: { body: '{"a":2}' } }),
    ]).endpoints.get('chat.completions')!;
    const root = mixed.request.keys!.get('body')!;
    expect(isRequired(root.keys!.get('a')!, root)).toBe(true);
    expect(isRequired(root.keys!.get('b')!, root)).toBe(false);
  });

  it('learns the event stream: phases, statuses, and that response.created comes first and finished last', () => {
    const stream = completions.response.stream!;
    expect(stream.streams).toBe(4);
    expect(stream.phases).toEqual({ answer: expect.any(Number) });
    expect(Object.keys(stream.statuses).sort()).toEqual(['finished', 'typing']);
    expect(stream.order).toEqual({ 'created-first': 4, 'finished-last': 4 });
    expect(stream.event.keys?.has('response.created')).toBe(true);
    expect(completions.response.statuses).toEqual({ '200': 4 });
    expect(completions.response.contentTypes).toEqual({ 'text/event-stream': 4 });
  });

  it('reads the events from the body when the capture did not record them one by one', () => {
    const events = [
      { t: 1, data: '{"response.created":{"chat_id":"c","response_id":"r"}}' },
      { t: 2, data: '{"choices":[{"delta":{"content":"Hi","phase":"answer","status":"typing"}}]}' },
      { t: 3, data: '{"choices":[{"delta":{"content":"","phase":"answer","status":"finished"}}]}' },
      { t: 4, data: '[DONE]' },
    ];
    const learnt = learnProtocol([makeExchange({ response: { body: sseBody(events), sse: undefined } })]);
    const stream = learnt.endpoints.get('chat.completions')!.response.stream!;
    expect(stream.events).toBe(3);
    expect(stream.order).toEqual({ 'created-first': 1, 'finished-last': 1, 'done-marker': 1 });
  });

  it('learns JSON envelopes, and counts error envelopes by the reader’s failure name', () => {
    const seed = learnProtocol(turns('seed-v4', 2)).endpoints.get('chat.completions')!;
    expect(seed.response.failures).toEqual({ Internal_Server_Error: 2 });
    expect(seed.response.body?.keys?.get('data')?.keys?.has('code')).toBe(true);
    expect(enumOf(seed.response.body!.keys!.get('data')!.keys!.get('code')!)).toEqual(['Internal_Server_Error']);
  });

  it('skips traffic that is not the API (pages, scripts) and counts it', () => {
    const page = makeExchange({
      endpoint: undefined,
      request: { method: 'GET', url: 'https://chat.qwen.ai/', body: undefined },
    });
    const learnt = learnProtocol([page, ...turns('web', 1)]);
    expect(learnt.learntFrom).toMatchObject({ exchanges: 2, skipped: 1 });
  });

  it('names an API path the protocol model does not know by its method and template', () => {
    const odd = makeExchange({
      endpoint: undefined,
      request: {
        method: 'GET',
        url: 'https://chat.qwen.ai/api/v2/users/3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/settings',
        body: undefined,
      },
    });
    expect([...learnProtocol([odd]).endpoints.keys()]).toEqual(['GET /api/v2/users/:id/settings']);
  });

  it('keeps apart the kinds of one field: seconds in one request, milliseconds in another', () => {
    const [chat, completion] = turns('web', 1);
    const ms = editRequest(completion!, (body) => (body.timestamp = body.timestamp * 1000));
    const learnt = learnProtocol([chat!, completion!, ms]).endpoints.get('chat.completions')!;
    expect(kindsOf(field(learnt, 'body', 'timestamp')).sort()).toEqual(['timestamp-ms', 'timestamp-s']);
    expect(formatOf(field(learnt, 'body', 'timestamp'))).toBeUndefined();
  });
});
