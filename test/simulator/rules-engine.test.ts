import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/simulator/index.js';
import { cookieRecord, parsePath, valueAtPath } from '../../src/common/index.js';
import { parseBody, type RequestFacts } from '../../src/simulator/request-facts.js';
import { evaluateCondition, type RuleWorld } from '../../src/simulator/rules-engine.js';

function facts(
  init: { query?: string; headers?: Record<string, string>; body?: string; token?: RequestFacts['token'] } = {},
): RequestFacts {
  const headers = new Headers(init.headers ?? {});
  const bodyText = init.body ?? '';
  return {
    endpoint: 'chat.completions',
    method: 'POST',
    url: new URL(`http://sim.test/api/v2/chat/completions${init.query ?? ''}`),
    headers,
    cookies: cookieRecord(headers.get('cookie')),
    bodyText,
    body: parseBody(bodyText),
    token: init.token ?? { kind: 'missing' },
  };
}

const world: RuleWorld = {
  modelIds: new Set(['qwen3-max']),
  chatExists: (id) => id === 'known',
  lastResponseId: (id) => (id === 'known' ? 'resp-1' : undefined),
};

const holds = (c: Condition, f: RequestFacts) => evaluateCondition(c, f, world);

describe('body paths (the common body-path language, as rules read it)', () => {
  it('splits and reads dotted paths with array indexes', () => {
    expect(parsePath('messages[0].feature_config.output_schema')).toEqual([
      'messages',
      0,
      'feature_config',
      'output_schema',
    ]);
    const value = { messages: [{ chat_type: 'text', extra: {} }] };
    expect(valueAtPath(value, 'messages[0].chat_type')).toBe('text');
    expect(valueAtPath(value, 'messages[1].chat_type')).toBeUndefined();
    expect(valueAtPath(value, 'messages.chat_type')).toBeUndefined();
    expect(valueAtPath({ a: null }, 'a')).toBeNull();
    expect(valueAtPath('text', 'length')).toBeUndefined();
  });
});

describe('the condition language', () => {
  const body = JSON.stringify({
    model: 'qwen-turbo',
    stream: false,
    chat_id: 'known',
    messages: [{ role: 'user', chat_type: 'text', fid: null }],
  });
  const f = facts({
    query: '?chat_id=known',
    body,
    headers: { 'X-Request-Id': 'r', cookie: 'ssxmod_itna=1-abc; token=t' },
  });

  it('tells missing from present, with null counting as present', () => {
    expect(holds({ kind: 'missing', location: 'body', path: 'session_id' }, f)).toBe(true);
    expect(holds({ kind: 'present', location: 'body', path: 'messages[0].fid' }, f)).toBe(true);
    expect(holds({ kind: 'missing', location: 'query', path: 'chat_id' }, f)).toBe(false);
  });

  it('compares values with equals, in and notIn, treating an absent value as notIn any list', () => {
    expect(holds({ kind: 'equals', location: 'body', path: 'stream', value: false }, f)).toBe(true);
    expect(holds({ kind: 'equals', location: 'body', path: 'nothing', value: null }, f)).toBe(false);
    expect(holds({ kind: 'in', location: 'body', path: 'messages[0].role', values: ['user'] }, f)).toBe(true);
    expect(holds({ kind: 'notIn', location: 'body', path: 'messages[0].chat_type', values: ['t2t'] }, f)).toBe(true);
    expect(holds({ kind: 'notIn', location: 'body', path: 'messages[0].absent', values: ['t2t'] }, f)).toBe(true);
  });

  it('reads headers case-insensitively and cookies by name', () => {
    expect(holds({ kind: 'headerMissing', name: 'x-request-id' }, f)).toBe(false);
    expect(holds({ kind: 'headerMissing', name: 'bx-v' }, f)).toBe(true);
    expect(holds({ kind: 'equals', location: 'header', path: 'x-request-id', value: 'r' }, f)).toBe(true);
    expect(holds({ kind: 'cookieMissing', name: 'ssxmod_itna' }, f)).toBe(false);
    expect(holds({ kind: 'cookieMissing', name: 'ssxmod_itna2' }, f)).toBe(true);
    expect(holds({ kind: 'equals', location: 'cookie', path: 'ssxmod_itna', value: '1-abc' }, f)).toBe(true);
  });

  it('asks the world about models, chats and the last response', () => {
    expect(holds({ kind: 'notListedModel', location: 'body', path: 'model' }, f)).toBe(true);
    expect(holds({ kind: 'unknownChat', location: 'query', path: 'chat_id' }, f)).toBe(false);
    expect(
      holds({ kind: 'unknownChat', location: 'query', path: 'chat_id' }, facts({ query: '?chat_id=random' })),
    ).toBe(true);
    expect(holds({ kind: 'unknownChat', location: 'query', path: 'chat_id' }, facts())).toBe(false);
    expect(holds({ kind: 'parentMismatch' }, f)).toBe(true);
    expect(holds({ kind: 'parentMismatch' }, facts({ query: '?chat_id=known', body: '{"parent_id":"resp-1"}' }))).toBe(
      false,
    );
  });

  it('checks tokens, JSON, sizes, lengths and differing fields', () => {
    expect(holds({ kind: 'token', state: 'missing' }, f)).toBe(true);
    expect(holds({ kind: 'invalidJson' }, facts({ body: '{' }))).toBe(true);
    expect(holds({ kind: 'invalidJson' }, facts({ body: '' }))).toBe(false);
    expect(holds({ kind: 'bodyLargerThan', bytes: 10 }, f)).toBe(true);
    expect(holds({ kind: 'lengthNot', location: 'body', path: 'messages', length: 1 }, f)).toBe(false);
    expect(holds({ kind: 'lengthNot', location: 'body', path: 'model', length: 1 }, f)).toBe(true);
    const queryChatId = { location: 'query', path: 'chat_id' } as const;
    const body = (path: string) => ({ location: 'body', path }) as const;
    expect(holds({ kind: 'differ', fields: [queryChatId, body('chat_id')] }, f)).toBe(false);
    expect(holds({ kind: 'differ', fields: [queryChatId, body('model')] }, f)).toBe(true);
  });

  it('combines conditions with all, any and not', () => {
    const t: Condition = { kind: 'always' };
    const no: Condition = { kind: 'not', condition: t };
    expect(holds({ kind: 'all', conditions: [t, t] }, f)).toBe(true);
    expect(holds({ kind: 'all', conditions: [t, no] }, f)).toBe(false);
    expect(holds({ kind: 'any', conditions: [no, t] }, f)).toBe(true);
    expect(holds({ kind: 'any', conditions: [] }, f)).toBe(false);
  });
});
