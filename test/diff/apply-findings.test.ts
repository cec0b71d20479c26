import { describe, expect, it } from 'vitest';
import { applyFindings } from '../../src/diff/apply-findings.js';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import type { ExchangeRequest } from '../../src/exchange/exchange.js';
import { browserWebCapture, shapeCapture } from './support/fixture-captures.js';
import { exchangeOf, jsonRequest } from './support/requests.js';
import { headerList } from '../support/header-list.js';

function diffOf(good: ExchangeRequest, bad: ExchangeRequest) {
  return diffCaptures([exchangeOf(good)], [exchangeOf(bad)]).pairs[0]?.findings ?? [];
}

describe('applyFindings', () => {
  it('makes BAD equal GOOD when every finding is applied (seed-v4 against the browser)', () => {
    const good = browserWebCapture();
    const bad = shapeCapture('seed-v4', { startMs: 1_760_000_000_000, chatId: '9a8b7c6d-1111-4222-8333-444455556666' });
    const result = diffCaptures(good, bad);
    for (const pair of result.pairs) {
      const fixed = applyFindings(pair.bad.exchange.request, pair.findings, pair.good.exchange.request);
      expect(diffOf(pair.good.exchange.request, fixed)).toEqual([]);
    }
  });

  it('applies one finding and leaves the rest of the request byte-identical', () => {
    const good = jsonRequest({ model: 'qwen3-max', messages: [{ chat_type: 't2t', content: 'Hi' }] });
    const badBody = '{"model":"qwen-turbo","messages":[{"chat_type":"text","content":"Hi"}]}';
    const bad: ExchangeRequest = {
      ...good,
      headers: headerList({ 'content-type': 'application/json', 'X-Lib': '1' }),
      body: badBody,
    };
    const findings = diffOf(good, bad);
    const chatType = findings.filter((f) => f.id === 'body:messages[0].chat_type');
    const fixed = applyFindings(bad, chatType, good);
    expect(fixed.body).toBe('{"model":"qwen-turbo","messages":[{"chat_type":"t2t","content":"Hi"}]}');
    expect(fixed.headers).toEqual(bad.headers);
    expect(fixed.url).toBe(bad.url);
    const headerOnly = applyFindings(
      bad,
      findings.filter((f) => f.location === 'header'),
      good,
    );
    expect(headerOnly.body).toBe(badBody);
  });

  it("keeps the body's indentation when it re-serialises it", () => {
    const good = jsonRequest({ a: 1, b: 2 });
    const bad = { ...good, body: '{\n    "a": 1\n}' };
    expect(applyFindings(bad, diffOf(good, bad), good).body).toBe('{\n    "a": 1,\n    "b": 2\n}');
  });

  it('sets and removes query parameters without touching the others', () => {
    const good = jsonRequest({}, { url: 'https://chat.qwen.ai/api/v9/x?keep=a%20b&chat_id=1' });
    const bad = jsonRequest({}, { url: 'https://chat.qwen.ai/api/v9/x?keep=a%20b&debug=1' });
    const fixed = applyFindings(bad, diffOf(good, bad), good);
    expect(fixed.url).toBe('https://chat.qwen.ai/api/v9/x?keep=a%20b&chat_id=1');
  });

  it("adds missing headers where GOOD's order puts them and cookies into the Cookie header", () => {
    const good: ExchangeRequest = {
      method: 'GET',
      url: 'https://chat.qwen.ai/api/models',
      headers: headerList({ Accept: '*/*', source: 'web', 'User-Agent': 'UA', Cookie: 'token=t; ssxmod_itna=s' }),
    };
    const bad: ExchangeRequest = {
      method: 'GET',
      url: 'https://chat.qwen.ai/api/models',
      headers: headerList({ accept: '*/*', 'user-agent': 'UA', cookie: 'token=t' }),
    };
    const fixed = applyFindings(bad, diffOf(good, bad), good);
    expect(fixed.headers).toEqual([
      { name: 'accept', value: '*/*' },
      { name: 'source', value: 'web' },
      { name: 'user-agent', value: 'UA' },
      { name: 'cookie', value: 'token=t; ssxmod_itna=s' },
    ]);
  });

  it("fixes a shared-value mismatch by copying BAD's own value across", () => {
    const good = jsonRequest({ chat_id: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' });
    const bad = jsonRequest({ chat_id: '99999999-9999-4999-8999-999999999999' });
    const shared = diffOf(good, bad).filter((f) => f.id === 'shared:chat_id');
    const fixed = applyFindings(bad, shared, good);
    expect(JSON.parse(fixed.body!)).toEqual({ chat_id: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' });
  });

  it('replaces a body of another type whole and updates Content-Length', () => {
    const good = jsonRequest({ a: 1 });
    const bad: ExchangeRequest = { ...good, headers: [{ name: 'Content-Length', value: '3' }], body: 'a=1' };
    const fixed = applyFindings(bad, diffOf(good, bad), good);
    expect(fixed.body).toBe(good.body);
    expect(fixed.headers).toContainEqual({ name: 'Content-Length', value: String(good.body!.length) });
  });

  it('changes the method and the path when the request went elsewhere', () => {
    const good = jsonRequest({}, { url: 'https://chat.qwen.ai/api/v2/chat/completions?chat_id=1' });
    const bad = jsonRequest({}, { url: 'https://chat.qwen.ai/api/chat/completions?chat_id=1', method: 'PUT' });
    const fixed = applyFindings(bad, diffOf(good, bad), good);
    expect([fixed.method, fixed.url]).toEqual(['POST', 'https://chat.qwen.ai/api/v2/chat/completions?chat_id=1']);
  });
});
