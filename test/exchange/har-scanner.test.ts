import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HarScanner, type ScanEvent, type ScanOutcome } from '../../src/exchange/har-scanner.js';

/** Runs the scanner over `chunks`; returns the events and the outcome. */
function scan(
  chunks: readonly (string | Buffer)[],
  fields: string[] = [],
): { events: ScanEvent[]; outcome: ScanOutcome } {
  const scanner = new HarScanner(new Set(fields));
  const events = chunks.flatMap((chunk) => scanner.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
  return { events, outcome: scanner.end() };
}

/** Cuts the UTF-8 bytes of `text` at the given positions (splitting multi-byte characters too). */
function cutAt(text: string, positions: number[]): Buffer[] {
  const bytes = Buffer.from(text);
  const points = [...new Set(positions.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => bytes.subarray(start, points[i] ?? bytes.length));
}

const parsed = (events: ScanEvent[]): unknown[] =>
  events.flatMap((e) => (e.kind === 'entry' ? [JSON.parse(e.json.toString()) as unknown] : []));

describe('HarScanner', () => {
  it('hands out each entry and requested log field exactly as JSON.parse sees them, however the text is cut', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        fc.array(json, { maxLength: 5 }),
        json,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (entries, creator, cuts, pretty) => {
          const doc = { log: { version: '1.2', creator, entries, comment: 'after ]} "entries":[' } };
          const text = JSON.stringify(doc, null, pretty ? 2 : undefined);
          const { events, outcome } = scan(cutAt(text, cuts), ['creator', 'comment']);
          expect(outcome).toEqual({ kind: 'complete' });
          expect(parsed(events)).toEqual(JSON.parse(JSON.stringify(entries)));
          const fields = Object.fromEntries(
            events.flatMap((e) => (e.kind === 'log-field' ? [[e.name, JSON.parse(e.json.toString()) as unknown]] : [])),
          );
          expect(fields).toEqual(JSON.parse(JSON.stringify({ creator, comment: doc.log.comment })));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not mistake brackets, quotes and escapes inside strings for structure, at any chunk edge', () => {
    const entry = { a: 'x]}{["\\', b: ['\\"', '}', '\\\\"'], c: '\u2028é😀' };
    const text = `{"log":{"entries":[${JSON.stringify(entry)},${JSON.stringify(entry)}]}}`;
    for (let size = 1; size <= 9; size += 1) {
      const chunks = cutAt(
        text,
        Array.from({ length: text.length }, (_, i) => i * size),
      );
      const { events, outcome } = scan(chunks);
      expect(outcome.kind).toBe('complete');
      expect(parsed(events)).toEqual([entry, entry]);
    }
  });

  it('finds entries inside a log whose other fields are nested deeply, and ignores root fields', () => {
    const text = '{"x":{"log":{"entries":[1]}},"log":{"pages":[{"entries":[9]}],"entries":[{"n":1}]},"y":[]}';
    const { events, outcome } = scan([text]);
    expect(outcome.kind).toBe('complete');
    expect(parsed(events)).toEqual([{ n: 1 }]);
  });

  it('reports a file that ends early as truncated, saying where', () => {
    expect(scan(['{"log":{"entries":[{"a":1},{"b"']).outcome).toEqual({
      kind: 'truncated',
      problem: 'the file ends inside log.entries, after entry 1',
    });
    expect(scan(['']).outcome).toEqual({ kind: 'truncated', problem: 'the file is empty' });
  });

  it('reports broken structure as corrupt, with the position', () => {
    expect(scan(['{"log":{"entries":[{"a":1},]}}']).outcome).toMatchObject({
      kind: 'corrupt',
      problem: expect.stringMatching(/trailing comma at byte 27/),
    });
    expect(scan(['{"log":{"entries":[]}} x']).outcome).toMatchObject({
      kind: 'corrupt',
      problem: expect.stringMatching(/data after the end/),
    });
    expect(scan(['hello']).outcome).toMatchObject({ kind: 'corrupt', position: 0 });
    expect(scan(['{"log":{"entries":[{"a":1}}}']).outcome).toMatchObject({ kind: 'corrupt' });
  });

  it('accepts a byte-order mark at the start, as some Windows tools write', () => {
    expect(scan(['\uFEFF{"log":{"entries":[]}}']).outcome).toEqual({ kind: 'complete' });
  });
});
