/**
 * The changes chat.qwen.ai made while clients were running (the timeline of
 * ../shared/docs/qwen-2026-facts.md: version bumps, newly required headers, renamed body fields,
 * moved endpoints, dual responses, model list changes, anti-bot tightening), as data applied on top
 * of the running profile. Each drift changes the server's rules and, where a browser would follow
 * the change, the page (`ProfileDrift`), so the real page keeps working while a client built against
 * yesterday's protocol breaks, which is what `watch` has to notice.
 */
import { ENDPOINTS } from '../../upstream/endpoints.js';
import { ERAS, type EraName } from '../../upstream/eras.js';
import {
  profileEra,
  type ModelSpec,
  type ProfileDrift,
  type ProfileRule,
  type SimulatorProfile,
} from '../profile-schema.js';
import { WAF_RULES_2026 } from '../profiles/qwen-2026-06.js';

export const DRIFT_NAMES = [
  'version-bump',
  'new-required-header',
  'renamed-body-field',
  'endpoint-moved',
  'dual-responses',
  'model-list-change',
  'anti-bot-tightening',
] as const;

export type DriftName = (typeof DRIFT_NAMES)[number];

export function isDriftName(name: string): name is DriftName {
  return (DRIFT_NAMES as readonly string[]).includes(name);
}

/** One line per drift, for `--help` and GET /__simulator/drift. */
export const DRIFT_DESCRIPTIONS: Readonly<Record<DriftName, string>> = {
  'version-bump': "the front end's version and bx-v constants go up one patch (2026-09: the server wants the new one)",
  'new-required-header': 'completions and chats/new need the x-platform header, which the page now sends',
  'renamed-body-field': 'the completion body field incremental_output is renamed incrementalOutput and required',
  'endpoint-moved': 'completions move from /api/v2/chat/completions to /api/v3/chat/completions; the old path is 404',
  'dual-responses': 'every completion streams two interleaved answers',
  'model-list-change': 'a new model is listed and the last non-default model is gone',
  'anti-bot-tightening':
    'the anti-bot layer gets stricter (2025-10: the 2026-06 WAF; 2026-06: unsigned requests get an empty answer; ' +
    '2026-09: unsigned requests get the captcha at once)',
};

/** The header a `new-required-header` drift requires, and the value the page sends. */
export const DRIFT_HEADER = { name: 'x-platform', value: 'pc_web' } as const;
/** The completion body field a `renamed-body-field` drift renames. */
export const DRIFT_RENAMED_FIELD = { from: 'incremental_output', to: 'incrementalOutput' } as const;
/** Where `endpoint-moved` moves completions. */
export const DRIFT_MOVED_COMPLETIONS = '/api/v3/chat/completions';
/** The model `model-list-change` adds. */
export const DRIFT_NEW_MODEL: ModelSpec = {
  id: 'qwen3.9-preview',
  name: 'Qwen3.9-Preview',
  thinking: true,
  chatTypes: ['t2t'],
  maxContextLength: 262144,
};

const COMPLETIONS = 'chat.completions';

/** `0.2.87` -> `0.2.88`: the last number goes up by one. */
export function bumpVersion(version: string): string {
  const m = /^(.*?)(\d+)$/.exec(version);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${version}.1`;
}

function withDrift(profile: SimulatorProfile, name: DriftName, change: Omit<ProfileDrift, 'applied'>): ProfileDrift {
  const before = profile.drift ?? { applied: [] };
  return { ...before, ...change, applied: [...before.applied, name] };
}

function ruleNamed(rules: readonly ProfileRule[], name: string): boolean {
  return rules.some((r) => r.name === name);
}

/** The rules an anti-bot tightening puts first, per era. */
function tighterRules(era: EraName): readonly ProfileRule[] {
  switch (era) {
    case 'qwen-2025-10':
      return WAF_RULES_2026.map((r) => ({ ...r, name: `drift-${r.name}` }));
    case 'qwen-2026-06':
      return [
        {
          name: 'drift-soft-block-unsigned',
          endpoint: COMPLETIONS,
          when: { kind: 'headerMissing', name: 'bx-ua' },
          respond: { softBlock: 'empty-stream', status: 200 },
          explain:
            'Drift: baxia signatures arrive, and a completion without bx-ua gets an empty answer, as in 2026-07 ' +
            '(docs/protocol.md §9.5).',
        },
      ];
    case 'qwen-2026-09':
      return [
        {
          name: 'drift-captcha-unsigned',
          endpoint: COMPLETIONS,
          when: { kind: 'signatureInvalid', signature: 'bx-ua' },
          respond: { waf: 'captcha', status: 200 },
          explain:
            'Drift: the anti-bot layer stops granting empty answers first, and an unsigned completion gets the ' +
            'captcha at once (docs/protocol.md §9.6).',
        },
      ];
  }
}

/**
 * The profile after one drift. Applying a drift twice applies it twice where that means something
 * (a second version bump); otherwise the second time changes nothing.
 */
export function applyDrift(profile: SimulatorProfile, name: DriftName): SimulatorProfile {
  const era = profileEra(profile);
  switch (name) {
    case 'version-bump': {
      const client = profile.drift?.client ?? ERAS[era].client;
      const bumped = { version: bumpVersion(client.version), bxV: bumpVersion(client.bxV) };
      // A server that checks the front end's build wants the new one (2026-09's version rule).
      const rules = profile.rules.map((rule) =>
        rule.when.kind === 'notIn' && rule.when.location === 'header' && rule.when.path.toLowerCase() === 'version'
          ? { ...rule, when: { ...rule.when, values: [bumped.version] } }
          : rule,
      );
      return { ...profile, rules, drift: withDrift(profile, name, { client: bumped }) };
    }
    case 'new-required-header': {
      const rule: ProfileRule = {
        name: 'drift-required-header',
        endpoint: [COMPLETIONS, 'chats.new'],
        when: { kind: 'headerMissing', name: DRIFT_HEADER.name },
        respond: { status: 200, code: 'Bad_Request', details: 'Bad Request' },
        explain: `Drift: the front end started sending ${DRIFT_HEADER.name}, and the server now refuses requests without it.`,
      };
      const rules = ruleNamed(profile.rules, rule.name) ? profile.rules : [rule, ...profile.rules];
      const headers = { ...profile.drift?.headers, [DRIFT_HEADER.name]: DRIFT_HEADER.value };
      return { ...profile, rules, drift: withDrift(profile, name, { headers }) };
    }
    case 'renamed-body-field': {
      const { from, to } = DRIFT_RENAMED_FIELD;
      const rule: ProfileRule = {
        name: 'drift-renamed-field-required',
        endpoint: COMPLETIONS,
        when: { kind: 'missing', location: 'body', path: to },
        respond: { status: 400, code: 'RequestValidationError', details: `Field '${to}': Field required` },
        explain: `Drift: the completion body's ${from} is now called ${to}, and the server validates the new name.`,
      };
      const rules = ruleNamed(profile.rules, rule.name) ? profile.rules : [rule, ...profile.rules];
      const renamed = profile.drift?.renamedFields ?? [];
      const renamedFields = renamed.some((r) => r.from === from) ? renamed : [...renamed, { from, to }];
      return { ...profile, rules, drift: withDrift(profile, name, { renamedFields }) };
    }
    case 'endpoint-moved': {
      const from = ENDPOINTS.find((e) => e.name === COMPLETIONS)?.template ?? '/api/v2/chat/completions';
      const moved = profile.drift?.movedEndpoints ?? [];
      const movedEndpoints = moved.some((m) => m.endpoint === COMPLETIONS)
        ? moved
        : [...moved, { endpoint: COMPLETIONS, from, to: DRIFT_MOVED_COMPLETIONS }];
      return { ...profile, drift: withDrift(profile, name, { movedEndpoints }) };
    }
    case 'dual-responses':
      return {
        ...profile,
        dualResponses: { rate: 1, seed: profile.dualResponses?.seed ?? 1 },
        drift: withDrift(profile, name, {}),
      };
    case 'model-list-change': {
      const keep = ERAS[era].defaultModel;
      const without = [...profile.models];
      const lastOther = without.map((m) => m.id).lastIndexOf(without.filter((m) => m.id !== keep).at(-1)?.id ?? '');
      if (lastOther >= 0) without.splice(lastOther, 1);
      const models = without.some((m) => m.id === DRIFT_NEW_MODEL.id) ? without : [DRIFT_NEW_MODEL, ...without];
      return { ...profile, models, drift: withDrift(profile, name, {}) };
    }
    case 'anti-bot-tightening': {
      const extra = tighterRules(era).filter((r) => !ruleNamed(profile.rules, r.name));
      return { ...profile, rules: [...extra, ...profile.rules], drift: withDrift(profile, name, {}) };
    }
  }
}
