/**
 * The completion body of a named shape (src/upstream/shapes.ts) as a JSON object, for a client's
 * test that wants "what the browser sends" (`web`) or "what the seed report sent" (`seed-v4`)
 * without building it by hand.
 */
import { SHAPES, systemIdClock, type ShapeName } from '../upstream/shapes.js';

/** What to put in the body besides the chat id. */
export interface ShapeBodyOptions {
  readonly model?: string | undefined;
  readonly prompt?: string | undefined;
  readonly thinking?: boolean | undefined;
  /** The previous turn's `response_id`; null (the default) for a first turn. */
  readonly parentId?: string | null | undefined;
}

/** A shape's completion body for the chat `chatId`, with fresh ids and the current time. */
export function shapeBody(shape: ShapeName, chatId: string, options: ShapeBodyOptions = {}): Record<string, unknown> {
  const request = SHAPES[shape].completion(
    {
      baseUrl: 'https://chat.qwen.ai',
      token: 'unused',
      idClock: systemIdClock,
      ...(options.model !== undefined ? { model: options.model } : {}),
      ...(options.prompt !== undefined ? { prompt: options.prompt } : {}),
      ...(options.thinking !== undefined ? { thinking: options.thinking } : {}),
    },
    { chatId, parentId: options.parentId ?? null },
  );
  return JSON.parse(request.body ?? '{}') as Record<string, unknown>;
}
