import { describe, expect, it } from 'vitest';
import type { ProtocolChange } from '../../../src/learn/index.js';
import type { WatchCanary, WatchRoundRecord } from '../../../src/report/index.js';
import { detectChanges, type RoundObservations } from '../../../src/workflow/index.js';

const canary = (outcome: string, dual = false): WatchCanary => ({
  transport: 'direct',
  ok: outcome === 'answer',
  outcome,
  dual,
  detail: outcome,
  exchanges: [],
});

function record(overrides: Partial<WatchRoundRecord> = {}): WatchRoundRecord {
  return {
    schema: 1,
    round: 1,
    startedAt: '2026-12-07T10:00:00.000Z',
    endedAt: '2026-12-07T10:00:01.000Z',
    target: 'http://127.0.0.1:1',
    reachable: true,
    frontEnd: { version: '0.2.87', bxV: '2.5.37', from: ['http://127.0.0.1:1/'] },
    models: ['a', 'b'],
    canaries: [canary('answer')],
    protocolDifferences: [],
    changes: [],
    drift: false,
    ...overrides,
  };
}

const same: RoundObservations = {
  at: '2026-12-07T10:15:00.000Z',
  frontEnd: { version: '0.2.87', bxV: '2.5.37', from: [] },
  models: ['a', 'b'],
  canaries: [canary('answer')],
};

const appeared: ProtocolChange = {
  kind: 'field-appeared',
  endpoint: 'chat.completions',
  side: 'request',
  location: 'header',
  path: 'x-platform',
  required: true,
  kinds: ['enum'],
  explanation: 'chat.completions: request header x-platform appeared (required)',
};

describe('detectChanges', () => {
  it('the first round, and a round like the one before, change nothing', () => {
    expect(detectChanges([], same)).toEqual([]);
    expect(detectChanges([record()], same)).toEqual([]);
  });

  it('names a changed constant, model list and canary verdict, dated by the round that saw them', () => {
    const changes = detectChanges([record()], {
      ...same,
      frontEnd: { version: '0.2.88', bxV: '2.5.37', from: [] },
      models: ['b', 'c'],
      canaries: [canary('waf', true)],
    });
    expect(changes.map((c) => c.key)).toEqual(['front-end:version', 'models', 'canary:direct', 'canary:direct:dual']);
    expect(changes.every((c) => c.firstSeen === same.at)).toBe(true);
    expect(changes[1]?.explanation).toBe('The model list changed: added c; removed a.');
    expect(changes[1]?.breaks).toEqual(['model = a']);
  });

  it('compares with the last reachable round, not an outage', () => {
    const { models: _models, ...rest } = record({ round: 2, reachable: false, canaries: [] });
    const down: WatchRoundRecord = rest;
    expect(detectChanges([record(), down], same)).toEqual([]);
  });

  it('reports a protocol difference once: the round after, it is known', () => {
    const first = detectChanges([record({ browser: { ok: true, detail: 'ok', exchanges: 3 } })], {
      ...same,
      protocol: [appeared],
    });
    expect(first.map((c) => c.kind)).toEqual(['protocol']);
    const known = record({
      browser: { ok: true, detail: 'ok', exchanges: 3 },
      protocolDifferences: [first[0]!.key],
    });
    expect(detectChanges([known], { ...same, protocol: [appeared] })).toEqual([]);
  });

  it('an optional field one chat did not send is no alarm; a required one gone is', () => {
    const gone = (wasRequired: boolean): ProtocolChange => ({
      kind: 'field-disappeared',
      endpoint: 'chat.completions',
      side: 'request',
      location: 'body',
      path: 'incremental_output',
      wasRequired,
      explanation: 'gone',
    });
    expect(detectChanges([], { ...same, protocol: [gone(false)] })).toEqual([]);
    expect(detectChanges([], { ...same, protocol: [gone(true)] }).map((c) => c.kind)).toEqual(['protocol']);
  });
});
