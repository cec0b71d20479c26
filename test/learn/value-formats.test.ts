import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyString } from '../../src/diff/index.js';
import { FORMAT_KINDS, formatRegExp, formatBounds, stringKind } from '../../src/learn/index.js';
import { compressToken } from '../../src/upstream/shapes.js';
import { FIXTURE_TOKEN } from '../diff/support/fixture-captures.js';

/** Values the diff's classifier gives each format kind. */
const SAMPLES: Record<string, readonly string[]> = {
  uuid: ['3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f', '00000000-0000-4000-8000-000000000001'],
  jwt: [FIXTURE_TOKEN],
  'timestamp-ms': ['1780000000000'],
  'timestamp-s': ['1780000000'],
  'date-string': ['Sat Nov 28 2026 03:23:56 GMT+0000', '2026-11-28T03:23:56.000Z', '2026-11-28 03:23'],
  'gzip-base64': [compressToken(FIXTURE_TOKEN)],
  base64: ['QmFzZTY0IGlzIG5vdCBhIHRva2Vu=', 'aGVsbG8gd29ybGQgaGVsbG8='],
  hex: ['0123456789abcdef0123', 'DEADBEEFDEADBEEF'],
  url: ['https://chat.qwen.ai/c/3f1c2d4e', 'http://127.0.0.1:8787/'],
};

describe('value formats', () => {
  it('cover every kind a learnt schema may name as a format', () => {
    for (const kind of FORMAT_KINDS) expect(formatRegExp(kind), kind).toBeDefined();
  });

  it('accept every value the value-kind classifier calls that kind, with and without Bearer', () => {
    for (const [kind, values] of Object.entries(SAMPLES))
      for (const value of values) {
        expect(classifyString(value).kind, value).toBe(kind);
        expect(formatRegExp(kind)!.test(value), `${kind}: ${value}`).toBe(true);
        expect(formatRegExp(`bearer-${kind}`)!.test(`Bearer ${value}`), `bearer-${kind}`).toBe(true);
      }
  });

  it('accept any uuid, as the classifier does', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(classifyString(id).kind).toBe('uuid');
        expect(formatRegExp('uuid')!.test(id)).toBe(true);
      }),
    );
  });

  it('bound numeric timestamps to the ranges the classifier uses', () => {
    expect(formatBounds('timestamp-s')).toEqual({ minimum: 1e9, maximum: 1e10 - 1 });
    expect(formatBounds('timestamp-ms')).toEqual({ minimum: 1e12, maximum: 1e14 - 1 });
    expect(formatBounds('uuid')).toBeUndefined();
  });

  it('read media types as identifiers, where the classifier alone sees base64', () => {
    expect(classifyString('application/json').kind).toBe('base64');
    expect(stringKind('application/json').kind).toBe('enum');
    expect(stringKind('text/event-stream').kind).toBe('enum');
    expect(stringKind('QmFzZTY0IGlzIG5vdCBhIHRva2Vu=').kind).toBe('base64');
  });
});
