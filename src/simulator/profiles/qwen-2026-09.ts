/**
 * Profile `qwen-2026-09`: chat.qwen.ai as clients met it in August and September 2026 (docs/protocol.md
 * §9, §10.1). Everything of `qwen-2026-06` that still holds, behind the anti-bot layer of the time:
 * baxia's signatures, the WAF's cookie jar and a browser's TLS fingerprint, each missing piece
 * answered first with the silent soft block, then (per account) the captcha, then a bare 403. The
 * request checks are those of front end 0.2.87 (the `version` header), and the stream and errors
 * of the time: dual responses, forced thinking on qwen3.8, the 128,000-byte wall, one turn at a time
 * per chat, `not found`, `data_inspection_failed`, `RateLimited` with hours, the v1 path's gateway 504.
 *
 * What of 2026-06 no longer holds as such: its WAF header checks (x-request-id, bx-v, source answered with
 * the HTML page on chats/new and the captcha JSON on completions). By 2026-09 the sources report the
 * empty answer first and the captcha and block pages only later (§9.5 to §9.7), so a request lacking
 * what the page sends meets the soft block on its completion (it cannot carry a valid bx-ua either), and
 * chats/new lets it through until its account is flagged. ssxmod_itna stays, as part of the cookie jar.
 */
import { ERAS } from '../../upstream/eras.js';
import type { ModelSpec, ProfileRule, SimulatorProfile } from '../profile-schema.js';
import {
  AUTH_RULES,
  CHAT_EXISTENCE_RULES,
  COMPLETION_VALIDATION_RULES,
  JSON_RULES,
  SEED_CULPRIT_RULES,
  TURN_RULES,
} from './common-rules.js';
import { ENVELOPE_RULES_2026 } from './qwen-2026-06.js';

const COMPLETIONS = 'chat.completions';
const WITH_SLIDES = ['t2t', 't2v', 't2i', 'search', 'artifacts', 'web_dev', 'deep_research', 'slides'];

/**
 * The catalogue of 2026-08 (docs/protocol.md §9.22, plan.md 2026-08-25: six models; output caps 65,536
 * and 131,072). The notes name qwen3.7-plus/max and qwen3.8-max(-preview); qwen3.6-plus and
 * qwen3-coder-plus as the other two are an assumption. qwen3.8 always thinks (§9.15).
 */
export const MODELS_2026_09: readonly ModelSpec[] = [
  {
    id: 'qwen3.8-max',
    name: 'Qwen3.8-Max',
    thinking: true,
    thinkSkip: false,
    chatTypes: WITH_SLIDES,
    maxContextLength: 262144,
    maxGenerationLength: 131072,
  },
  {
    id: 'qwen3.8-max-preview',
    name: 'Qwen3.8-Max-Preview',
    thinking: true,
    thinkSkip: false,
    chatTypes: WITH_SLIDES,
    maxContextLength: 262144,
    maxGenerationLength: 131072,
  },
  {
    id: 'qwen3.7-max',
    name: 'Qwen3.7-Max',
    thinking: true,
    thinkSkip: true,
    chatTypes: WITH_SLIDES,
    maxContextLength: 262144,
    maxGenerationLength: 65536,
  },
  {
    id: 'qwen3.7-plus',
    name: 'Qwen3.7-Plus',
    thinking: true,
    thinkSkip: true,
    chatTypes: WITH_SLIDES,
    maxContextLength: 1000000,
    maxGenerationLength: 65536,
  },
  {
    id: 'qwen3.6-plus',
    name: 'Qwen3.6-Plus',
    thinking: true,
    thinkSkip: true,
    chatTypes: WITH_SLIDES,
    maxContextLength: 1000000,
    maxGenerationLength: 65536,
  },
  {
    id: 'qwen3-coder-plus',
    name: 'Qwen3-Coder',
    thinkSkip: true,
    maxContextLength: 1048576,
    maxGenerationLength: 65536,
  },
];

/**
 * JA4 of the browser the project measures with (Debian's Chromium 156, with and without SNI: a
 * loopback IP sends none). JA4 sorts the extensions, so it stays stable although Chromium shuffles
 * them on every connection (its JA3 changes each time). Node's undici: `t13d5911h1_a33745022dd6_1f22a2ca17c4`.
 * A second connection resumes the TLS session: its ClientHello adds pre_shared_key, one extension
 * more and another extension hash (measured: `t13i1517h2_…_e2d80978ab2e` to the loopback IP). Those
 * are the same browser, so they pass too; a busy page opens such connections, and refusing them
 * soft-blocked Chromium's own turns whenever it did.
 */
export const BROWSER_JA4 = [
  't13d1517h2_8daaf6152771_cb7bf5808d99',
  't13i1516h2_8daaf6152771_cb7bf5808d99',
  't13d1518h2_8daaf6152771_e2d80978ab2e',
  't13i1517h2_8daaf6152771_e2d80978ab2e',
];

/** The windows of escalation (inferred from "several soft blocks within minutes", §9.5, §9.6). */
const ESCALATION = { count: 3, withinSeconds: 600 };
/** How long a solved captcha's x5sec lets the account through (inferred). */
const X5SEC_SECONDS = 1800;

const x5secNotFresh = { kind: 'cookieNotFresh', name: 'x5sec', seconds: X5SEC_SECONDS } as const;

/** Per account: after several soft blocks the captcha, after several captchas a bare 403 (§9.5 to §9.7). */
export const ESCALATION_RULES_2026_09: readonly ProfileRule[] = [
  {
    name: 'escalation-forbidden',
    endpoint: COMPLETIONS,
    when: { kind: 'all', conditions: [{ kind: 'blocksAtLeast', block: 'captcha', ...ESCALATION }, x5secNotFresh] },
    respond: { waf: 'forbidden', status: 403 },
    explain:
      'An account that kept getting the captcha without solving it ends at a bare 403 (docs/protocol.md §9.7, ' +
      '2026-06-26, qwengate 648e027); three captchas in ten minutes is an inferred threshold, and a solved ' +
      "captcha's x5sec lets the account through (§9.4).",
  },
  {
    name: 'escalation-waf-page',
    endpoint: 'chats.new',
    when: { kind: 'all', conditions: [{ kind: 'blocksAtLeast', block: 'captcha', ...ESCALATION }, x5secNotFresh] },
    respond: { waf: 'html', status: 405 },
    explain:
      'The same account on chats/new gets the WAF HTML page (docs/protocol.md §9.7, 2026-06-26; by 2026-09-11 the ' +
      'WAF blocks chats/new outright, §9.10); 405 as for the 2026-06 WAF page (inferred).',
  },
  {
    name: 'escalation-captcha',
    endpoint: [COMPLETIONS, 'chats.new'],
    when: { kind: 'all', conditions: [{ kind: 'blocksAtLeast', block: 'soft-block', ...ESCALATION }, x5secNotFresh] },
    respond: { waf: 'captcha', status: 200 },
    explain:
      'After several empty answers within minutes the account gets the captcha JSON (FAIL_SYS_USER_VALIDATE, ' +
      'RGV587_ERROR::SM, a punish URL with action=captcha) at HTTP 200 (docs/protocol.md §9.6, 2026-06-12 to ' +
      '2026-08-23; YuJunZhiXue #95, Rfym21 #157); solving it earns x5sec (§9.4). Three in ten minutes is inferred.',
  },
];

const softBlock = (name: string, when: ProfileRule['when'], why: string): ProfileRule => ({
  name: `soft-block-${name}`,
  endpoint: COMPLETIONS,
  when,
  respond: { softBlock: 'empty-stream', status: 200 },
  explain:
    `${why}; the anti-bot layer answers with the silent soft block: HTTP 200, an event stream with ` +
    'response.created and a finished event, no answer, output_tokens 0 (docs/protocol.md §9.5, 2026-06-10 to ' +
    '2026-09-22).',
});

/**
 * What the WAF and baxia want of a completion (§9.3, §9.4, §9.9), each missing piece its own rule: the
 * WAF's cookie jar and the TLS fingerprint first (it sits in front), then baxia's signatures.
 */
export const SOFT_BLOCK_RULES_2026_09: readonly ProfileRule[] = [
  ...(['cna', 'isg', 'tfstk', 'ssxmod_itna'] as const).map((cookie) =>
    softBlock(
      `cookie-${cookie.replace('_', '-')}`,
      { kind: 'cookieMissing', name: cookie },
      `Without the ${cookie} cookie of the browser's jar: a thin jar, the token alone, triggers the block ` +
        '(docs/protocol.md §9.4, §12.5, 2026-06-18, qwengate HANDOFF.md)',
    ),
  ),
  softBlock(
    'acw-tc',
    { kind: 'cookieNotFresh', name: 'acw_tc', seconds: 900 },
    'Without an acw_tc from GET / of the last 15 minutes (docs/protocol.md §9.4, 2026-06-18, qwengate 648e027)',
  ),
  softBlock(
    'acw-tc-shared',
    { kind: 'cookieShared', name: 'acw_tc' },
    'With an acw_tc another account used first: one per account (docs/protocol.md §9.4, 2026-06-18, qwengate ' +
      'HANDOFF.md)',
  ),
  softBlock(
    'tls-fingerprint',
    { kind: 'tlsFingerprintNotIn', ja4: BROWSER_JA4 },
    "From a TLS client whose JA4 is not a browser's, Node/OpenSSL's included (docs/protocol.md §9.9, 2026-06-20 " +
      'to 06-23, qwengate #17; only over HTTPS, `simulate --tls`)',
  ),
  softBlock(
    'bx-ua',
    { kind: 'signatureInvalid', signature: 'bx-ua' },
    'Without a bx-ua that the page signed for this user agent (docs/protocol.md §9.3, 2026-06-16, Rfym21 #132)',
  ),
  softBlock(
    'bx-ua-stale',
    { kind: 'signatureOlderThan', signature: 'bx-ua', seconds: 900 },
    'With a bx-ua older than its 15 minutes (docs/protocol.md §9.3, 2026-06-16)',
  ),
  softBlock(
    'bx-umidtoken',
    { kind: 'signatureInvalid', signature: 'bx-umidtoken' },
    'Without a bx-umidtoken issued to the cna device cookie the request carries (docs/protocol.md §9.3, ' +
      '2026-06-16; gpt4free fetches it from sg-wum wu.json)',
  ),
  softBlock(
    'bx-umidtoken-stale',
    { kind: 'signatureOlderThan', signature: 'bx-umidtoken', seconds: 4 * 3600 },
    'With a bx-umidtoken older than its 4 hours (docs/protocol.md §9.3, 2026-06-16)',
  ),
  softBlock(
    'bx-pp',
    { kind: 'signatureInvalid', signature: 'bx-pp' },
    'Without a bx-pp that is the MAC of this exact body: a body changed after signing, or never signed ' +
      '(docs/protocol.md §9.3, 2026-06-23)',
  ),
];

/** The `version` header of the 2026-08 front end, checked before the token ("whatever the credentials"). */
export const VERSION_RULES_2026_09: readonly ProfileRule[] = [
  {
    name: 'version-header-stale',
    endpoint: COMPLETIONS,
    when: { kind: 'notIn', location: 'header', path: 'version', values: [ERAS['qwen-2026-09'].client.version] },
    respond: { status: 200, code: 'Bad_Request', details: 'Internal error' },
    explain:
      'Completions need the current front end build in a version header; without it, or with an older build, the ' +
      'server answers HTTP 200 Bad_Request whatever the credentials (docs/protocol.md §9.1, 2026-07-01, OmniRoute ' +
      'PR #5855; the build is 0.2.87 from 2026-08-25, §9.2); the details text is inferred.',
  },
];

/** The turn checks of 2026-08 (after the token and chat checks). */
export const TURN_RULES_2026_09: readonly ProfileRule[] = [
  {
    name: 'chat-in-progress',
    endpoint: COMPLETIONS,
    when: { kind: 'chatStreaming' },
    respond: { status: 200, code: 'Bad_Request', details: 'The chat is in progress!' },
    explain:
      'A chat takes one turn at a time: a completion while another streams in the same chat gets "The chat is in ' +
      'progress!", which clients retry (docs/protocol.md §9.17, 2026-06 to 07, qwengate qwen.ts); the code is ' +
      'inferred.',
  },
  {
    name: 'thinking-required',
    endpoint: COMPLETIONS,
    when: {
      kind: 'all',
      conditions: [
        { kind: 'modelForcesThinking', location: 'body', path: 'model' },
        { kind: 'equals', location: 'body', path: 'messages[0].feature_config.thinking_enabled', value: false },
      ],
    },
    respond: { status: 200, code: 'invalid_input', details: 'thinking_enabled:false is not supported by this model' },
    explain:
      'qwen3.8 models list think_skip.enable=false and answer thinking_enabled:false with invalid_input ' +
      '(docs/protocol.md §9.15, 2026-07-31, weselow e1f8e3c; OmniRoute REQUIRED_THINKING_MODELS); the details ' +
      'text and HTTP 200 are inferred.',
  },
  {
    name: 'data-inspection-failed',
    endpoint: COMPLETIONS,
    when: { kind: 'matches', location: 'body', path: 'messages[0].content', pattern: '\\[\\[inspection\\]\\]' },
    respond: { status: 200, code: 'data_inspection_failed', details: 'Input data may contain inappropriate content.' },
    explain:
      'Content moderation refuses a prompt with data_inspection_failed (docs/protocol.md §9.17, 2026-06 to 07, ' +
      'guygubaby executor.rs); the simulator has no moderation, so the marker [[inspection]] in the prompt stands ' +
      'for content it would refuse.',
  },
  {
    name: 'quota-exhausted',
    endpoint: COMPLETIONS,
    when: { kind: 'quotaExhausted', location: 'body', path: 'model' },
    respond: { status: 200, code: 'RateLimited', details: "You've reached the upper limit for today's usage.", num: 7 },
    explain:
      "An account past the model's daily quota (entitlement_quota times_left 0) gets RateLimited with num, the " +
      'hours to wait; 7 h is the value seen (docs/protocol.md §9.18, 2026-08-02, qwengate 0552292); HTTP 200 ' +
      'inferred like the other application errors.',
  },
];

export const QWEN_2026_09: SimulatorProfile = {
  name: 'qwen-2026-09',
  description:
    'chat.qwen.ai in Sep 2026: baxia signatures, a full cookie jar and (with --tls) a browser JA4, else an empty ' +
    'answer, then a captcha, then 403; front end 0.2.87 (version header); dual responses; qwen3.8 always thinks',
  era: 'qwen-2026-09',
  // chat.qwen.ai's own page since 2025-12-07 (docs/protocol.md §11): what a browser met in Sep 2026.
  page: '2026',
  dualResponses: { rate: 0.2, seed: 2026 },
  quota: { timesPerModel: 100, userTier: 'free' },
  models: MODELS_2026_09,
  rules: [
    {
      name: 'v1-completions-gateway-timeout',
      endpoint: 'chat.completions.v1',
      when: { kind: 'always' },
      respond: { gateway: 'timeout-html', status: 504 },
      explain:
        'The pre-2025-09-29 completion path now answers a 504 HTML page from the alibaba-ga gateway ' +
        '(docs/protocol.md §9.20, 2026-07, OmniRoute PR #5855).',
    },
    {
      name: 'retired-user-path',
      endpoint: 'user.v2',
      when: { kind: 'always' },
      respond: { status: 404, code: 'not found', details: 'not found' },
      explain:
        'GET /api/v2/user was retired and answers code "not found" in lower case (docs/protocol.md §9.20, 2026-07, ' +
        'OmniRoute PR #5855; the spelling: §9.17); the status 404 is inferred.',
    },
    ...ESCALATION_RULES_2026_09,
    ...SOFT_BLOCK_RULES_2026_09,
    {
      name: 'waf-body-too-large',
      endpoint: COMPLETIONS,
      when: { kind: 'bodyLargerThan', bytes: 128000 },
      respond: { waf: 'captcha', status: 200 },
      explain:
        'A request body over about 128,000 bytes gets FAIL_SYS_USER_VALIDATE (docs/protocol.md §9.8, 2026-08-06, ' +
        "qwengate 1081845's boundary sweep).",
    },
    ...VERSION_RULES_2026_09,
    ...AUTH_RULES,
    ...JSON_RULES,
    ...COMPLETION_VALIDATION_RULES,
    ...CHAT_EXISTENCE_RULES,
    ...TURN_RULES_2026_09,
    ...SEED_CULPRIT_RULES,
    ...ENVELOPE_RULES_2026,
    ...TURN_RULES,
  ],
};
