/**
 * The eras of chat.qwen.ai that qwen-probe models, as data: which front end built the browser's
 * requests in each, with which version constants, and which value was picked where the sources
 * disagree. An era carries the name of the simulator profile that serves it (`simulate --profile
 * NAME`), and `shapeFor('web', era)` (shapes.ts) builds that era's browser request, so the page, the
 * shapes and the server rules of one era read the same constants.
 */
import { WEB_CLIENT, WEB_CLIENT_2026_08, type WebClient } from './browser-headers.js';

export const ERA_NAMES = ['qwen-2025-10', 'qwen-2026-06', 'qwen-2026-09'] as const;
export type EraName = (typeof ERA_NAMES)[number];

/** The era of the seed report, and the default everywhere. */
export const DEFAULT_ERA: EraName = 'qwen-2025-10';

/**
 * Which request builders an era's front end uses: `family-b` is the React client's envelope of
 * 2025-10 to 2026-06 (protocol.md §4.3, §8.1); `fe-2026-08` is front end 0.2.87 (§9.11 to §9.13).
 */
export type FrontEndKind = 'family-b' | 'fe-2026-08';

/** Values the sources disagree on; an era picks one, a simulator profile may pick the other. */
export interface FrontEndChoices {
  /** `messages[*].model`: the model id (plan.md, 2026-08-25) or `""` (weselow e1f8e3c, 2026-07-31). */
  readonly messageModel: 'model-id' | 'empty';
  /** The completion's top-level `timestamp`: milliseconds (plan.md) or seconds (every earlier body). */
  readonly completionTimestamp: 'ms' | 's';
}

export interface WebEra {
  readonly name: EraName;
  /** One line: what the era models (the README's table of eras). */
  readonly description: string;
  readonly frontEnd: FrontEndKind;
  readonly client: WebClient;
  /** The model the `web` shape and the simulator's page pick unless told otherwise. */
  readonly defaultModel: string;
  readonly choices: FrontEndChoices;
  /** Why the choices are what they are, citing docs/protocol.md. */
  readonly explain: string;
}

const FAMILY_B_CHOICES: FrontEndChoices = { messageModel: 'model-id', completionTimestamp: 's' };

/**
 * The eras. `qwen-2025-10` and `qwen-2026-06` share the family-B front end; its header values are
 * those of 2026-06 (0.2.63 / 2.5.36), which the 2025-10 server never checked (protocol.md §3.3).
 */
export const ERAS: Readonly<Record<EraName, WebEra>> = {
  'qwen-2025-10': {
    name: 'qwen-2025-10',
    description:
      "the seed report's month: token and chat_id checks, Internal_Server_Error for an unknown chat type or " +
      'model; no WAF',
    frontEnd: 'family-b',
    client: WEB_CLIENT,
    defaultModel: 'qwen3-max',
    choices: FAMILY_B_CHOICES,
    explain: 'Family B sends no message `model` and a top-level timestamp in seconds (docs/protocol.md §4.3, §8.1).',
  },
  'qwen-2026-06': {
    name: 'qwen-2026-06',
    description:
      'June 2026: the Aliyun WAF wants x-request-id, bx-v, source and the ssxmod_itna cookie; the full envelope',
    frontEnd: 'family-b',
    client: WEB_CLIENT,
    defaultModel: 'qwen3-max',
    choices: FAMILY_B_CHOICES,
    explain: 'As qwen-2025-10: the family-B body of docs/protocol.md §8.1.',
  },
  'qwen-2026-09': {
    name: 'qwen-2026-09',
    description:
      'September 2026: baxia signatures (bx-ua, bx-umidtoken, bx-pp), a full cookie jar and a browser TLS ' +
      'fingerprint, else an empty answer, then a captcha, then 403; front end 0.2.87; dual responses; qwen3.8',
    frontEnd: 'fe-2026-08',
    client: WEB_CLIENT_2026_08,
    defaultModel: 'qwen3.7-plus',
    choices: { messageModel: 'model-id', completionTimestamp: 'ms' },
    explain:
      'The message `model` is the model id and the completion timestamp is in milliseconds, as plan.md records ' +
      'them for front end 0.2.87 on 2026-08-25 (docs/protocol.md §9.13); weselow (2026-07-31, build 0.2.81) sends ' +
      '`model:""` and no millisecond timestamp, an older build, so a profile may pick that instead ' +
      '(`frontEnd: {"messageModel": "empty", "completionTimestamp": "s"}`).',
  },
};

export function isEraName(name: string): name is EraName {
  return (ERA_NAMES as readonly string[]).includes(name);
}
