import { describe, expect, it } from 'vitest';
import { classifyValue, classifyString, describeKind, isEnumLike } from '../../src/diff/value-kind.js';
import { compressToken } from '../../src/upstream/shapes.js';
import { FIXTURE_TOKEN } from './support/fixture-captures.js';

describe('classifyValue', () => {
  it('recognises a uuid, a JWT with its expiry, and a Bearer prefix', () => {
    expect(classifyString('3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f').kind).toBe('uuid');
    expect(classifyString(FIXTURE_TOKEN)).toMatchObject({ kind: 'jwt', exp: '2026-09-21' });
    expect(classifyString(`Bearer ${FIXTURE_TOKEN}`)).toMatchObject({ kind: 'jwt', bearer: true });
  });

  it('tells the seed\'s gzip+base64 "compressed" token from a JWT', () => {
    expect(classifyString(compressToken(FIXTURE_TOKEN)).kind).toBe('gzip-base64');
  });

  it('tells ms from s timestamps, as numbers and as numeric strings', () => {
    expect(classifyValue(1_760_061_137_570)?.kind).toBe('timestamp-ms');
    expect(classifyValue(1_760_061_137)?.kind).toBe('timestamp-s');
    expect(classifyValue('1760061137570')?.kind).toBe('timestamp-ms');
    expect(classifyValue(50)?.kind).toBe('number');
    expect(classifyValue(0.5)?.kind).toBe('number');
  });

  it('recognises hex, base64, urls, dates, enum-like identifiers and free text', () => {
    expect(classifyString('a'.repeat(64)).kind).toBe('hex');
    expect(classifyString('U29tZSBiYXNlNjQgZGF0YSBoZXJlIQ==').kind).toBe('base64');
    expect(classifyString('https://chat.qwen.ai/c/abc').kind).toBe('url');
    expect(classifyString('Mon Jun 15 2026 12:00:00 GMT+0800').kind).toBe('date-string');
    expect(classifyString('2026-06-15T12:00:00Z').kind).toBe('date-string');
    for (const v of ['t2t', 'text', 'qwen3-235b-a22b', 'qwen-turbo', 'Disabled', '2.1'])
      expect(classifyString(v).kind, v).toBe('enum');
    expect(classifyString('Hello! How are you today?').kind).toBe('text');
    expect(classifyString('').kind).toBe('empty');
  });

  it('counts a value the capture already redacted as the kind it hides', () => {
    expect(classifyString('«jwt 209 chars exp 2026-12-01»')).toEqual({
      kind: 'jwt',
      length: 209,
      exp: '2026-12-01',
      redacted: true,
    });
    expect(classifyString('Bearer «gzip+base64 312 chars»')).toMatchObject({
      kind: 'gzip-base64',
      length: 312,
      bearer: true,
    });
    expect(classifyString('«opaque 26 chars»').kind).toBe('secret');
  });

  it('treats booleans and null as enum-like, numbers and text not', () => {
    expect(isEnumLike(classifyValue(true))).toBe(true);
    expect(isEnumLike(classifyValue(null))).toBe(true);
    expect(isEnumLike(classifyValue(42))).toBe(false);
    expect(isEnumLike(classifyValue('a long sentence with spaces'))).toBe(false);
  });

  it('describes a kind the way reports print it', () => {
    expect(describeKind(classifyString(`Bearer ${FIXTURE_TOKEN}`))).toBe(
      `Bearer jwt, ${FIXTURE_TOKEN.length} chars, exp 2026-09-21`,
    );
    expect(describeKind(undefined)).toBe('absent');
  });
});
