import { describe, expect, it } from 'vitest';
import { openAiErrorBody, parseChatRequest } from '../../src/proxy/openai-schemas.js';

const user = (content: unknown) => ({ role: 'user', content });
const base = { model: 'qwen3-max', messages: [user('Hello!')] };

function refusal(body: unknown) {
  const result = parseChatRequest(body);
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

describe('parseChatRequest', () => {
  it('accepts a minimal request and reduces it to model, messages and stream flags', () => {
    const result = parseChatRequest(base);
    expect(result).toEqual({
      ok: true,
      request: {
        model: 'qwen3-max',
        messages: [{ role: 'user', content: 'Hello!' }],
        stream: false,
        includeUsage: false,
        ignored: [],
      },
    });
  });

  it('joins text content parts and keeps stream_options.include_usage', () => {
    const result = parseChatRequest({
      ...base,
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        user([
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ]),
      ],
    });
    expect(result.ok && result.request).toMatchObject({
      stream: true,
      includeUsage: true,
      messages: [{ role: 'user', content: 'a\nb' }],
    });
  });

  it('refuses a wrong type with a 400 naming the parameter', () => {
    const error = refusal({ ...base, temperature: 'hot' });
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'temperature' });
  });

  it('names the nested parameter of a wrong message content type', () => {
    expect(refusal({ ...base, messages: [user(42)] }).param).toBe('messages[0].content');
  });

  it('refuses an unknown role and lists the supported ones', () => {
    const error = refusal({ ...base, messages: [{ role: 'robot', content: 'x' }] });
    expect(error.param).toBe('messages[0].role');
    expect(error.message).toContain("'robot'");
  });

  it('refuses empty messages', () => {
    expect(refusal({ ...base, messages: [] })).toMatchObject({ status: 400, param: 'messages', code: 'empty_array' });
  });

  it('refuses a body that is not a JSON object', () => {
    for (const body of [null, 3, 'x', [base]]) expect(refusal(body).status).toBe(400);
  });

  it('refuses an unknown parameter the way OpenAI does', () => {
    const error = refusal({ ...base, frobnicate: true });
    expect(error).toMatchObject({ param: 'frobnicate', code: 'unknown_parameter' });
    expect(error.message).toContain('Unrecognized request argument supplied: frobnicate');
  });

  it.each([
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { top_logprobs: 2 }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f' } }] }],
    ['tool_choice', { tool_choice: 'required' }],
    ['stop', { stop: ['\n'] }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
  ])('refuses %s with a clear unsupported_parameter 400 instead of ignoring it', (param, extra) => {
    expect(refusal({ ...base, ...extra })).toMatchObject({ status: 400, param, code: 'unsupported_parameter' });
  });

  it('refuses tool messages and image parts, which need features not supported yet', () => {
    expect(refusal({ ...base, messages: [{ role: 'tool', content: 'x', tool_call_id: 'a' }] }).param).toBe(
      'messages[0].role',
    );
    expect(refusal({ ...base, messages: [user([{ type: 'image_url', image_url: { url: 'http://x' } }])] }).param).toBe(
      'messages[0].content[0].type',
    );
  });

  it('refuses a conversation whose last message is not from the user', () => {
    expect(refusal({ ...base, messages: [user('a'), { role: 'assistant', content: 'b' }] }).param).toBe(
      'messages[1].role',
    );
  });

  it('accepts n=1, tool_choice none and text response_format, which change nothing', () => {
    expect(parseChatRequest({ ...base, n: 1, tool_choice: 'none', response_format: { type: 'text' } }).ok).toBe(true);
  });

  it('accepts sampling knobs and lists them as ignored', () => {
    const result = parseChatRequest({ ...base, temperature: 0.2, top_p: 0.9, seed: 1, user: 'u' });
    expect(result.ok && result.request.ignored).toEqual(['temperature', 'top_p', 'seed', 'user']);
  });

  it('takes max_completion_tokens over max_tokens and reads enable_thinking', () => {
    const result = parseChatRequest({ ...base, max_tokens: 50, max_completion_tokens: 10, enable_thinking: true });
    expect(result.ok && result.request).toMatchObject({ maxTokens: 10, thinking: true });
  });

  it('refuses stream_options without stream, as OpenAI does', () => {
    expect(refusal({ ...base, stream_options: { include_usage: true } }).param).toBe('stream_options');
  });

  it('builds the OpenAI error body with null param and code when absent', () => {
    expect(openAiErrorBody({ status: 400, message: 'm', type: 't' })).toEqual({
      error: { message: 'm', type: 't', param: null, code: null },
    });
  });
});
