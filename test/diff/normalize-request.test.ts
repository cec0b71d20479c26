import { describe, expect, it } from 'vitest';
import { normalizeRequest } from '../../src/diff/normalize-request.js';
import { headerList } from '../support/header-list.js';

describe('normalizeRequest', () => {
  it('lower-cases header names, joins duplicates and drops HTTP/2 pseudo and hop-by-hop headers', () => {
    const n = normalizeRequest({
      method: 'post',
      url: 'https://chat.qwen.ai/api/models',
      headers: headerList({
        ':authority': 'chat.qwen.ai',
        ':path': '/api/models',
        Accept: 'a',
        accept: 'b',
        Connection: 'keep-alive',
        'Content-Length': '12',
        Host: 'chat.qwen.ai',
      }),
    });
    expect(n.method).toBe('POST');
    expect(n.headers).toEqual([{ name: 'accept', rawName: 'Accept', value: 'a, b' }]);
    expect(n.endpoint).toBeUndefined(); // POST /api/models is not an endpoint the model knows
  });

  it('splits the Cookie header into cookies and keeps its place in the header order', () => {
    const n = normalizeRequest({
      method: 'GET',
      url: 'https://x/api/models',
      headers: headerList({ A: '1', Cookie: 'token=abc; ssxmod_itna=1-x=y; flag', B: '2' }),
    });
    expect(n.cookies).toEqual([
      { name: 'token', value: 'abc' },
      { name: 'ssxmod_itna', value: '1-x=y' },
      { name: 'flag', value: '' },
    ]);
    expect(n.headerOrder).toEqual(['a', 'cookie', 'b']);
    expect(n.endpoint).toBe('models');
  });

  it('parses the query string, repeated names into lists', () => {
    const n = normalizeRequest({ method: 'GET', url: 'https://x/api/v2/chats/?a=1&b=x%20y&a=2#frag', headers: [] });
    expect(n.query).toEqual({ a: ['1', '2'], b: 'x y' });
    expect(n.path).toBe('/api/v2/chats/');
  });

  it('parses JSON bodies whatever the content type says, and form bodies by their content type', () => {
    expect(
      normalizeRequest({
        method: 'POST',
        url: 'https://x/a',
        headers: [{ name: 'content-type', value: 'text/plain' }],
        body: '{"a":1}',
      }).body,
    ).toEqual({ kind: 'json', value: { a: 1 } });
    expect(
      normalizeRequest({
        method: 'POST',
        url: 'https://x/a',
        headers: [{ name: 'content-type', value: 'application/x-www-form-urlencoded' }],
        body: 'a=1&b=2',
      }).body,
    ).toEqual({ kind: 'form', value: { a: '1', b: '2' } });
    expect(normalizeRequest({ method: 'POST', url: 'https://x/a', headers: [], body: '{broken' }).body).toEqual({
      kind: 'text',
      text: '{broken',
    });
  });

  it('keeps binary bodies opaque and compares huge bodies as a whole', () => {
    expect(
      normalizeRequest({ method: 'POST', url: 'https://x/a', headers: [], body: 'AAEC', bodyEncoding: 'base64' }).body,
    ).toMatchObject({ kind: 'binary', bytes: 3 });
    const huge = `{"a":"${'x'.repeat(200)}"}`;
    expect(
      normalizeRequest({ method: 'POST', url: 'https://x/a', headers: [], body: huge }, { maxBodyChars: 100 }).body,
    ).toMatchObject({ kind: 'too-large', chars: huge.length });
  });

  it('survives URLs that are not URLs', () => {
    const n = normalizeRequest({ method: 'GET', url: '/api/models?x=1', headers: [] });
    expect(n).toMatchObject({ origin: '', path: '/api/models', query: { x: '1' }, endpoint: 'models' });
  });
});
