import { describe, expect, it } from 'vitest';
import { removableFields, withoutFields } from '../../src/bisect/removable-fields.js';
import type { ExchangeRequest } from '../../src/exchange/exchange.js';
import { headerList } from '../support/header-list.js';

const request: ExchangeRequest = {
  method: 'POST',
  url: 'https://chat.qwen.ai/api/v2/chat/completions?chat_id=abc&x=1',
  headers: headerList({
    Host: 'chat.qwen.ai',
    Authorization: 'Bearer t',
    Cookie: 'a=1; token=t; b=2',
    source: 'web',
    'Content-Length': '999',
  }),
  body: JSON.stringify({ stream: true, messages: [{ role: 'user', feature_config: { thinking: false } }], model: 'm' }),
};

describe('removableFields', () => {
  it('lists query, headers, cookies and body fields down to the fields of array elements', () => {
    expect(removableFields(request).map((f) => f.id)).toEqual([
      'query:chat_id',
      'query:x',
      'header:authorization',
      'header:source',
      'cookie:a',
      'cookie:token',
      'cookie:b',
      'body:stream',
      'body:messages[0].role',
      'body:messages[0].feature_config',
      'body:model',
    ]);
  });

  it('labels each field the way reports name it', () => {
    expect(removableFields(request).find((f) => f.id === 'body:messages[0].role')?.label).toBe('body messages[0].role');
  });
});

describe('withoutFields', () => {
  it('removes exactly the named fields and keeps everything else', () => {
    const fields = removableFields(request).filter((f) =>
      ['query:chat_id', 'header:source', 'cookie:token', 'body:messages[0].role'].includes(f.id),
    );
    const result = withoutFields(request, fields);
    expect(result.url).toBe('https://chat.qwen.ai/api/v2/chat/completions?x=1');
    expect(result.headers.map((h) => h.name)).toEqual(['Host', 'Authorization', 'Cookie', 'Content-Length']);
    expect(result.headers.find((h) => h.name === 'Cookie')?.value).toBe('a=1; b=2');
    expect(JSON.parse(result.body!)).toEqual({
      stream: true,
      messages: [{ feature_config: { thinking: false } }],
      model: 'm',
    });
  });

  it('returns the request itself when nothing is removed', () => {
    expect(withoutFields(request, [])).toBe(request);
  });
});
