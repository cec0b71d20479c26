import { describe, expect, it } from 'vitest';
import { applyOverrides, parseOverride, pathSegments, replacePrompt } from '../../src/replay/field-override.js';
import type { ExchangeRequest } from '../../src/exchange/exchange.js';
import { headerList } from '../support/header-list.js';

const request: ExchangeRequest = {
  method: 'POST',
  url: 'http://127.0.0.1:8787/api/v2/chat/completions?chat_id=c1',
  headers: headerList({ Cookie: 'a=1; token=t', source: 'web' }),
  body: JSON.stringify({ model: 'qwen-turbo', messages: [{ role: 'user', content: 'Hello!', chat_type: 'text' }] }),
};

describe('parseOverride', () => {
  it('reads LOCATION:PATH=VALUE, LOCATION PATH=VALUE and a bare body path', () => {
    expect(parseOverride('body:messages[0].chat_type=t2t')).toEqual({
      location: 'body',
      path: 'messages[0].chat_type',
      value: 't2t',
    });
    expect(parseOverride('header x-foo=bar')).toEqual({ location: 'header', path: 'x-foo', value: 'bar' });
    expect(parseOverride('stream=false')).toEqual({ location: 'body', path: 'stream', value: false });
  });

  it('keeps a value that is not JSON as text, and refuses a missing =', () => {
    expect(parseOverride('body:model=qwen3-max').value).toBe('qwen3-max');
    expect(() => parseOverride('body:model')).toThrow(/PATH=VALUE/);
  });

  it('splits a body path into keys and indices', () => {
    expect(pathSegments('messages[0].extra.meta')).toEqual(['messages', 0, 'extra', 'meta']);
  });
});

describe('applyOverrides', () => {
  it('sets body, query, header and cookie fields, creating what is missing', () => {
    const result = applyOverrides(request, [
      parseOverride('body:messages[0].chat_type=t2t'),
      parseOverride('body:feature_config.thinking_enabled=true'),
      parseOverride('query:chat_id=c2'),
      parseOverride('header:source=app'),
      parseOverride('header:bx-v=2.5.36'),
      parseOverride('cookie:a=9'),
    ]);
    expect(JSON.parse(result.body!)).toMatchObject({
      messages: [{ chat_type: 't2t' }],
      feature_config: { thinking_enabled: true },
    });
    expect(result.url).toBe('http://127.0.0.1:8787/api/v2/chat/completions?chat_id=c2');
    expect(result.headers).toEqual([
      { name: 'Cookie', value: 'token=t; a=9' },
      { name: 'source', value: 'app' },
      { name: 'bx-v', value: '2.5.36' },
    ]);
  });

  it('refuses a body override on a body that is not JSON', () => {
    expect(() => applyOverrides({ ...request, body: 'plain' }, [parseOverride('body:x=1')])).toThrow(/not JSON/);
  });
});

describe('replacePrompt', () => {
  it('replaces the last user message and leaves other requests alone', () => {
    expect(JSON.parse(replacePrompt(request, 'Bonjour').body!).messages[0].content).toBe('Bonjour');
    const models: ExchangeRequest = { method: 'GET', url: 'http://x/api/models', headers: [] };
    expect(replacePrompt(models, 'x')).toBe(models);
  });
});
