import { describe, expect, it } from 'vitest';
import { chatCompletionObject, ChunkWriter, DONE_FRAME, openAiUsage } from '../../src/proxy/chunk-writer.js';

const identity = { id: 'chatcmpl-1', created: 1_780_000_000, model: 'qwen3-max' };
const parse = (frame: string) => {
  expect(frame.startsWith('data: ') && frame.endsWith('\n\n')).toBe(true);
  return JSON.parse(frame.slice(6)) as Record<string, unknown>;
};

describe('ChunkWriter', () => {
  const w = new ChunkWriter(identity);

  it('writes valid chat.completion.chunk frames that repeat id, created and model', () => {
    for (const frame of [w.role(), w.content('a'), w.reasoning('b'), w.finish('stop')]) {
      expect(parse(frame)).toMatchObject({
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_780_000_000,
        model: 'qwen3-max',
      });
    }
  });

  it('puts the role in the first delta and text in content or reasoning_content', () => {
    expect(parse(w.role())).toMatchObject({
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(parse(w.content('He said "hi"\n\u2028'))).toMatchObject({
      choices: [{ delta: { content: 'He said "hi"\n\u2028' } }],
    });
    expect(parse(w.reasoning('because'))).toMatchObject({ choices: [{ delta: { reasoning_content: 'because' } }] });
  });

  it('ends with finish_reason, an optional usage chunk without choices, and [DONE]', () => {
    expect(parse(w.finish('length'))).toMatchObject({ choices: [{ delta: {}, finish_reason: 'length' }] });
    expect(parse(w.usage({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }))).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
    expect(DONE_FRAME).toBe('data: [DONE]\n\n');
  });

  it('writes a mid-stream error as a data frame holding an OpenAI error', () => {
    expect(
      parse(w.error({ status: 502, message: 'cut', type: 'upstream_error', code: 'upstream_stream_cut' })),
    ).toEqual({
      error: { message: 'cut', type: 'upstream_error', param: null, code: 'upstream_stream_cut' },
    });
  });
});

describe('openAiUsage', () => {
  it('maps the upstream counts to OpenAI names with reasoning and cached details', () => {
    expect(
      openAiUsage({ inputTokens: 1000, outputTokens: 30, totalTokens: 1030, reasoningTokens: 10, cachedTokens: 0 }),
    ).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 30,
      total_tokens: 1030,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 10 },
    });
  });
});

describe('chatCompletionObject', () => {
  it('builds a non-stream completion with reasoning_content only when there was reasoning', () => {
    const plain = chatCompletionObject(identity, { content: 'hi', reasoning: '', finishReason: 'stop' });
    expect(plain).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    });
    expect(JSON.stringify(plain)).not.toContain('reasoning_content');
    expect(chatCompletionObject(identity, { content: 'hi', reasoning: 'r', finishReason: 'stop' })).toMatchObject({
      choices: [{ message: { reasoning_content: 'r' } }],
    });
  });
});
