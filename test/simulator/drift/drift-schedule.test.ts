import { describe, expect, it } from 'vitest';
import { parseDriftSchedule } from '../../../src/simulator/index.js';

describe('parseDriftSchedule', () => {
  it('reads TIME:NAME steps with units, in time order', () => {
    expect(
      parseDriftSchedule('60s:new-required-header,30s:version-bump,500ms:endpoint-moved,1m:dual-responses'),
    ).toEqual([
      { atMs: 500, name: 'endpoint-moved' },
      { atMs: 30_000, name: 'version-bump' },
      { atMs: 60_000, name: 'new-required-header' },
      { atMs: 60_000, name: 'dual-responses' },
    ]);
  });

  it.each([
    ['30:version-bump', /TIME:NAME with a unit/],
    ['30s:version-jump', /unknown drift "version-jump".*version-bump/],
    ['', /at least one/],
    ['30s', /TIME:NAME/],
  ])('refuses %j with one usage line', (text, message) => {
    expect(() => parseDriftSchedule(text)).toThrow(message);
  });
});
