/**
 * Profile `qwen-2026-06`: chat.qwen.ai after the WAF was tightened (about 2026-06-10). Everything of
 * `qwen-2025-10`, plus the Aliyun WAF in front of chats/new and completions (browser headers and
 * the ssxmod_itna cookie required), and the full family-B envelope (fid, message timestamp, version).
 */
import type { ModelSpec, ProfileRule, SimulatorProfile } from '../profile-schema.js';
import {
  AUTH_RULES,
  CHAT_EXISTENCE_RULES,
  COMPLETION_VALIDATION_RULES,
  JSON_RULES,
  SEED_CULPRIT_RULES,
  TURN_RULES,
} from './common-rules.js';

const WITH_SLIDES = ['t2t', 't2v', 't2i', 'search', 'artifacts', 'web_dev', 'deep_research', 'slides'];

/** 2026 ids (FreeQwenApi 2026-03, XxxXTeam, guygubaby, gpt4free); qwen3-max kept: the web shape's default. */
export const MODELS_2026_06: readonly ModelSpec[] = [
  { id: 'qwen3.7-plus', name: 'Qwen3.7-Plus', thinking: true, chatTypes: WITH_SLIDES, maxContextLength: 1000000 },
  { id: 'qwen3.7-max', name: 'Qwen3.7-Max', thinking: true, chatTypes: WITH_SLIDES, maxContextLength: 262144 },
  { id: 'qwen3.6-plus', name: 'Qwen3.6-Plus', thinking: true, chatTypes: WITH_SLIDES, maxContextLength: 1000000 },
  { id: 'qwen3.5-plus', name: 'Qwen3.5-Plus', thinking: true, chatTypes: WITH_SLIDES, maxContextLength: 1000000 },
  { id: 'qwen3.5-flash', name: 'Qwen3.5-Flash', thinking: true, chatTypes: WITH_SLIDES },
  {
    id: 'qwen3.5-397b-a17b',
    name: 'Qwen3.5-397B-A17B',
    thinking: true,
    chatTypes: WITH_SLIDES,
    maxContextLength: 262144,
  },
  { id: 'qwen3-max', name: 'Qwen3-Max', thinking: true, chatTypes: WITH_SLIDES, maxContextLength: 262144 },
  { id: 'qwen3-coder-plus', name: 'Qwen3-Coder', maxContextLength: 1048576 },
  { id: 'qwen3-vl-plus', name: 'Qwen3-VL-235B-A22B', thinking: true, maxContextLength: 262144 },
  { id: 'qwen3-omni-flash-2025-12-01', name: 'Qwen3-Omni-Flash', chatTypes: ['t2t'], maxContextLength: 65536 },
];

/** What the WAF checks, each as its own rule so GET /__simulator/state names the one that fired. */
const WAF_CHECKS: readonly { readonly id: string; readonly when: ProfileRule['when']; readonly what: string }[] = [
  {
    id: 'x-request-id',
    when: { kind: 'headerMissing', name: 'x-request-id' },
    what: 'the x-request-id header (the fix in YuJunZhiXue 014ced9 and gpt4free b24ba05c)',
  },
  { id: 'bx-v', when: { kind: 'headerMissing', name: 'bx-v' }, what: 'the bx-v header of the baxia SDK' },
  { id: 'source', when: { kind: 'headerMissing', name: 'source' }, what: 'the source: web header' },
  { id: 'ssxmod-itna', when: { kind: 'cookieMissing', name: 'ssxmod_itna' }, what: 'the ssxmod_itna anti-bot cookie' },
];

/** The WAF answers chats/new with its HTML page and completions with the JSON block. */
export const WAF_RULES_2026: readonly ProfileRule[] = [
  ...WAF_CHECKS.map((check): ProfileRule => ({
    name: `waf-chats-new-${check.id}`,
    endpoint: 'chats.new',
    when: check.when,
    respond: { waf: 'html', status: 405 },
    explain:
      `Since about 2026-06-10 the Aliyun WAF answers chats/new without ${check.what} with its aliyun_waf_aa ` +
      `HTML page (YuJunZhiXue issue #84); 405 is the status Aliyun block pages usually carry (inferred).`,
  })),
  ...WAF_CHECKS.map((check): ProfileRule => ({
    name: `waf-completions-${check.id}`,
    endpoint: 'chat.completions',
    when: check.when,
    respond: { waf: 'json-block', status: 200 },
    explain:
      `The WAF answers a completion without ${check.what} with HTTP 200 and the FAIL_SYS_USER_VALIDATE JSON ` +
      `block (gpt4free 39ed0ef0; Rfym21 issue #147).`,
  })),
  {
    name: 'waf-body-too-large',
    endpoint: 'chat.completions',
    when: { kind: 'bodyLargerThan', bytes: 131072 },
    respond: { waf: 'json-block', status: 200 },
    explain:
      'Request bodies over about 128 KB also get the FAIL_SYS_USER_VALIDATE block (Rfym21 issue #147, 2026-08-04).',
  },
];

const envelopeRule = (path: string, name: string): ProfileRule => ({
  name,
  endpoint: 'chat.completions',
  when: { kind: 'missing', location: 'body', path },
  respond: { status: 200, code: 'Bad_Request', details: 'Internal error' },
  explain:
    `In 2026 clients without ${path} got Bad_Request "Internal error" (gpt4free 39ed0ef0; g4f-working issue ` +
    `#5); which envelope fields matter exactly is inferred.`,
});

/** The family-B envelope fields that became required in 2026. */
export const ENVELOPE_RULES_2026: readonly ProfileRule[] = [
  envelopeRule('messages[0].fid', 'envelope-fid-required'),
  envelopeRule('messages[0].timestamp', 'envelope-message-timestamp-required'),
  envelopeRule('version', 'envelope-version-required'),
];

export const QWEN_2026_06: SimulatorProfile = {
  name: 'qwen-2026-06',
  description:
    'chat.qwen.ai in Jun 2026: the Aliyun WAF wants x-request-id, bx-v, source and the ssxmod_itna cookie; ' +
    'completions need the full family-B envelope',
  models: MODELS_2026_06,
  rules: [
    ...WAF_RULES_2026,
    ...AUTH_RULES,
    ...JSON_RULES,
    ...COMPLETION_VALIDATION_RULES,
    ...CHAT_EXISTENCE_RULES,
    ...SEED_CULPRIT_RULES,
    ...ENVELOPE_RULES_2026,
    ...TURN_RULES,
  ],
};
