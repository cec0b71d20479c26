import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseInteger, single } from '../../src/cli/flag-values.js';

describe('durations', () => {
  it('read 500ms, 30s, 2m, 1.5h as milliseconds', () => {
    const s = { plainUnit: 's' } as const;
    expect(parseDuration('timeout', '500ms', s)).toBe(500);
    expect(parseDuration('timeout', '30s', s)).toBe(30_000);
    expect(parseDuration('timeout', '2m', s)).toBe(120_000);
    expect(parseDuration('timeout', '1.5h', s)).toBe(5_400_000);
    expect(parseDuration('timeout', '2M', s)).toBe(120_000);
  });

  it('keep the unit a plain number had before, with one note per flag saying so', () => {
    const notes: string[] = [];
    expect(parseDuration('answer-timeout', '120', { plainUnit: 's' }, (l) => notes.push(l))).toBe(120_000);
    expect(parseDuration('answer-timeout', '60', { plainUnit: 's' }, (l) => notes.push(l))).toBe(60_000);
    expect(parseDuration('delay', '2000', { plainUnit: 'ms' }, (l) => notes.push(l))).toBe(2000);
    expect(notes).toEqual([
      'note: --answer-timeout 120 is read as 120s; plain numbers are deprecated, write 120s',
      'note: --delay 2000 is read as 2000ms; plain numbers are deprecated, write 2000ms',
    ]);
  });

  it('refuse NaN, negatives, unknown units, out-of-range values and a repeat, with the flag named', () => {
    const s = { plainUnit: 's', minMs: 1, maxMs: 60_000 } as const;
    expect(() => parseDuration('timeout', 'abc', s)).toThrow(/--timeout "abc": give a duration with a unit/);
    expect(() => parseDuration('timeout', '-1', s)).toThrow(/--timeout "-1"/);
    expect(() => parseDuration('timeout', '5 parsecs', s)).toThrow(/give a duration/);
    expect(() => parseDuration('timeout', '0s', s)).toThrow(/must be from 1ms to 1m/);
    expect(() => parseDuration('timeout', '2m', s)).toThrow(/must be from 1ms to 1m/);
    expect(() => parseDuration('timeout', ['1s', '2s'], s)).toThrow(/given 2 times/);
  });

  it('print back as the flags take them', () => {
    expect([0, 500, 1000, 1500, 60_000, 3_600_000].map(formatDuration)).toEqual([
      '0ms',
      '500ms',
      '1s',
      '1.5s',
      '1m',
      '1h',
    ]);
  });
});

describe('whole numbers', () => {
  it('refuse abc, 1.5, -1 and out of range, and read the rest', () => {
    const port = { min: 0, max: 65535 };
    expect(parseInteger('port', '8080', port)).toBe(8080);
    for (const bad of ['abc', '1.5', '-1', '65536', '', '0x10'])
      expect(() => parseInteger('port', bad, port), bad).toThrow(/--port must be a whole number from 0 to 65535/);
    expect(single('port', ['1'])).toBe('1');
  });
});
