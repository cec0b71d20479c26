import { describe, expect, it } from 'vitest';
import {
  applyDrift,
  bumpVersion,
  DRIFT_NAMES,
  DRIFT_NEW_MODEL,
  PROFILES,
  type SimulatorProfile,
} from '../../../src/simulator/index.js';
import { ERAS } from '../../../src/upstream/eras.js';

const base = PROFILES['qwen-2025-10']!;

describe('drift kinds', () => {
  it('every drift leaves the profile it started from untouched and records its name', () => {
    for (const name of DRIFT_NAMES) {
      const before = JSON.stringify(base);
      const drifted = applyDrift(base, name);
      expect(JSON.stringify(base)).toBe(before);
      expect(drifted.drift?.applied).toEqual([name]);
    }
  });

  it('a version bump raises the last number of version and bx-v, twice when applied twice', () => {
    expect(bumpVersion('0.2.87')).toBe('0.2.88');
    const once = applyDrift(base, 'version-bump');
    expect(once.drift?.client).toEqual({ version: '0.2.64', bxV: '2.5.37' });
    expect(applyDrift(once, 'version-bump').drift?.client).toEqual({ version: '0.2.65', bxV: '2.5.38' });
  });

  it('a version bump in 2026-09 makes the server want the new version header', () => {
    const profile = applyDrift(PROFILES['qwen-2026-09']!, 'version-bump');
    const rule = profile.rules.find((r) => r.name === 'version-header-stale');
    expect(rule?.when).toMatchObject({ kind: 'notIn', values: [bumpVersion(ERAS['qwen-2026-09'].client.version)] });
  });

  it('a model list change adds a model and removes one, never the era default', () => {
    const drifted = applyDrift(base, 'model-list-change');
    const ids = drifted.models.map((m) => m.id);
    expect(ids).toContain(DRIFT_NEW_MODEL.id);
    expect(ids).toContain(ERAS['qwen-2025-10'].defaultModel);
    expect(ids).toHaveLength(base.models.length);
    expect(ids).not.toContain(base.models.at(-1)!.id);
  });

  it('a drift applied twice adds its rule once', () => {
    let profile: SimulatorProfile = base;
    for (let i = 0; i < 2; i++) profile = applyDrift(profile, 'new-required-header');
    expect(profile.rules.filter((r) => r.name === 'drift-required-header')).toHaveLength(1);
    for (let i = 0; i < 2; i++) profile = applyDrift(profile, 'anti-bot-tightening');
    expect(profile.rules.filter((r) => r.name.startsWith('drift-waf-'))).toHaveLength(
      PROFILES['qwen-2026-06']!.rules.filter((r) => r.name.startsWith('waf-')).length,
    );
  });

  it('tightens the anti-bot layer of each era', () => {
    for (const name of ['qwen-2025-10', 'qwen-2026-06', 'qwen-2026-09']) {
      const profile = PROFILES[name]!;
      const drifted = applyDrift(profile, 'anti-bot-tightening');
      expect(drifted.rules.length, name).toBeGreaterThan(profile.rules.length);
      expect(drifted.rules[0]?.name, name).toMatch(/^drift-/);
    }
  });
});
