/**
 * Huge and odd values: every reader and classifier either handles a value (long, binary, not
 * UTF-8) or refuses it with a ProbeError, and never crashes. An 8 MB header once overflowed the
 * regex stack in value-kind.ts ("Maximum call stack size exceeded") and took diff and bisect down.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyString, classifyValue, describeKind } from '../../src/diff/value-kind.js';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import { parseRequestInput } from '../../src/exchange/formats/read-request-input.js';
import { normalizeRequest } from '../../src/diff/normalize-request.js';
import { isProbeError } from '../../src/exchange/errors.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { createRedactor } from '../../src/exchange/redact.js';
import { makeExchange } from '../support/make-exchange.js';

const MB = 1024 * 1024;

/** Strings of the shapes that drive the classifier's patterns, at a size given by the caller. */
const ALPHABETS = ['a', 'f0', 'A1b2', 'eyJhbGciOi.', 'aGVsbG8=', 'https://x/', 'H4sIAAAA', ' text ', '\u0000\uFFFD'];

function longValue(alphabet: string, chars: number): string {
  return alphabet.repeat(Math.ceil(chars / alphabet.length)).slice(0, chars);
}

describe('the value classifier', () => {
  it('classifies 8 MB values of every alphabet without overflowing the regex stack', () => {
    for (const alphabet of ALPHABETS) {
      for (const prefix of ['', 'Bearer ', 'eyJhbGciOiJIUzI1NiJ9.']) {
        const info = classifyString(prefix + longValue(alphabet, 8 * MB));
        expect(info.length ?? 0, JSON.stringify(alphabet)).toBeGreaterThan(8 * MB - 16);
      }
    }
  });

  it('tells the same kinds of long values as of short ones', () => {
    expect(classifyString('f0'.repeat(MB)).kind).toBe('hex');
    expect(classifyString(`H4sI${'A'.repeat(MB)}`).kind).toBe('gzip-base64');
    expect(classifyString(`https://x.test/${'a'.repeat(MB)}`).kind).toBe('url');
    expect(classifyString(`some text ${'x '.repeat(MB)}`).kind).toBe('text');
  });

  it('never throws for any string: long, binary, lone surrogates (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 2000 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc
            .tuple(fc.constantFrom(...ALPHABETS), fc.integer({ min: 60_000, max: 300_000 }))
            .map(([a, n]) => longValue(a, n)),
        ),
        (value) => {
          const info = classifyString(value);
          expect(typeof describeKind(info)).toBe('string');
          expect(classifyValue([value, { v: value }])?.kind).toBe('array');
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('the readers', () => {
  it('read any pasted text as a request or refuse it with a ProbeError (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 3000 }),
          fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `curl https://chat.qwen.ai/api/x -H 'a: ${s}'`),
          fc.string({ unit: 'binary', maxLength: 200 }).map((s) => JSON.stringify({ method: 'POST', url: s, body: s })),
        ),
        (text) => {
          try {
            const input = parseRequestInput(text, 'BAD');
            for (const exchange of input.exchanges) normalizeRequest(exchange.request, {});
          } catch (error) {
            expect(isProbeError(error), String(error)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('read a file of bytes that are not UTF-8, or not HAR, as a ProbeError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qp-odd-'));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4000 }), async (bytes) => {
        const file = join(dir, 'odd.har');
        await writeFile(file, Buffer.concat([Buffer.from('{"log":{"entries":['), Buffer.from(bytes)]));
        const outcome = await readCapture(file).then(
          () => 'read',
          (error: unknown) => (isProbeError(error) ? 'refused' : `crashed: ${String(error)}`),
        );
        expect(outcome).not.toMatch(/^crashed/);
      }),
      { numRuns: 60 },
    );
  });

  it('diff and redact exchanges whose header and body values are 8 MB, binary and not UTF-8', () => {
    const big = (fill: string) =>
      makeExchange({
        request: {
          headers: [
            { name: 'x-big', value: longValue(fill, 8 * MB) },
            { name: 'Authorization', value: `Bearer eyJ${longValue('a', 8 * MB)}` },
            { name: 'x-binary', value: '\u0000\u0001\uFFFD\uD800' },
          ],
          body: JSON.stringify({ model: 'qwen3-max', big: longValue(fill, 8 * MB), odd: '\uDC00\u0000' }),
        },
      });
    const good = big('a');
    const bad = big('b');
    const result = diffCaptures([good], [bad]);
    expect(result.pairs[0]!.findings.map((f) => f.id)).toContain('header:x-big');
    const redacted = createRedactor().redact(bad);
    expect(redacted.request.headers.find((h) => h.name === 'Authorization')?.value).not.toContain('aaaaaaaaaa');
  });
});
