/**
 * The condition kinds of the 2026 era on their own: the TLS fingerprint, what they do in a world that
 * knows nothing of the anti-bot layer, and their JSON forms (kind and one-key).
 */
import { describe, expect, it } from 'vitest';
import { cookieRecord } from '../../src/common/index.js';
import { BROWSER_JA4, conditionSchema, type Condition } from '../../src/simulator/index.js';
import { parseBody, type RequestFacts } from '../../src/simulator/request-facts.js';
import { evaluateCondition, type RuleWorld } from '../../src/simulator/rules-engine.js';

const UNDICI_JA4 = 't13i5910h1_a33745022dd6_1f22a2ca17c4';

function facts(init: { tls?: RequestFacts['tls']; cookie?: string; body?: string } = {}): RequestFacts {
  const headers = new Headers(init.cookie ? { cookie: init.cookie } : {});
  const bodyText = init.body ?? '';
  return {
    endpoint: 'chat.completions',
    method: 'POST',
    url: new URL('http://sim.test/api/v2/chat/completions?chat_id=c'),
    headers,
    cookies: cookieRecord(headers.get('cookie')),
    bodyText,
    body: parseBody(bodyText),
    token: { kind: 'missing' },
    tls: init.tls,
  };
}

/** A world as a test or an older caller builds it: no anti-bot and no turn knowledge. */
const bareWorld: RuleWorld = { modelIds: new Set(), chatExists: () => true, lastResponseId: () => null };

describe('tlsFingerprintNotIn', () => {
  const rule: Condition = { kind: 'tlsFingerprintNotIn', ja4: BROWSER_JA4 };
  it("holds for Node's JA4 over TLS, not for Chromium's, and never on plain HTTP", () => {
    expect(evaluateCondition(rule, facts({ tls: { ja4: UNDICI_JA4, ja3: 'x' } }), bareWorld)).toBe(true);
    for (const ja4 of BROWSER_JA4)
      expect(evaluateCondition(rule, facts({ tls: { ja4, ja3: 'y' } }), bareWorld)).toBe(false);
    expect(evaluateCondition(rule, facts(), bareWorld)).toBe(false);
  });
});

describe('2026 conditions in a world without the anti-bot layer', () => {
  it('never hold: there is nothing to check against', () => {
    const conditions: Condition[] = [
      { kind: 'signatureInvalid', signature: 'bx-ua' },
      { kind: 'signatureOlderThan', signature: 'bx-umidtoken', seconds: 1 },
      { kind: 'cookieNotFresh', name: 'acw_tc', seconds: 1 },
      { kind: 'cookieShared', name: 'acw_tc' },
      { kind: 'blocksAtLeast', block: 'soft-block', count: 1, withinSeconds: 60 },
      { kind: 'chatStreaming' },
      { kind: 'modelForcesThinking', location: 'body', path: 'model' },
      { kind: 'quotaExhausted', location: 'body', path: 'model' },
    ];
    const f = facts({ cookie: 'acw_tc=x', body: '{"model":"qwen3.8-max"}' });
    for (const c of conditions) expect(evaluateCondition(c, f, bareWorld), c.kind).toBe(false);
  });
});

describe('matches', () => {
  it('tests a string field with a regular expression; a bad pattern never matches', () => {
    const f = facts({ body: '{"messages":[{"content":"say [[inspection]]"}]}' });
    const at = { location: 'body', path: 'messages[0].content' } as const;
    expect(evaluateCondition({ kind: 'matches', ...at, pattern: '\\[\\[inspection\\]\\]' }, f, bareWorld)).toBe(true);
    expect(evaluateCondition({ kind: 'matches', ...at, pattern: '^nope' }, f, bareWorld)).toBe(false);
    expect(evaluateCondition({ kind: 'matches', ...at, pattern: '(' }, f, bareWorld)).toBe(false);
  });
});

describe('the JSON forms of the 2026 kinds', () => {
  it('parse in the kind form and in the one-key form of older profile files', () => {
    expect(conditionSchema.parse({ cookieShared: 'acw_tc' })).toEqual({ kind: 'cookieShared', name: 'acw_tc' });
    expect(conditionSchema.parse({ signatureInvalid: 'bx-pp' })).toEqual({
      kind: 'signatureInvalid',
      signature: 'bx-pp',
    });
    expect(conditionSchema.parse({ tlsFingerprintNotIn: ['a'] })).toEqual({ kind: 'tlsFingerprintNotIn', ja4: ['a'] });
    expect(
      conditionSchema.parse({ kind: 'blocksAtLeast', block: 'captcha', count: 3, withinSeconds: 600 }),
    ).toMatchObject({ kind: 'blocksAtLeast' });
    expect(conditionSchema.safeParse({ kind: 'signatureInvalid', signature: 'bx-zz' }).success).toBe(false);
    expect(
      conditionSchema.safeParse({ kind: 'blocksAtLeast', block: 'soft-block', count: 0, withinSeconds: 1 }).success,
    ).toBe(false);
  });
});
