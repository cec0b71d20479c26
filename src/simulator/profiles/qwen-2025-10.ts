/**
 * Profile `qwen-2025-10` (default): chat.qwen.ai as the seed met it in October 2025. It reproduces
 * the seed report's error progression exactly: "Invalid token", the two chat_id validation errors,
 * a random chat_id refused, then Internal_Server_Error for the final body, which streams once
 * messages[0].chat_type and model (and nothing else) are fixed. No WAF: headers did not matter then.
 */
import type { ModelSpec, SimulatorProfile } from '../profile-schema.js';
import {
  AUTH_RULES,
  CHAT_EXISTENCE_RULES,
  COMPLETION_VALIDATION_RULES,
  JSON_RULES,
  SEED_CULPRIT_RULES,
  TURN_RULES,
} from './common-rules.js';

const NARROW = ['t2t', 'artifacts', 'web_dev', 'search'];

/** FreeQwenApi AvaibleModels.txt at 4846e29 (2025-09-28); thinking flags from the 2025-07-30 capture. */
export const MODELS_2025_10: readonly ModelSpec[] = [
  { id: 'qwen3-max', name: 'Qwen3-Max', maxContextLength: 262144 },
  { id: 'qwen3-vl-plus', name: 'Qwen3-VL-235B-A22B', thinking: true, maxContextLength: 262144 },
  { id: 'qwen3-coder-plus', name: 'Qwen3-Coder', maxContextLength: 1048576 },
  { id: 'qwen3-omni-flash', name: 'Qwen3-Omni-Flash', chatTypes: ['t2t'], maxContextLength: 65536 },
  { id: 'qwen-plus-2025-09-11', name: 'Qwen3-Next-80B-A3B', thinking: true, maxContextLength: 262144 },
  { id: 'qwen3-235b-a22b', name: 'Qwen3-235B-A22B-2507', thinking: true, maxContextLength: 131072 },
  { id: 'qwen3-30b-a3b', name: 'Qwen3-30B-A3B-2507', thinking: true },
  { id: 'qwen3-coder-30b-a3b-instruct', name: 'Qwen3-Coder-Flash', maxContextLength: 262144 },
  { id: 'qwen-max-latest', name: 'Qwen2.5-Max', thinking: true },
  { id: 'qwen-plus-2025-01-25', name: 'Qwen2.5-Plus', thinking: true },
  { id: 'qwq-32b', name: 'QwQ-32B', chatTypes: NARROW, vision: false },
  { id: 'qwen-turbo-2025-02-11', name: 'Qwen2.5-Turbo', thinking: true, maxContextLength: 1000000 },
  { id: 'qwen2.5-omni-7b', name: 'Qwen2.5-Omni-7B', maxContextLength: 30720 },
  { id: 'qvq-72b-preview-0310', name: 'QVQ-Max', chatTypes: NARROW },
  { id: 'qwen2.5-vl-32b-instruct', name: 'Qwen2.5-VL-32B-Instruct' },
  { id: 'qwen2.5-14b-instruct-1m', name: 'Qwen2.5-14B-Instruct-1M', maxContextLength: 1000000 },
  { id: 'qwen2.5-coder-32b-instruct', name: 'Qwen2.5-Coder-32B-Instruct' },
  { id: 'qwen2.5-72b-instruct', name: 'Qwen2.5-72B-Instruct' },
];

export const QWEN_2025_10: SimulatorProfile = {
  name: 'qwen-2025-10',
  description:
    'chat.qwen.ai in Oct 2025 (the seed report): token, chat_id and chat checks, then Internal_Server_Error for an ' +
    'unknown messages[0].chat_type or an unlisted model; no WAF',
  models: MODELS_2025_10,
  rules: [
    ...AUTH_RULES,
    ...JSON_RULES,
    ...COMPLETION_VALIDATION_RULES,
    ...CHAT_EXISTENCE_RULES,
    ...SEED_CULPRIT_RULES,
    ...TURN_RULES,
  ],
};
