/** Input a diff must survive: a clear message or a finding, never a crash. */
import { describe, expect, it } from 'vitest';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import { exchangeOf, jsonRequest } from './support/requests.js';

const get = (url: string) => exchangeOf({ method: 'GET', url, headers: [] });

describe('diff on awkward input', () => {
  it('says there is nothing to compare when no request pairs', () => {
    const result = diffCaptures(
      [get('https://x/api/models'), get('https://x/api/v2/chats/')],
      [get('https://x/api/v1/auths/')],
    );
    expect(result.verdict).toBe('nothing-to-compare');
    expect(result.explanation).toMatch(/^Nothing to compare/);
    expect(result.unpaired.good).toHaveLength(2);
  });

  it('handles empty captures as nothing to compare', () => {
    expect(diffCaptures([], []).verdict).toBe('nothing-to-compare');
  });

  it('compares binary bodies as a whole', () => {
    const good = { ...jsonRequest({}), body: 'AAECAw==', bodyEncoding: 'base64' as const };
    const bad = { ...jsonRequest({}), body: 'AAECBA==', bodyEncoding: 'base64' as const };
    const [f] = diffCaptures([exchangeOf(good)], [exchangeOf(bad)]).pairs[0]!.findings;
    expect(f).toMatchObject({ id: 'body', change: 'changed' });
  });

  it('reports a JSON body against a non-JSON one as a type change of the whole body', () => {
    const [f] = diffCaptures(
      [exchangeOf(jsonRequest({ a: 1 }))],
      [exchangeOf({ ...jsonRequest({}), body: '\uFFFD\uFFFDnot json' })],
    ).pairs[0]!.findings;
    expect(f).toMatchObject({ id: 'body', change: 'type-changed', category: 'type-changed' });
  });

  it('compares huge bodies as a whole instead of field by field, without a text diff', () => {
    const big = (c: string) => ({ ...jsonRequest({}), body: JSON.stringify({ content: c.repeat(9 * 1024 * 1024) }) });
    const findings = diffCaptures([exchangeOf(big('a'))], [exchangeOf(big('b'))]).pairs[0]!.findings;
    expect(findings.map((f) => f.id)).toEqual(['body']);
    expect(findings[0]!.textDiff).toBeUndefined();
  });

  it('refuses an ignore pattern that names no field, with usage advice', () => {
    expect(() => diffCaptures([], [], { ignore: ['nonsense here'] })).toThrow(/LOCATION PATH/);
  });

  it('drops findings an ignore pattern covers, children included, and counts them', () => {
    const result = diffCaptures(
      [exchangeOf(jsonRequest({ extra: { meta: 1 }, a: 1, messages: [{ content: 'x' }, { content: 'y' }] }))],
      [exchangeOf(jsonRequest({ extra: { meta: 2 }, a: 2, messages: [{ content: 'z' }, { content: 'w' }] }))],
      {
        ignore: ['body extra', 'body:messages[*].content'],
      },
    );
    expect(result.pairs[0]!.findings.map((f) => f.id)).toEqual(['body:a']);
    expect(result.summary.ignored).toBe(3);
  });
});
