import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  looksLikeTnetstring,
  readTnetstring,
  TnetstringError,
  type TnetValue,
} from '../../../src/exchange/formats/tnetstring.js';

/** The writer side, as mitmproxy's `tnetstring.dumps` writes (unicode as `;`, bytes as `,`). */
function dump(value: TnetValue): Buffer {
  const frame = (payload: Buffer, type: string) =>
    Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(type)]);
  if (value === null) return frame(Buffer.alloc(0), '~');
  if (typeof value === 'boolean') return frame(Buffer.from(String(value)), '!');
  if (typeof value === 'number')
    return Number.isInteger(value) ? frame(Buffer.from(String(value)), '#') : frame(Buffer.from(String(value)), '^');
  if (typeof value === 'string') return frame(Buffer.from(value, 'utf8'), ';');
  if (Buffer.isBuffer(value)) return frame(value, ',');
  if (Array.isArray(value)) return frame(Buffer.concat(value.map(dump)), ']');
  return frame(Buffer.concat(Object.entries(value).flatMap(([k, v]) => [dump(k), dump(v)])), '}');
}

const tnetValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value as fc.Arbitrary<TnetValue>;

describe('tnetstrings', () => {
  it('reads back whatever the writer wrote, and ends where the value ends', () => {
    fc.assert(
      fc.property(tnetValue, (value) => {
        const bytes = dump(value);
        const read = readTnetstring(Buffer.concat([bytes, Buffer.from('7:trailer,')]));
        expect(read.value).toEqual(value);
        expect(read.end).toBe(bytes.length);
      }),
    );
  });

  it('names the byte where a cut or damaged value stops reading', () => {
    fc.assert(
      fc.property(tnetValue, fc.nat(), (value, cut) => {
        const bytes = dump(value);
        const at = cut % bytes.length;
        expect(() => readTnetstring(bytes.subarray(0, at))).toThrow(TnetstringError);
      }),
    );
    expect(() => readTnetstring(Buffer.from('5:abc,'))).toThrow(/byte 0: a value of 5 bytes runs past the end/);
    expect(() => readTnetstring(Buffer.from('3:abc?'))).toThrow(/byte 5: unknown type byte "\?"/);
    expect(() => readTnetstring(Buffer.from('x:'))).toThrow(/byte 0: expected a length digit/);
    expect(() => readTnetstring(Buffer.from('4:1:a,}'))).toThrow(/a dictionary key without a value/);
    expect(readTnetstring(Buffer.from('8:1:a,1:b,}')).value).toEqual({ a: Buffer.from('b') });
  });

  it('tells a flow file from other text by its first bytes', () => {
    expect(looksLikeTnetstring(Buffer.from('2927:4:type;'))).toBe(true);
    expect(looksLikeTnetstring(Buffer.from('{"log":'))).toBe(false);
    expect(looksLikeTnetstring(Buffer.from('curl https://x'))).toBe(false);
  });
});
