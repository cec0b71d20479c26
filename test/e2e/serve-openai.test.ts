/**
 * The official openai SDK (6.x) against `serve` against the simulator, all on loopback: what a
 * user's client sees, streaming and not, thinking, conversations, errors and aborts.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/client/credentials.js';
import { foldMessages, startProxyServer, type ProxyServer, type SessionSpec } from '../../src/proxy/index.js';
import { expectedAnswer, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';

let sim: RunningSimulator;
let proxy: ProxyServer;
let client: OpenAI;
let session: SessionSpec;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 2 });
  const user = `${sim.demoUser.email}:${sim.demoUser.password}`;
  const credentials = await resolveCredentials({ target: sim.url, user });
  session = { label: 'demo', credentials, refresh: () => resolveCredentials({ target: sim.url, user }) };
  proxy = await startProxyServer({ target: sim.url, port: 0, sessions: [session] });
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await proxy?.close();
  await sim?.close();
});

describe('models through the SDK', () => {
  it('lists the upstream models with -thinking variants for the models that can think', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('qwen3-max');
    expect(ids).toContain('qwen3-235b-a22b-thinking');
    expect(ids).not.toContain('qwen3-coder-plus-thinking');
    expect((await client.models.retrieve('qwen3-max')).object).toBe('model');
  });
});

describe('chat completions through the SDK', () => {
  it('answers a non-stream request with the simulator answer and the upstream usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'qwen3-max',
      messages: [{ role: 'user', content: 'non-stream please' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe(expectedAnswer('non-stream please').answer);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(1000); // includes the hidden system prompt
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams chunks with one id and created, the role first, the text, finish_reason and a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'qwen3-max',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream please' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(expectedAnswer('stream please').answer);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(1000);
  });

  it('streams reasoning_content for a -thinking model before the answer', async () => {
    const stream = await client.chat.completions.create({
      model: 'qwen3-235b-a22b-thinking',
      stream: true,
      messages: [{ role: 'user', content: 'think first' }],
    });
    let reasoning = '';
    let answer = '';
    let reasoningAfterAnswer = false;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      if (delta?.reasoning_content) {
        reasoning += delta.reasoning_content;
        if (answer !== '') reasoningAfterAnswer = true;
      }
      answer += delta?.content ?? '';
    }
    const expected = expectedAnswer('think first', { thinking: true });
    expect(reasoning).toBe(expected.reasoning);
    expect(answer).toBe(expected.answer);
    expect(reasoningAfterAnswer).toBe(false);
  });

  it('puts the reasoning of a non-stream thinking answer in message.reasoning_content', async () => {
    const completion = await client.chat.completions.create({
      model: 'qwen3-235b-a22b',
      messages: [{ role: 'user', content: 'think quietly' }],
      enable_thinking: true,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const message = completion.choices[0]?.message as { content: string; reasoning_content?: string };
    expect(message.reasoning_content).toBe(expectedAnswer('think quietly', { thinking: true }).reasoning);
  });
});

describe('conversations through the SDK', () => {
  it('continues the upstream chat when the client resends the history with the answer it got', async () => {
    const first = [{ role: 'user' as const, content: 'first turn' }];
    const a1 = await client.chat.completions.create({ model: 'qwen3-max', messages: first });
    const chatsBefore = sim.state.chats.size;
    const a2 = await client.chat.completions.create({
      model: 'qwen3-max',
      messages: [
        ...first,
        { role: 'assistant', content: a1.choices[0]!.message.content! },
        { role: 'user', content: 'second turn' },
      ],
    });
    expect(a2.choices[0]?.message.content).toBe(expectedAnswer('second turn').answer);
    expect(sim.state.chats.size).toBe(chatsBefore);
    const chat = [...sim.state.chats.values()].find((c) => c.messages.some((m) => m.content === 'second turn'));
    expect(chat?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('folds system and prior messages into one message of a new chat', async () => {
    const messages = [
      { role: 'system' as const, content: 'Answer briefly.' },
      { role: 'user' as const, content: 'earlier question' },
      { role: 'assistant' as const, content: 'an answer this proxy never gave' },
      { role: 'user' as const, content: 'follow-up' },
    ];
    const completion = await client.chat.completions.create({ model: 'qwen3-max', messages });
    expect(completion.choices[0]?.message.content).toBe(expectedAnswer(foldMessages(messages)).answer);
  });
});

describe('errors through the SDK', () => {
  it('raises BadRequestError with the param for an unsupported parameter', async () => {
    const error = await client.chat.completions
      .create({ model: 'qwen3-max', n: 2, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'n', code: 'unsupported_parameter' });
  });

  it('raises BadRequestError for an unknown role and for empty messages', async () => {
    const role = await client.chat.completions
      .create({ model: 'qwen3-max', messages: [{ role: 'robot', content: 'x' } as never] })
      .catch((e: unknown) => e);
    expect(role).toMatchObject({ status: 400, param: 'messages[0].role' });
    const empty = await client.chat.completions.create({ model: 'qwen3-max', messages: [] }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('raises NotFoundError for a model the upstream does not list', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('gpt-4o');
  });

  it('raises AuthenticationError with a sign-in hint when the upstream refuses the token', async () => {
    sim.setFaults([{ name: 'expired-token', times: 1 }]);
    const error = await client.chat.completions
      .create({ model: 'qwen3-max', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('qwen-probe login');
    await proxy.handler.pool.settled(); // the --user session signs in again and is back
    expect(proxy.handler.pool.status()[0]?.available).toBe(true);
  });

  it('does not let the SDK retry a deterministic upstream error', async () => {
    const retrying = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', maxRetries: 2 });
    sim.setFaults([{ name: 'waf-html' }]);
    const before = sim.state.requests['chat.completions'] ?? 0;
    const error = await retrying.chat.completions
      .create({ model: 'qwen3-max', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    sim.setFaults([]);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_waf' });
    expect((sim.state.requests['chat.completions'] ?? 0) - before).toBe(1);
  });

  it('lets the SDK retry a one-off cut connection, which then succeeds', async () => {
    const retrying = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', maxRetries: 2 });
    sim.setFaults([{ name: 'reset-mid-stream', times: 1 }]);
    const completion = await retrying.chat.completions.create({
      model: 'qwen3-max',
      messages: [{ role: 'user', content: 'retry me' }],
    });
    expect(completion.choices[0]?.message.content).toBe(expectedAnswer('retry me').answer);
  });
});

describe('aborts through the SDK', () => {
  it('cuts the upstream stream as soon as the client aborts', async () => {
    const controller = new AbortController();
    const cutBefore = sim.state.streams.cut;
    const stream = await client.chat.completions.create(
      { model: 'qwen3-max', stream: true, messages: [{ role: 'user', content: 'a long one [[words=3000]]' }] },
      { signal: controller.signal },
    );
    let pieces = 0;
    // The SDK ends the iteration quietly on its own abort; chunks it had already read may follow.
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) pieces++;
      if (pieces === 3) controller.abort();
    }
    expect(pieces).toBeLessThan(100);
    // The simulator sees its stream cancelled long before its 1000+ pieces were sent.
    await expect.poll(() => sim.state.streams.cut, { timeout: 5000 }).toBe(cutBefore + 1);
    expect(sim.state.streams.open).toBe(0);
    await expect.poll(() => proxy.handler.openResponses).toBe(0);
  });
});

describe('several sessions', () => {
  it('spreads requests over the sessions and moves on from a rate-limited one', async () => {
    const second = await startSimulator({
      port: 0,
      chunkIntervalMs: 2,
      users: [sim.demoUser, { email: 'b@qwen-probe.test', password: 'pw-b' }],
    });
    try {
      const a = await resolveCredentials({
        target: second.url,
        user: `${sim.demoUser.email}:${sim.demoUser.password}`,
      });
      const b = await resolveCredentials({ target: second.url, user: 'b@qwen-probe.test:pw-b' });
      const pooled = await startProxyServer({
        target: second.url,
        port: 0,
        sessions: [
          { label: 'a', credentials: a },
          { label: 'b', credentials: b },
        ],
      });
      try {
        const sdk = new OpenAI({ baseURL: `${pooled.url}/v1`, apiKey: 'unused', maxRetries: 0 });
        second.setFaults([{ name: 'rate-limited', times: 1 }]);
        const completion = await sdk.chat.completions.create({
          model: 'qwen3-max',
          messages: [{ role: 'user', content: 'pooled' }],
        });
        expect(completion.choices[0]?.message.content).toBe(expectedAnswer('pooled').answer);
        expect(pooled.handler.pool.status().map((s) => s.available)).toEqual([false, true]);
        const owners = [...second.state.chats.values()].map((c) => c.userId);
        expect(new Set(owners).size).toBe(2); // the refused session's chat, then the other one's
      } finally {
        await pooled.close();
      }
    } finally {
      await second.close();
    }
  });
});
