/**
 * The official Anthropic SDK (`@anthropic-ai/sdk` 1.17) against `serve`'s `/v1/messages` against the
 * simulator, all on loopback: streaming (the SDK's own event accumulator), non-stream, `system`,
 * multi-turn conversations continued upstream, thinking blocks, usage, the key in `x-api-key`,
 * errors in Anthropic's shape with the same mapping of upstream failures, and aborts.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/client/credentials.js';
import { startProxyServer, type ProxyServer } from '../../src/proxy/index.js';
import { expectedAnswer, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';

const KEY = 'anthropic-side-key';
let sim: RunningSimulator;
let proxy: ProxyServer;
let client: Anthropic;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 2 });
  const user = `${sim.demoUser.email}:${sim.demoUser.password}`;
  const credentials = await resolveCredentials({ target: sim.url, user });
  proxy = await startProxyServer({
    target: sim.url,
    port: 0,
    apiKeys: [KEY],
    sessions: [{ label: 'demo', credentials, refresh: () => resolveCredentials({ target: sim.url, user }) }],
  });
  // The SDK sends the key as x-api-key, as it does to api.anthropic.com.
  client = new Anthropic({ baseURL: proxy.url, apiKey: KEY, maxRetries: 0 });
});
afterEach(() => {
  sim.setFaults([]);
});
afterAll(async () => {
  await proxy?.close();
  await sim?.close();
});

describe('messages through the Anthropic SDK', () => {
  it('answers a non-stream request as a message with a text block, stop_reason and usage', async () => {
    const message = await client.messages.create({
      model: 'qwen3-max',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'non-stream please' }],
    });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe('qwen3-max');
    expect(message.content).toEqual([{ type: 'text', text: expectedAnswer('non-stream please').answer }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(1000); // includes the hidden system prompt
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams the event sequence the SDK accumulates into the same message', async () => {
    const stream = client.messages.stream({
      model: 'qwen3-max',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'stream please' }],
    });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    const final = await stream.finalMessage();
    expect(text).toBe(expectedAnswer('stream please').answer);
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(types.slice(2, -3))).toEqual(new Set(['content_block_delta']));
    expect(final.content).toEqual([{ type: 'text', text: expectedAnswer('stream please').answer }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.input_tokens).toBeGreaterThan(1000);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams reasoning as a thinking block, with its signature, before the text block', async () => {
    const stream = client.messages.stream({
      model: 'qwen3-235b-a22b',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'think first' }],
    });
    const final = await stream.finalMessage();
    const expected = expectedAnswer('think first', { thinking: true });
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    const [thinking, text] = final.content as [Anthropic.ThinkingBlock, Anthropic.TextBlock];
    expect(thinking.thinking).toBe(expected.reasoning);
    expect(thinking.signature).not.toBe('');
    expect(text.text).toBe(expected.answer);
  });

  it('puts a non-stream answer’s reasoning in a thinking block', async () => {
    const message = await client.messages.create({
      model: 'qwen3-235b-a22b-thinking',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'think quietly' }],
    });
    expect(message.content[0]).toMatchObject({
      type: 'thinking',
      thinking: expectedAnswer('think quietly', { thinking: true }).reasoning,
    });
  });

  it('folds system into the upstream message, and continues the upstream chat on the next turn', async () => {
    const first = await client.messages.create({
      model: 'qwen3-max',
      max_tokens: 256,
      system: 'Answer in one sentence.',
      messages: [{ role: 'user', content: 'What is Qwen?' }],
    });
    const folded = 'System: Answer in one sentence.\n\nUser: What is Qwen?';
    expect(first.content[0]).toMatchObject({ text: expectedAnswer(folded).answer });
    const chats = sim.state.chats.size;
    const second = await client.messages.create({
      model: 'qwen3-max',
      max_tokens: 256,
      system: 'Answer in one sentence.',
      messages: [
        { role: 'user', content: 'What is Qwen?' },
        // Clients send the answer back as blocks; a thinking block in it is dropped.
        { role: 'assistant', content: [{ type: 'text', text: (first.content[0] as Anthropic.TextBlock).text }] },
        { role: 'user', content: [{ type: 'text', text: 'Who makes it?' }] },
      ],
    });
    expect(second.content[0]).toMatchObject({ text: expectedAnswer('Who makes it?').answer });
    expect(sim.state.chats.size).toBe(chats);
  });

  it('stops at max_tokens with stop_reason max_tokens', async () => {
    const message = await client.messages.create({
      model: 'qwen3-max',
      max_tokens: 3,
      messages: [{ role: 'user', content: 'a long one [[words=200]]' }],
    });
    expect(message.stop_reason).toBe('max_tokens');
  });
});

describe('errors through the Anthropic SDK', () => {
  it('refuses an image block with a 400 naming the field', async () => {
    const error = await client.messages
      .create({
        model: 'qwen3-max',
        max_tokens: 64,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            ],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const api = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(api.type).toBe('invalid_request_error');
    expect(api.message).toContain('messages.0.content.1.type');
  });

  it('refuses tools with a 400 naming the field', async () => {
    const error = await client.messages
      .create({
        model: 'qwen3-max',
        max_tokens: 64,
        tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }],
        messages: [{ role: 'user', content: 'weather?' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('tools');
  });

  it('refuses a missing max_tokens as Anthropic does', async () => {
    const res = await fetch(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify({ model: 'qwen3-max', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
  });

  it('answers a wrong key with an AuthenticationError', async () => {
    const wrong = new Anthropic({ baseURL: proxy.url, apiKey: 'wrong', maxRetries: 0 });
    const error = await wrong.messages
      .create({ model: 'qwen3-max', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).type).toBe('authentication_error');
  });

  it('maps an upstream rate limit to a RateLimitError with retry-after, and the same error code', async () => {
    sim.setFaults([{ name: 'rate-limited', times: 1 }]);
    const error = await client.messages
      .create({ model: 'qwen3-max', max_tokens: 16, messages: [{ role: 'user', content: 'limited' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const api = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(api.type).toBe('rate_limit_error');
    expect(api.errorCode).toBe('rate_limit_exceeded');
    expect(Number(api.headers?.get('retry-after'))).toBeGreaterThan(0);
    // The one account is cooling down for the hours the upstream named; bring it back for the next tests.
    proxy.handler.pool.reinstate('demo');
  });

  it('maps an upstream envelope to a 502 api_error carrying the upstream code', async () => {
    sim.setFaults([{ name: 'json-error-200', times: 1 }]);
    const error = await client.messages
      .create({ model: 'qwen3-max', max_tokens: 16, messages: [{ role: 'user', content: 'envelope' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    const api = error as InstanceType<typeof Anthropic.InternalServerError>;
    expect(api.status).toBe(502);
    expect(api.type).toBe('api_error');
    expect(api.errorCode).toBe('Internal_Server_Error');
  });

  it('turns a failure after the stream started into an error event that the SDK throws', async () => {
    sim.setFaults([{ name: 'reset-mid-stream', times: 1 }]);
    const stream = client.messages.stream({
      model: 'qwen3-max',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'cut me [[words=50]]' }],
    });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe('api_error');
  });

  it('aborts the upstream request when the client aborts the stream', async () => {
    const before = sim.state.streams.cut;
    const stream = client.messages.stream({
      model: 'qwen3-max',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'a long answer [[words=400]]' }],
    });
    for await (const event of stream) {
      if (event.type === 'content_block_delta') {
        stream.abort();
        break;
      }
    }
    for (let i = 0; i < 100 && proxy.handler.openResponses > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(proxy.handler.openResponses).toBe(0);
    for (let i = 0; i < 100 && sim.state.streams.cut === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sim.state.streams.cut).toBeGreaterThan(before);
  });
});
