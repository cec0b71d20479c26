import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatPath,
  jsonLeaves,
  mapJsonLeaves,
  parsePath,
  pathPatternMatches,
  valueAtPath,
  type JsonValue,
} from '../../src/common/index.js';
import { requestFields } from '../../src/exchange/request-fields.js';
import { findVolatileRule } from '../../src/upstream/volatile-rules.js';
import { refreshRequest } from '../../src/upstream/refresh-request.js';
import { makeExchange } from '../support/make-exchange.js';

/** JSON with odd keys: dots, brackets, quotes, spaces, `__proto__`. */
const oddKey = fc.oneof(
  fc.constantFrom('a.b', 'x[0]', '"q"', 'sp ace', '__proto__', 'chat_type', ''),
  fc.string({ maxLength: 6 }),
);
const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string({ maxLength: 5 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(oddKey, tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('one body-path language for every folder', () => {
  it('every leaf path that jsonLeaves writes parses back and reads its own value', () => {
    fc.assert(
      fc.property(json, (value) => {
        for (const [path, leaf] of jsonLeaves(value)) {
          expect(parsePath(path), path).toBeDefined();
          expect(formatPath(parsePath(path)!)).toBe(path);
          expect(valueAtPath(value, path)).toEqual(leaf);
        }
      }),
    );
  });

  it('mapJsonLeaves offers the same paths as jsonLeaves and rebuilds the value unchanged by identity', () => {
    fc.assert(
      fc.property(json, (value) => {
        const seen: string[] = [];
        const rebuilt = mapJsonLeaves(value, (path, leaf) => (seen.push(path), leaf));
        expect(seen).toEqual(jsonLeaves(value).map(([p]) => p));
        expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('quotes a key with a dot, so refresh, volatile rules and diff name the same field', () => {
    const body = { extra: { 'a.b': 1, plain: 2 } };
    expect(jsonLeaves(body).map(([p]) => p)).toEqual(['extra["a.b"]', 'extra.plain']);
    const fields = requestFields(makeExchange({ request: { body: JSON.stringify(body) } }).request);
    expect(fields.filter((f) => f.location === 'body').map((f) => f.path)).toEqual(['extra["a.b"]', 'extra.plain']);
  });

  it('matches [*] patterns against any index and nothing else', () => {
    expect(pathPatternMatches('messages[*].fid', 'messages[0].fid')).toBe(true);
    expect(pathPatternMatches('messages[*].fid', 'messages[12].fid')).toBe(true);
    expect(pathPatternMatches('messages[*].fid', 'messages.fid')).toBe(false);
    expect(pathPatternMatches('messages[*].fid', 'messages[0].fid.x')).toBe(false);
    expect(pathPatternMatches('messages[*].fid', 'messages[x].fid')).toBe(false);
    expect(pathPatternMatches('a.b', 'a.b')).toBe(true);
    expect(pathPatternMatches('a.b', 'a["b"]')).toBe(false);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(20), oddKey), { maxLength: 4 }), (segments) => {
        const path = formatPath(segments);
        const pattern = formatPath(segments.map((s) => (typeof s === 'number' ? 0 : s))).replace(/\[0\]/g, '[*]');
        expect(pathPatternMatches(pattern, path)).toBe(true);
      }),
    );
  });

  it('volatile rules and refreshRequest find fields by the same paths', () => {
    const request = makeExchange({
      request: { body: JSON.stringify({ messages: [{ fid: 'f-old', 'odd.key': 'x' }] }) },
    }).request;
    const fid = requestFields(request).find((f) => f.path === 'messages[0].fid');
    expect(fid && findVolatileRule(fid.location, fid.path, 'chat.completions')?.refresh).toBe('uuid');
    const clock = { uuid: () => 'f-new', nowMs: () => 1_750_000_000_000 };
    const { request: fresh } = refreshRequest(request, 'chat.completions', { idClock: clock });
    expect(JSON.parse(fresh.body!)).toEqual({ messages: [{ fid: 'f-new', 'odd.key': 'x' }] });
  });
});
