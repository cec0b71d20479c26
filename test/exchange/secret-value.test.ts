import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  describeSecret,
  formatSecret,
  isRedactedValue,
  parseRedactedValue,
  redactSecret,
} from '../../src/exchange/secret-value.js';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: unknown): string =>
  `${b64url({ alg: 'HS256', typ: 'JWT' })}.${typeof claims === 'string' ? claims : b64url(claims)}.${'s'.repeat(43)}`;

describe('describeSecret', () => {
  it('reads a JWT expiry from its payload as a UTC date', () => {
    const token = jwt({ id: 'u1', exp: Date.UTC(2026, 11, 1, 23, 0) / 1000 });
    expect(describeSecret(token)).toEqual({ kind: 'jwt', length: token.length, exp: '2026-12-01' });
  });

  it('still calls a JWT a jwt when its payload is unreadable or has no usable exp', () => {
    for (const payload of ['!!notbase64', b64url('just a string'), b64url({ exp: 'soon' }), b64url({ exp: 1e20 })]) {
      const token = jwt(payload).replace('!!', 'xx');
      expect(describeSecret(token)).toEqual({ kind: 'jwt', length: token.length });
    }
  });

  it('tells uuid, hex, gzip+base64, base64 and opaque values apart', () => {
    const gz = gzipSync(Buffer.from('{"a":1}')).toString('base64');
    expect(describeSecret('5f0c6a2e-8a43-4e0b-9a3e-1f2d3c4b5a69')).toEqual({ kind: 'uuid', length: 36 });
    expect(describeSecret('ab'.repeat(32))).toEqual({ kind: 'hex', length: 64 });
    expect(describeSecret(gz)).toEqual({ kind: 'gzip+base64', length: gz.length });
    expect(describeSecret(Buffer.from('some bytes that are not gzip').toString('base64'))).toMatchObject({
      kind: 'base64',
    });
    expect(describeSecret('hunter2')).toEqual({ kind: 'opaque', length: 7 });
    // Short strings that happen to be hex or base64 say nothing about their kind.
    expect(describeSecret('cafe')).toEqual({ kind: 'opaque', length: 4 });
  });
});

describe('redacted values', () => {
  it('are written as «kind N chars», with the expiry for a jwt and no length for a uuid', () => {
    expect(formatSecret({ kind: 'jwt', length: 209, exp: '2026-12-01' })).toBe('«jwt 209 chars exp 2026-12-01»');
    expect(formatSecret({ kind: 'gzip+base64', length: 312 })).toBe('«gzip+base64 312 chars»');
    expect(formatSecret({ kind: 'uuid', length: 36 })).toBe('«uuid»');
  });

  it('are recognised and read back to the description of the secret they replace', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.uuid(),
          fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16 }),
          fc.base64String({ minLength: 16 }),
        ),
        (secret) => {
          const redacted = redactSecret(secret);
          expect(isRedactedValue(redacted)).toBe(true);
          expect(parseRedactedValue(redacted)).toEqual(describeSecret(secret));
        },
      ),
    );
  });

  it('are left as they are when redacted again', () => {
    const once = redactSecret(jwt({ exp: 1_900_000_000 }));
    expect(redactSecret(once)).toBe(once);
  });

  it('are not confused with ordinary text', () => {
    for (const text of ['«hello»', '«jwt»', '«hex 12»', 'jwt 12 chars', '«opaque 3 chars» tail']) {
      expect(isRedactedValue(text)).toBe(false);
      expect(parseRedactedValue(text)).toBeUndefined();
    }
  });
});
