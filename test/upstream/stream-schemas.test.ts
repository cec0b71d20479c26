import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DeltaEventSchema,
  normaliseUsage,
  parseCreated,
  parseDeltaEvent,
  sameUsage,
  UsageSchema,
  CreatedEventSchema,
} from '../../src/upstream/stream-schemas.js';

// The fast paths stand in for zod on the hot path; these properties hold them to zod's verdicts.

/**
 * Values close to the real shapes, with every field sometimes of the wrong type. No `__proto__` keys:
 * zod rebuilds objects by assignment, which drops an own `__proto__` property that the fast path (like
 * JSON.parse) keeps; the difference is not one the stream reader can observe.
 */
const key = fc.string().filter((k) => k !== '__proto__');
const loose = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1, key }),
);
const summaryPart = fc.oneof(
  loose,
  fc.record({ content: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), loose) }, { requiredKeys: [] }),
);
const delta = fc.oneof(
  { weight: 1, arbitrary: loose },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        role: fc.oneof(fc.string(), loose),
        content: fc.oneof(fc.string(), loose),
        phase: fc.oneof(fc.constantFrom('answer', 'think', 'thinking_summary'), loose),
        status: fc.oneof(fc.constantFrom('typing', 'finished'), loose),
        name: fc.oneof(fc.constant('web_search'), loose),
        extra: fc.oneof(
          loose,
          fc.record({ summary_title: summaryPart, summary_thought: summaryPart }, { requiredKeys: [] }),
        ),
        other: loose,
      },
      { requiredKeys: [] },
    ),
  },
);
const count = fc.oneof(fc.integer({ min: 0, max: 5000 }), loose);
const details = fc.oneof(loose, fc.record({ cached_tokens: count, reasoning_tokens: count }, { requiredKeys: [] }));
const usage = fc.oneof(
  loose,
  fc.record(
    {
      input_tokens: count,
      output_tokens: count,
      total_tokens: count,
      prompt_tokens: count,
      completion_tokens: count,
      input_tokens_details: details,
      output_tokens_details: details,
      prompt_tokens_details: details,
      completion_tokens_details: details,
    },
    { requiredKeys: [] },
  ),
);
const event = fc.oneof(
  { weight: 1, arbitrary: loose },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        choices: fc.oneof(
          loose,
          fc.array(fc.oneof(loose, fc.record({ delta, index: loose }, { requiredKeys: [] })), { maxLength: 2 }),
        ),
        response_id: fc.oneof(fc.uuid(), loose),
        usage,
        timestamp: fc.oneof(fc.integer(), loose),
        'response.created': fc.oneof(
          loose,
          fc.record(
            { chat_id: fc.oneof(fc.uuid(), loose), response_index: fc.oneof(fc.constant('0'), loose) },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  },
);

/** `normaliseUsage` as it was, zod only. */
function zodUsage(value: unknown) {
  const parsed = UsageSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const u = parsed.data;
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

describe('stream schema fast paths', () => {
  it('parseDeltaEvent accepts exactly what DeltaEventSchema accepts, with the same data', () => {
    fc.assert(
      fc.property(event, (value) => {
        const zod = DeltaEventSchema.safeParse(value);
        const fast = parseDeltaEvent(value);
        expect(fast !== undefined).toBe(zod.success);
        if (zod.success) expect(fast).toEqual(zod.data);
      }),
      { numRuns: 3000 },
    );
  });

  it('normaliseUsage gives what the zod-only version gave', () => {
    fc.assert(
      fc.property(usage, (value) => {
        expect(normaliseUsage(value)).toEqual(zodUsage(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('parseCreated recognises exactly the values CreatedEventSchema accepts', () => {
    fc.assert(
      fc.property(event, (value) => {
        expect(parseCreated(value) !== undefined).toBe(CreatedEventSchema.safeParse(value).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('sameUsage compares every count, optional ones included', () => {
    const base = { inputTokens: 1, outputTokens: 2, totalTokens: 3 };
    expect(sameUsage(undefined, base)).toBe(false);
    expect(sameUsage(base, { ...base })).toBe(true);
    expect(sameUsage(base, { ...base, outputTokens: 3 })).toBe(false);
    expect(sameUsage(base, { ...base, reasoningTokens: 0 })).toBe(false);
    expect(sameUsage({ ...base, cachedTokens: 0 }, { ...base, cachedTokens: 0 })).toBe(true);
  });
});
