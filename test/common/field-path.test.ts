import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath, getAtPath, parsePath, removeAtPath, setAtPath } from '../../src/common/field-path.js';
import type { JsonValue } from '../../src/common/json-value.js';

describe('body paths', () => {
  it('write identifiers with dots, indexes in brackets and odd keys quoted', () => {
    expect(formatPath(['messages', 0, 'chat_type'])).toBe('messages[0].chat_type');
    expect(formatPath(['extra', 'odd key'])).toBe('extra["odd key"]');
    expect(formatPath([2, 'x'])).toBe('[2].x');
    expect(formatPath([])).toBe('');
  });

  it('round-trip through parsePath for any keys, __proto__ and quotes included', () => {
    const segment = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.nat(50), fc.constant('__proto__'));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), (segments) => {
        expect(parsePath(formatPath(segments))).toEqual(segments);
      }),
    );
  });

  it('refuse strings no formatter writes', () => {
    for (const bad of ['.a', 'a..b', '[x]', 'a[1', '["a"', 'a b']) expect(parsePath(bad), bad).toBeUndefined();
  });

  it('set, get and remove own properties only, so __proto__ stays a plain key', () => {
    const root = JSON.parse('{"a":{"__proto__":1},"list":[1,2,3]}') as JsonValue;
    setAtPath(root, ['a', '__proto__'], 2);
    expect(getAtPath(root, ['a', '__proto__'])).toEqual({ found: true, value: 2 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    removeAtPath(root, ['list', 1]);
    expect(getAtPath(root, ['list'])).toEqual({ found: true, value: [1, 3] });
    expect(getAtPath(root, ['toString'])).toEqual({ found: false });
  });
});
