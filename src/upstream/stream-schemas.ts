/**
 * Zod schemas for the `data:` payloads of a chat.qwen.ai completion stream (protocol.md §5),
 * and the small interpreters that turn them into our types. Every object schema is loose: the
 * upstream adds fields often, and an unknown key must never turn a good event into a failure.
 */
import { z } from 'zod';
import { definedFields } from '../common/index.js';
import type { QwenCreated, QwenUsage } from './stream-types.js';

const optString = z.string().nullish();
const optCount = z.number().nullish();

/** `{"response.created":{chat_id, parent_id, response_id, response_index}}`, the first event. */
export const CreatedEventSchema = z.looseObject({
  'response.created': z.looseObject({
    chat_id: optString,
    parent_id: optString,
    response_id: optString,
    response_index: z.union([z.string(), z.number()]).nullish(),
  }),
});

/** Token counts in either naming; parsed apart from the event so bad usage never hides a delta. */
export const UsageSchema = z.looseObject({
  input_tokens: optCount,
  output_tokens: optCount,
  total_tokens: optCount,
  prompt_tokens: optCount,
  completion_tokens: optCount,
  input_tokens_details: z.looseObject({ cached_tokens: optCount }).nullish(),
  output_tokens_details: z.looseObject({ reasoning_tokens: optCount }).nullish(),
  prompt_tokens_details: z.looseObject({ cached_tokens: optCount }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: optCount }).nullish(),
});

const SummaryPartSchema = z.looseObject({ content: z.array(z.string()) }).nullish();

/** `choices[0].delta`: `content` is incremental for `answer`/`think`, empty for `thinking_summary`. */
export const DeltaSchema = z.looseObject({
  role: optString,
  content: optString,
  phase: optString,
  status: optString,
  /** `web_search` deltas are named rather than phased (Rfym21 `chat.js`). */
  name: optString,
  extra: z.looseObject({ summary_title: SummaryPartSchema, summary_thought: SummaryPartSchema }).nullish(),
});

/** A delta event: `{"choices":[{"delta":{…}}],"response_id","usage","timestamp"}`. */
export const DeltaEventSchema = z.looseObject({
  // Optional so a usage-only event (OpenAI style, `choices` absent) still yields its usage.
  choices: z.array(z.looseObject({ delta: DeltaSchema.nullish() })).optional(),
  response_id: optString,
  usage: z.unknown().optional(),
  timestamp: z.number().nullish(),
});

export type QwenDelta = z.infer<typeof DeltaSchema>;
export type QwenDeltaEvent = z.infer<typeof DeltaEventSchema>;

// Hand-written checks for the shapes nearly every event has. They run once per upstream event,
// where a zod `safeParse` (and the issue list of a failing one) was a sizeable part of the CPU.
// Each check is conservative: `true` only where the schema above would accept the value as it
// is, so the value itself can stand in for zod's output. Anything else goes to zod, which then
// decides exactly as before.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOptString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

/** Like zod's `z.number()`: finite numbers only. */
function isOptCount(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value));
}

function isSummaryPart(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (!isRecord(value)) return false;
  const content = value['content'];
  if (!Array.isArray(content)) return false;
  for (let i = 0; i < content.length; i++) if (typeof content[i] !== 'string') return false;
  return true;
}

function isDelta(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (!isRecord(value)) return false;
  if (!isOptString(value['role']) || !isOptString(value['content']) || !isOptString(value['phase'])) return false;
  if (!isOptString(value['status']) || !isOptString(value['name'])) return false;
  const extra = value['extra'];
  if (extra === undefined || extra === null) return true;
  return isRecord(extra) && isSummaryPart(extra['summary_title']) && isSummaryPart(extra['summary_thought']);
}

function isDeltaEvent(value: Record<string, unknown>): boolean {
  const choices = value['choices'];
  if (choices !== undefined) {
    if (!Array.isArray(choices)) return false;
    for (let i = 0; i < choices.length; i++) {
      const choice: unknown = choices[i];
      if (!isRecord(choice) || !isDelta(choice['delta'])) return false;
    }
  }
  return isOptString(value['response_id']) && isOptCount(value['timestamp']);
}

/**
 * Reads a delta event (`DeltaEventSchema`), or `undefined` when the value is not one. Same
 * verdict as the schema's `safeParse`; the common shapes skip zod.
 */
export function parseDeltaEvent(value: unknown): QwenDeltaEvent | undefined {
  if (isRecord(value) && isDeltaEvent(value)) return value as QwenDeltaEvent;
  const parsed = DeltaEventSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Reads the `response.created` ids, or `undefined` when the value is not that event. */
export function parseCreated(value: unknown): QwenCreated | undefined {
  // The schema requires the key: without it (every event but the first) zod would only fail.
  if (isRecord(value) && value['response.created'] === undefined) return undefined;
  const parsed = CreatedEventSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const c = parsed.data['response.created'];
  const index = c.response_index === null || c.response_index === undefined ? NaN : Number(c.response_index);
  return definedFields({
    chatId: c.chat_id ?? undefined,
    parentId: c.parent_id ?? undefined,
    responseId: c.response_id ?? undefined,
    responseIndex: Number.isFinite(index) ? index : undefined,
  });
}

function isDetails(value: unknown, key: string): boolean {
  return value === undefined || value === null || (isRecord(value) && isOptCount(value[key]));
}

/** True where `UsageSchema` accepts the value as it is (see the fast checks above). */
function isUsage(value: unknown): boolean {
  return (
    isRecord(value) &&
    isOptCount(value['input_tokens']) &&
    isOptCount(value['output_tokens']) &&
    isOptCount(value['total_tokens']) &&
    isOptCount(value['prompt_tokens']) &&
    isOptCount(value['completion_tokens']) &&
    isDetails(value['input_tokens_details'], 'cached_tokens') &&
    isDetails(value['output_tokens_details'], 'reasoning_tokens') &&
    isDetails(value['prompt_tokens_details'], 'cached_tokens') &&
    isDetails(value['completion_tokens_details'], 'reasoning_tokens')
  );
}

/** True when two usages carry the same counts (cheaper than comparing their JSON per event). */
export function sameUsage(a: QwenUsage | undefined, b: QwenUsage): boolean {
  return (
    a !== undefined &&
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.totalTokens === b.totalTokens &&
    a.reasoningTokens === b.reasoningTokens &&
    a.cachedTokens === b.cachedTokens
  );
}

/** Normalises a `usage` object; `undefined` when it has neither input nor output counts. */
export function normaliseUsage(value: unknown): QwenUsage | undefined {
  let u: z.infer<typeof UsageSchema>;
  if (isUsage(value)) u = value as z.infer<typeof UsageSchema>;
  else {
    const parsed = UsageSchema.safeParse(value);
    if (!parsed.success) return undefined;
    u = parsed.data;
  }
  const input = u.input_tokens ?? u.prompt_tokens ?? undefined;
  const output = u.output_tokens ?? u.completion_tokens ?? undefined;
  if (input === undefined && output === undefined) return undefined;
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  const reasoning =
    u.output_tokens_details?.reasoning_tokens ?? u.completion_tokens_details?.reasoning_tokens ?? undefined;
  const cached = u.prompt_tokens_details?.cached_tokens ?? u.input_tokens_details?.cached_tokens ?? undefined;
  return {
    inputTokens,
    outputTokens,
    totalTokens: u.total_tokens ?? inputTokens + outputTokens,
    ...(reasoning === undefined ? {} : { reasoningTokens: reasoning }),
    ...(cached === undefined ? {} : { cachedTokens: cached }),
  };
}

/**
 * Turns the cumulative `thinking_summary` arrays into incremental text. The rendering is
 * `**title**\n` then the thought, sections joined by a blank line:
 *
 *     **T0**\nH0\n\n**T1**\nH1
 *
 * In the order Qwen sends them (a section appears, its thought grows, the next section appears)
 * every change is a pure append, so the joined updates equal that rendering of the final arrays.
 * A change that cannot be appended (an earlier thought grows after a later section appeared, a
 * title arrives after its thought, an element is rewritten) is appended as a new paragraph with
 * just the new part: text already shown to a live consumer cannot be taken back, and dropping
 * it would lose reasoning. The joined updates stay the reader's `reasoning` either way.
 */
export class SummaryRenderer {
  private titles: readonly string[] = [];
  private thoughts: readonly string[] = [];
  /** The element the emitted text currently ends in; only it can be continued in place. */
  private open: { kind: 'title' | 'thought'; index: number } | undefined;
  private emitted = '';

  /** The arrays as last seen. */
  get summary(): { titles: string[]; thoughts: string[] } {
    return { titles: [...this.titles], thoughts: [...this.thoughts] };
  }

  /** Takes the next cumulative arrays (absent = unchanged) and returns the new text, maybe ''. */
  next(titles: readonly string[] | undefined, thoughts: readonly string[] | undefined): string {
    const newTitles = titles ?? this.titles;
    const newThoughts = thoughts ?? this.thoughts;
    let out = '';
    const append = (text: string): void => {
      out += text;
      this.emitted += text;
    };
    const separator = (): string => (this.emitted === '' ? '' : this.emitted.endsWith('\n') ? '\n' : '\n\n');
    const n = Math.max(newTitles.length, newThoughts.length);
    for (let i = 0; i < n; i++) {
      const title = newTitles[i];
      if (title !== undefined && title !== '' && title !== this.titles[i]) {
        append(`${separator()}**${title}**\n`);
        this.open = { kind: 'title', index: i };
      }
      const thought = newThoughts[i];
      const before = this.thoughts[i] ?? '';
      if (thought === undefined || thought === before) continue;
      const grows = thought.startsWith(before);
      const openHere = this.open?.index === i;
      if (grows && openHere && (this.open?.kind === 'thought' || before === '')) {
        append(thought.slice(before.length));
      } else {
        append(separator() + (grows ? thought.slice(before.length) : thought));
      }
      this.open = { kind: 'thought', index: i };
    }
    this.titles = [...newTitles];
    this.thoughts = [...newThoughts];
    return out;
  }
}
