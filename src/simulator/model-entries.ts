/**
 * Turns a profile's compact model list into `/api/models` entries of the captured shape
 * (protocol.md §7.1, cristminix models.json of 2025-07-30): top-level id/name/object/owned_by,
 * `info.meta` with capabilities (booleans), abilities (0/1), chat_type list and length limits.
 */
import type { ModelSpec } from './profile-schema.js';

/** The chat types a model offers when its spec does not narrow them (the capture's full list). */
export const DEFAULT_MODEL_CHAT_TYPES: readonly string[] = [
  't2t',
  't2v',
  't2i',
  'search',
  'artifacts',
  'web_dev',
  'deep_research',
];

export interface ModelEntryOptions {
  /** Unix seconds for `created_at`/`updated_at`; fixed so the list is stable between calls. */
  readonly createdAt: number;
}

/** One `/api/models` entry. */
export function modelEntry(spec: ModelSpec, options: ModelEntryOptions): Record<string, unknown> {
  const vision = spec.vision ?? true;
  const thinking = spec.thinking ?? false;
  const chatTypes = spec.chatTypes ?? DEFAULT_MODEL_CHAT_TYPES;
  const capabilities = {
    vision,
    document: vision,
    video: vision,
    audio: false,
    citations: true,
    thinking,
    thinking_budget: thinking,
  };
  const abilities = Object.fromEntries([...Object.entries(capabilities).map(([k, v]) => [k, v ? 1 : 0]), ['mcp', 1]]);
  const name = spec.name ?? spec.id;
  return {
    id: spec.id,
    name,
    object: 'model',
    owned_by: 'qwen',
    info: {
      id: spec.id,
      user_id: '7a8b1c2d-0000-4000-8000-000000000000',
      base_model_id: null,
      name,
      params: {},
      meta: {
        profile_image_url: '/static/favicon.png',
        description: spec.description ?? `${name} (simulated)`,
        short_description: spec.description ?? name,
        capabilities,
        abilities,
        chat_type: [...chatTypes],
        mcp: chatTypes.includes('t2i') ? ['image-generation', 'code-interpreter'] : [],
        modality: vision ? ['text', 'image', 'video'] : ['text'],
        max_context_length: spec.maxContextLength ?? 131072,
        max_generation_length: spec.maxGenerationLength ?? 32768,
        ...(thinking ? { max_thinking_generation_length: 81920, max_summary_generation_length: 32768 } : {}),
        // 2026 entries only (protocol.md §9.15): false means the model always thinks.
        ...(spec.thinkSkip === undefined ? {} : { think_skip: { enable: spec.thinkSkip } }),
      },
      access_control: null,
      is_active: true,
      is_visitor_active: true,
      updated_at: options.createdAt,
      created_at: options.createdAt,
    },
    preset: true,
    action_ids: [],
  };
}

/** The `{"data":[…]}` body of GET /api/models and GET /api/v2/models/. */
export function modelsBody(
  models: readonly ModelSpec[],
  options: ModelEntryOptions,
): { data: Record<string, unknown>[] } {
  return { data: models.map((m) => modelEntry(m, options)) };
}
