import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cookieRecord, formatCookiePairs, isLoopbackHost, parseCookiePairs } from '../../src/common/index.js';

describe('the Cookie header', () => {
  it('reads pairs in order, trimmed, repeats kept; a pair without = is a name with an empty value', () => {
    expect(parseCookiePairs(' a=1;b = 2 ; flag; ;a=3; =x')).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
      { name: 'flag', value: '' },
      { name: 'a', value: '3' },
    ]);
  });

  it('gives the first value of a repeated name as a record, like a server reads it', () => {
    expect(cookieRecord('token=t1; token=t2; cna=c')).toEqual({ token: 't1', cna: 'c' });
    expect(cookieRecord(undefined)).toEqual({});
    expect(cookieRecord('__proto__=x')).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it('round-trips pairs without ; = or surrounding spaces', () => {
    const part = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/[;=]/.test(s) && s.trim() === s);
    fc.assert(
      fc.property(fc.array(fc.record({ name: part, value: part }), { maxLength: 5 }), (pairs) => {
        expect(parseCookiePairs(formatCookiePairs(pairs))).toEqual(pairs);
      }),
    );
  });
});

describe('isLoopbackHost', () => {
  it('knows every spelling of this machine', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      'localhost.',
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
      '[::ffff:127.9.9.9]',
    ])
      expect(isLoopbackHost(host), host).toBe(true);
  });

  it('refuses other hosts, including look-alikes', () => {
    for (const host of [
      '0.0.0.0',
      '10.0.0.1',
      '127.0.0.1.evil.test',
      'localhost.evil.test',
      '::',
      '::ffff:10.0.0.1',
      '127.0.0.256',
      'example.com',
      '',
    ])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});
