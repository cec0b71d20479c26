/**
 * zod schemas of the web API's bodies (protocol.md §4). They describe what the web client
 * sends and what the server answers; they are lenient (`passthrough`) because the point of this tool
 * is to look at bodies that differ from the norm, not to reject them.
 */
import { z } from 'zod';

/** The chat types `/api/models` lists in `info.meta.chat_type`. `text` and `normal` are not among them. */
export const CHAT_TYPES = [
  't2t',
  'search',
  't2i',
  't2v',
  'image_edit',
  'artifacts',
  'web_dev',
  'deep_research',
  'slides',
] as const;
export const CHAT_MODES = ['normal', 'guest', 'local', 'temporary'] as const;

export const signinRequestSchema = z.object({ email: z.string(), password: z.string() }).passthrough();

export const signinResponseSchema = z
  .object({
    token: z.string(),
    id: z.string().optional(),
    email: z.string().optional(),
    name: z.string().optional(),
    token_type: z.string().optional(),
    expires_at: z.number().nullable().optional(),
  })
  .passthrough();

export const authsMeResponseSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), token_type: z.string().optional() })
  .passthrough();

export const chatsNewRequestSchema = z
  .object({
    title: z.string().optional(),
    models: z.array(z.string()),
    chat_mode: z.string().optional(),
    chat_type: z.string().optional(),
    timestamp: z.number().optional(),
    project_id: z.string().optional(),
  })
  .passthrough();

/** Success envelope of the v2 API: `{"success":true,"request_id":...,"data":...}`. */
export function successEnvelopeSchema<T extends z.ZodTypeAny>(data: T) {
  return z.object({ success: z.literal(true), request_id: z.string().optional(), data }).passthrough();
}

export const chatsNewResponseSchema = successEnvelopeSchema(z.object({ id: z.string() }).passthrough());

/** The error envelope: `{"success":false,"request_id":...,"data":{"code":...,"details":...}}`. */
export const errorEnvelopeSchema = z
  .object({
    success: z.literal(false),
    request_id: z.string().optional(),
    data: z.object({ code: z.string(), details: z.unknown().optional(), num: z.number().optional() }).passthrough(),
  })
  .passthrough();
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export const featureConfigSchema = z
  .object({
    thinking_enabled: z.boolean().optional(),
    output_schema: z.string().optional(),
    thinking_budget: z.number().optional(),
    research_mode: z.string().optional(),
    auto_thinking: z.boolean().optional(),
    thinking_mode: z.string().optional(),
    thinking_format: z.string().optional(),
    auto_search: z.boolean().optional(),
  })
  .passthrough();

export const messageContentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional(), image: z.string().optional() }).passthrough()),
]);

export const completionMessageSchema = z
  .object({
    role: z.string(),
    content: messageContentSchema,
    chat_type: z.string().optional(),
    sub_chat_type: z.string().optional(),
    feature_config: featureConfigSchema.optional(),
    extra: z.record(z.string(), z.unknown()).optional(),
    fid: z.string().optional(),
    parentId: z.string().nullable().optional(),
    parent_id: z.string().nullable().optional(),
    childrenIds: z.array(z.string()).optional(),
    user_action: z.string().optional(),
    files: z.array(z.unknown()).optional(),
    timestamp: z.number().optional(),
    models: z.array(z.string()).optional(),
  })
  .passthrough();
export type CompletionMessage = z.infer<typeof completionMessageSchema>;

export const completionRequestSchema = z
  .object({
    stream: z.boolean().optional(),
    incremental_output: z.boolean().optional(),
    version: z.string().optional(),
    chat_id: z.string().optional(),
    chat_mode: z.string().optional(),
    chat_type: z.string().optional(),
    sub_chat_type: z.string().optional(),
    model: z.string().optional(),
    parent_id: z.string().nullable().optional(),
    messages: z.array(completionMessageSchema),
    timestamp: z.number().optional(),
    session_id: z.string().optional(),
    feature_config: featureConfigSchema.optional(),
  })
  .passthrough();
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

export const modelEntrySchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    object: z.string().optional(),
    owned_by: z.string().optional(),
    info: z
      .object({
        meta: z
          .object({
            capabilities: z.record(z.string(), z.boolean()).optional(),
            chat_type: z.array(z.string()).optional(),
            max_context_length: z.number().optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const modelsResponseSchema = z.object({ data: z.array(modelEntrySchema) }).passthrough();

/** True when the model entry says it can think (`capabilities.thinking` or `abilities.thinking`). */
export function modelCanThink(model: ModelEntry): boolean {
  const meta = model.info?.meta as
    { capabilities?: Record<string, boolean>; abilities?: Record<string, number> } | undefined;
  return meta?.capabilities?.thinking === true || meta?.abilities?.thinking === 1;
}

/** Parses JSON without throwing. */
export function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
