import { describe, expect, it } from 'vitest';
import { anthropicErrorBody, parseMessagesRequest } from '../../src/proxy/anthropic-schemas.js';
import { proxyError } from '../../src/proxy/openai-schemas.js';

const base = { model: 'qwen3-max', max_tokens: 100 };
const refused = (body: Record<string, unknown>) => {
  const r = parseMessagesRequest(body);
  if (r.ok) throw new Error('accepted');
  return r.error;
};

describe('parseMessagesRequest', () => {
  it('turns system blocks and text blocks into the shared request, thinking on when asked', () => {
    const r = parseMessagesRequest({
      ...base,
      stream: true,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      thinking: { type: 'enabled', budget_tokens: 2000 },
      temperature: 0.2,
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hm', signature: 's' },
            { type: 'text', text: 'Yo' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
      ],
    });
    expect(r).toEqual({
      ok: true,
      request: {
        model: 'qwen3-max',
        stream: true,
        includeUsage: true,
        maxTokens: 100,
        thinking: true,
        ignored: ['temperature'],
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Yo' },
          { role: 'user', content: 'Bye' },
        ],
      },
    });
  });

  it('names the field of what the upstream cannot take', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'x' } };
    expect(refused({ ...base, messages: [{ role: 'user', content: [image] }] })).toMatchObject({
      status: 400,
      param: 'messages.0.content.0.type',
    });
    const toolResult = { type: 'tool_result', tool_use_id: 't', content: 'x' };
    expect(refused({ ...base, messages: [{ role: 'user', content: [toolResult] }] }).param).toBe(
      'messages.0.content.0.type',
    );
    expect(refused({ ...base, tools: [{ name: 't' }], messages: [{ role: 'user', content: 'x' }] }).param).toBe(
      'tools',
    );
    expect(refused({ ...base, stop_sequences: ['END'], messages: [{ role: 'user', content: 'x' }] }).param).toBe(
      'stop_sequences',
    );
    expect(
      refused({
        ...base,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'prefill' },
        ],
      }).param,
    ).toBe('messages.1.role');
  });

  it('refuses missing required fields and extra inputs as Anthropic words them', () => {
    expect(refused({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).message).toBe(
      'max_tokens: Field required',
    );
    expect(refused({ ...base, messages: [{ role: 'user', content: 'x' }], n: 2 }).message).toBe(
      'n: Extra inputs are not permitted',
    );
    expect(refused({ ...base, messages: [{ role: 'tool', content: 'x' }] }).param).toBe('messages.0.role');
  });
});

describe('anthropicErrorBody', () => {
  it('gives the Anthropic error type for the status, and the code as details.error_code', () => {
    expect(anthropicErrorBody(proxyError('slow down', { status: 429, code: 'rate_limit_exceeded' }), 'req_1')).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down', details: { error_code: 'rate_limit_exceeded' } },
      request_id: 'req_1',
    });
    expect(anthropicErrorBody(proxyError('gone', { status: 502 })).error.type).toBe('api_error');
    expect(anthropicErrorBody(proxyError('late', { status: 504 })).error.type).toBe('timeout_error');
  });
});
