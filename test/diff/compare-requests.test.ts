import { describe, expect, it } from 'vitest';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import type { Finding } from '../../src/diff/finding.js';
import { compressToken } from '../../src/upstream/shapes.js';
import { FIXTURE_TOKEN } from './support/fixture-captures.js';
import { COMPLETIONS_URL, exchangeOf, jsonRequest } from './support/requests.js';

function findingsOf(good: Parameters<typeof exchangeOf>[0], bad: Parameters<typeof exchangeOf>[0]): Finding[] {
  const result = diffCaptures([exchangeOf(good)], [exchangeOf(bad)]);
  return [...result.pairs[0]!.findings];
}
const byId = (fs: readonly Finding[], id: string) => fs.find((f) => f.id === id);

describe('comparing two requests', () => {
  it('finds nothing when the requests are the same', () => {
    const r = jsonRequest({ model: 'qwen3-max', messages: [{ role: 'user', content: 'Hi' }] });
    expect(findingsOf(r, r)).toEqual([]);
  });

  it('reports missing, extra, changed and type-changed fields with their paths', () => {
    const fs = findingsOf(
      jsonRequest({ model: 'qwen3-max', chat_mode: 'normal', n: 1, messages: [{ chat_type: 't2t' }] }),
      jsonRequest({ model: 'qwen3-max', n: '1', max_tokens: 50, messages: [{ chat_type: 'text' }] }),
    );
    expect(byId(fs, 'body:chat_mode')).toMatchObject({
      change: 'missing',
      good: 'normal',
      category: 'required-missing',
    });
    expect(byId(fs, 'body:max_tokens')).toMatchObject({ change: 'extra', bad: 50, category: 'extra-field' });
    expect(byId(fs, 'body:messages[0].chat_type')).toMatchObject({
      change: 'changed',
      good: 't2t',
      bad: 'text',
      category: 'enum-changed',
    });
    expect(byId(fs, 'body:n')).toMatchObject({ change: 'type-changed', category: 'type-changed' });
  });

  it('reports a missing object once, at its own path, not once per field inside it', () => {
    const fs = findingsOf(
      jsonRequest({ messages: [{ feature_config: { a: 1, b: 2, c: 3 } }] }),
      jsonRequest({ messages: [{}] }),
    );
    expect(fs.map((f) => f.id)).toEqual(['body:messages[0].feature_config']);
  });

  it('compares volatile fields by kind: a fresh uuid against a fresh uuid is noise', () => {
    const fs = findingsOf(
      { ...jsonRequest({}), headers: [{ name: 'x-request-id', value: '11111111-1111-4111-8111-111111111111' }] },
      { ...jsonRequest({}), headers: [{ name: 'X-Request-Id', value: '22222222-2222-4222-8222-222222222222' }] },
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ id: 'header:x-request-id', volatile: true, category: 'volatile' });
  });

  it('finds a JWT against a gzip+base64 blob in the Authorization header, with the protocol fact', () => {
    const fs = findingsOf(
      { ...jsonRequest({}), headers: [{ name: 'Authorization', value: `Bearer ${FIXTURE_TOKEN}` }] },
      { ...jsonRequest({}), headers: [{ name: 'Authorization', value: `Bearer ${compressToken(FIXTURE_TOKEN)}` }] },
    );
    const f = byId(fs, 'header:authorization')!;
    expect(f).toMatchObject({
      volatile: false,
      category: 'kind-mismatch',
      secret: true,
      kinds: { good: { kind: 'jwt' }, bad: { kind: 'gzip-base64' } },
    });
    expect(f.fact?.id).toBe('token-compressed');
    expect(f.explanation).not.toContain(FIXTURE_TOKEN);
  });

  it('recognises values shared across fields: chat_id in the query must equal chat_id in the body', () => {
    const fs = findingsOf(
      jsonRequest({ chat_id: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' }),
      jsonRequest({ chat_id: '99999999-5a6b-4c7d-8e9f-0a1b2c3d4e5f' }, { url: COMPLETIONS_URL }),
    );
    const shared = byId(fs, 'shared:chat_id')!;
    expect(shared).toMatchObject({
      location: 'body',
      path: 'chat_id',
      category: 'shared-mismatch',
      applyAs: { kind: 'copy', from: { location: 'query', path: 'chat_id' } },
    });
    expect(shared.explanation).toMatch(/must equal/);
  });

  it('reports header order separately from header values, as a cosmetic finding', () => {
    const fs = findingsOf(
      {
        ...jsonRequest({}),
        headers: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
      {
        ...jsonRequest({}),
        headers: [
          { name: 'b', value: '2' },
          { name: 'a', value: '1' },
        ],
      },
    );
    expect(fs.map((f) => [f.id, f.category])).toEqual([['header-order', 'cosmetic']]);
  });

  it('splits cookies and compares them one by one, every cookie as a secret', () => {
    const fs = findingsOf(
      { ...jsonRequest({}), headers: [{ name: 'Cookie', value: 'token=abc; theme=dark' }] },
      { ...jsonRequest({}), headers: [{ name: 'cookie', value: 'theme=light' }] },
    );
    expect(fs.map((f) => [f.id, f.change, f.secret])).toEqual([
      ['cookie:token', 'missing', true],
      ['cookie:theme', 'changed', true],
    ]);
  });

  it('word-diffs long strings such as prompts', () => {
    const prompt = 'Please summarise the following article about the history of tea in three sentences.';
    const fs = findingsOf(
      jsonRequest({ messages: [{ content: prompt }] }),
      jsonRequest({ messages: [{ content: prompt.replace('three', 'five') }] }),
    );
    expect(fs[0]!.textDiff).toEqual(
      expect.arrayContaining([
        { op: 'removed', text: 'three' },
        { op: 'added', text: 'five' },
      ]),
    );
  });

  it('learns fields that differ between two working requests as volatile', () => {
    const good = [
      exchangeOf(jsonRequest({ model: 'm', trace: 'aaaaaaaa-trace-run-0001 at node 1' })),
      exchangeOf(jsonRequest({ model: 'm', trace: 'bbbbbbbb-trace-run-0002 at node 2' })),
    ];
    const result = diffCaptures(good, [
      exchangeOf(jsonRequest({ model: 'm', trace: 'cccccccc-trace-run-0003 at node 3' })),
    ]);
    expect(result.pairs[0]!.findings).toMatchObject([
      { id: 'body:trace', volatile: true, volatileReason: 'its value differs between working requests too' },
    ]);
  });

  it('never learns enum-like fields as volatile: two working models prove nothing about a third', () => {
    const good = [
      exchangeOf(jsonRequest({ model: 'qwen3-max' })),
      exchangeOf(jsonRequest({ model: 'qwen3-235b-a22b' })),
    ];
    const result = diffCaptures(good, [exchangeOf(jsonRequest({ model: 'qwen-turbo' }))]);
    expect(result.pairs[0]!.findings[0]).toMatchObject({ id: 'body:model', volatile: false, category: 'enum-changed' });
  });
});
