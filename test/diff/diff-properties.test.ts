/**
 * Properties of the diff over random JSON bodies, headers and queries: the diff of A with A is
 * empty; every reported difference applies; applying them all to BAD yields GOOD (modulo volatile
 * fields when only the non-volatile ones are applied).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyFindings } from '../../src/diff/apply-findings.js';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import type { ExchangeRequest } from '../../src/exchange/exchange.js';
import { exchangeOf } from './support/requests.js';

const json = fc.jsonValue({ maxDepth: 4 });
// Mostly a completions URL, so that the protocol model's volatile rules and facts take part.
const url = fc.constantFrom(
  'https://chat.qwen.ai/api/v2/chat/completions',
  'https://chat.qwen.ai/api/v9/other',
  'https://chat.qwen.ai/api/v2/chats/new',
);
const query = fc.dictionary(fc.constantFrom('chat_id', 'a', 'b', 'x y'), fc.string({ maxLength: 6 }), { maxKeys: 3 });
// Header values never hold newlines, nor `;` here: a token copied into the Cookie header could not.
const headerName = fc.constantFrom('accept', 'x-request-id', 'authorization', 'source', 'timezone', 'X-Custom');
const headers = fc.uniqueArray(
  fc.record({
    name: headerName,
    value: fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(/[\r\n;]/g, ' ').trim() || 'v'),
  }),
  { selector: (h) => h.name.toLowerCase(), maxLength: 4 },
);
const cookies = fc.dictionary(
  fc.constantFrom('token', 'ssxmod_itna', 'theme'),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,10}$/),
  { maxKeys: 3 },
);

// JSON bodies mostly, sometimes plain text (compared whole) or none.
const body = fc.oneof(
  { weight: 4, arbitrary: json.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const request = fc
  .record({ url, query, headers, cookies, body })
  .map(({ url: u, query: q, headers: h, cookies: c, body }): ExchangeRequest => {
    const qs = new URLSearchParams(q).toString();
    const cookieHeader = Object.entries(c)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    return {
      method: 'POST',
      url: qs ? `${u}?${qs}` : u,
      headers: [...h, ...(cookieHeader ? [{ name: 'Cookie', value: cookieHeader }] : [])],
      ...(body !== undefined ? { body } : {}),
    };
  });

function findings(good: ExchangeRequest, bad: ExchangeRequest) {
  const result = diffCaptures([exchangeOf(good)], [exchangeOf(bad)], { textDiffs: false });
  expect(result.pairs).toHaveLength(1);
  return result.pairs[0]!.findings;
}

describe('diff properties over random requests', () => {
  it('the diff of A with A is empty', () => {
    fc.assert(
      fc.property(request, (a) => {
        expect(findings(a, a)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('applying every reported difference to BAD yields GOOD', () => {
    fc.assert(
      fc.property(request, request, (good, bad) => {
        const all = findings(good, bad);
        const fixed = applyFindings(bad, all, good);
        expect(findings(good, fixed)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('applying the non-volatile differences yields GOOD modulo volatile fields', () => {
    fc.assert(
      fc.property(request, request, (good, bad) => {
        const real = findings(good, bad).filter((f) => !f.volatile);
        const fixed = applyFindings(bad, real, good);
        expect(findings(good, fixed).filter((f) => !f.volatile)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('every reported difference applies on its own: the diff afterwards is smaller', () => {
    fc.assert(
      fc.property(request, request, (good, bad) => {
        const all = findings(good, bad);
        for (const f of all.slice(0, 8)) {
          // A fix may reveal a shared-value mismatch (a token header added next to a different
          // token cookie), so those are not counted.
          const own = (xs: readonly { id: string }[]) => xs.filter((x) => !x.id.startsWith('shared:')).length;
          const after = findings(good, applyFindings(bad, [f], good));
          // Removing an array element shifts its siblings, so an id may reappear; the count cannot.
          if (!f.id.startsWith('shared:')) expect(own(after), f.id).toBeLessThan(own(all));
          if (!/\[\d+\]$/.test(f.path))
            expect(
              after.map((x) => x.id),
              f.id,
            ).not.toContain(f.id);
        }
      }),
      { numRuns: 150 },
    );
  });
});
