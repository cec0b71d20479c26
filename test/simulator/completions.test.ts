import { describe, expect, it } from 'vitest';
import { readQwenStream } from '../../src/upstream/stream-reader.js';
import { expectedAnswer } from '../../src/simulator/index.js';
import { complete, envelopeOf, inProcess, jsonHeaders, minimalBody, newChat, signin, ssePayloads } from './support.js';

async function setup(options: Parameters<typeof inProcess>[0] = {}) {
  const sim = inProcess(options);
  const { token } = await signin(sim.request, sim.baseUrl);
  const chatId = await newChat(sim.request, sim.baseUrl, token);
  return { sim, token, chatId };
}

/** A completion of "Why?" on a thinking model, with thinking on in the given format. */
const thinkingBody = (chatId: string, thinkingFormat: 'summary' | 'detail') =>
  minimalBody(
    chatId,
    { model: 'qwen3-235b-a22b' },
    {
      content: 'Why?',
      feature_config: { output_schema: 'phase', thinking_enabled: true, thinking_format: thinkingFormat },
    },
  );

describe('the completion stream', () => {
  it('streams response.created, incremental answer deltas and a finished event, with no [DONE]', async () => {
    const { sim, token, chatId } = await setup();
    const res = await complete(
      sim.request,
      sim.baseUrl,
      token,
      chatId,
      minimalBody(chatId, {}, { fid: 'user-msg-1', content: 'What is 2+2?' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await res.text();
    expect(text).not.toContain('[DONE]');
    const payloads = ssePayloads(text);
    expect(payloads[0]).toMatch(
      new RegExp(
        String.raw`^\{"response\.created":\{"chat_id": "[^"]+", "parent_id": "user-msg-1", ` +
          String.raw`"response_id":"[^"]+", "response_index": "0"\}\}$`,
      ),
    );
    const created = JSON.parse(payloads[0] ?? '{}')['response.created'];
    expect(created.chat_id).toBe(chatId);
    const deltas = payloads.slice(1).map((p) => JSON.parse(p));
    expect(deltas.length).toBeGreaterThanOrEqual(8);
    expect(deltas.length).toBeLessThanOrEqual(30);
    for (const d of deltas) expect(d.response_id).toBe(created.response_id);
    expect(deltas.at(-1)).toEqual({
      choices: [{ delta: { content: '', role: 'assistant', status: 'finished', phase: 'answer' } }],
      response_id: created.response_id,
    });
    const typing = deltas.slice(0, -1);
    expect(typing[0].choices[0].delta).toMatchObject({ role: 'assistant', phase: 'answer', status: 'typing' });
    expect(typing.map((d) => d.choices[0].delta.content).join('')).toBe(expectedAnswer('What is 2+2?').answer);
    // Python json.dumps spacing, as in the capture.
    expect(payloads[1]).toMatch(/^\{"choices": \[\{"delta": \{"role": "assistant", "content": /);
  });

  it(
    'reads as a working answer with the project stream reader, with growing usage over a ~1000-token system ' +
      'prompt',
    async () => {
      const { sim, token, chatId } = await setup();
      const prompt = 'x'.repeat(400);
      const text = await (
        await complete(sim.request, sim.baseUrl, token, chatId, minimalBody(chatId, {}, { content: prompt }))
      ).text();
      const result = readQwenStream(text);
      expect(result.ok).toBe(true);
      expect(result.answer).toBe(expectedAnswer(prompt).answer);
      expect(result.usage?.inputTokens).toBe(1100);
      expect(result.usage?.outputTokens).toBeGreaterThan(10);
      const outputs = ssePayloads(text)
        .slice(1, -1)
        .map((p) => JSON.parse(p).usage.output_tokens as number);
      expect(outputs).toEqual([...outputs].sort((a, b) => a - b));
    },
  );

  it('uses the injected clock and ids, so a stream is reproducible', async () => {
    let n = 0;
    const ids = () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
    const run = async () => {
      n = 0;
      const { sim, token, chatId } = await setup({ clock: () => 1_780_000_000_000, ids, jwtSecret: 's' });
      return (await complete(sim.request, sim.baseUrl, token, chatId, minimalBody(chatId, {}, { fid: 'f' }))).text();
    };
    const first = await run();
    expect(await run()).toBe(first);
    expect(first).toContain('"timestamp": 1780000000');
  });

  it('streams cumulative thinking_summary events before the answer when thinking is on', async () => {
    const { sim, token, chatId } = await setup();
    const body = thinkingBody(chatId, 'summary');
    const text = await (await complete(sim.request, sim.baseUrl, token, chatId, body)).text();
    const events = ssePayloads(text)
      .slice(1)
      .map((p) => JSON.parse(p));
    const summary = events.filter((e) => e.choices[0].delta.phase === 'thinking_summary');
    const typing = summary.filter((e) => e.choices[0].delta.status === 'typing');
    expect(typing.length).toBeGreaterThan(2);
    for (const e of typing) expect(e.choices[0].delta.content).toBe('');
    // Cumulative: every event's arrays extend the previous event's.
    for (let i = 1; i < typing.length; i++) {
      const prev: string[] = typing[i - 1].choices[0].delta.extra.summary_thought.content;
      const cur: string[] = typing[i].choices[0].delta.extra.summary_thought.content;
      expect(cur.length).toBeGreaterThanOrEqual(prev.length);
      prev.forEach((p, j) => expect((cur[j] ?? '').startsWith(p)).toBe(true));
    }
    expect(summary.at(-1).choices[0].delta.status).toBe('finished');
    const firstAnswer = events.findIndex((e) => e.choices[0].delta.phase === 'answer');
    expect(firstAnswer).toBeGreaterThan(events.indexOf(summary.at(-1)));
    const expected = expectedAnswer('Why?', { thinking: true });
    expect(typing.at(-1).choices[0].delta.extra.summary_thought.content).toEqual(expected.summary?.thoughts);
    const result = readQwenStream(text);
    expect(result.answer).toBe(expected.answer);
    expect(result.reasoning).toBe(expected.reasoning);
  });

  it('streams incremental think events with thinking_format "detail"', async () => {
    const { sim, token, chatId } = await setup();
    const body = thinkingBody(chatId, 'detail');
    const result = readQwenStream(await (await complete(sim.request, sim.baseUrl, token, chatId, body)).text());
    expect(result.reasoningPhase).toBe('think');
    expect(result.reasoning).toBe(expectedAnswer('Why?', { thinking: true }).reasoning);
    expect(result.ok).toBe(true);
  });

  it('ignores thinking on a model that cannot think', async () => {
    const { sim, token, chatId } = await setup();
    const body = minimalBody(
      chatId,
      { model: 'qwen3-coder-plus' },
      { feature_config: { output_schema: 'phase', thinking_enabled: true } },
    );
    const result = readQwenStream(await (await complete(sim.request, sim.baseUrl, token, chatId, body)).text());
    expect(result.reasoning).toBe('');
    expect(result.ok).toBe(true);
  });

  it('drops the phase field when the message lacks output_schema "phase", and still answers', async () => {
    const { sim, token, chatId } = await setup();
    const body = minimalBody(
      chatId,
      { feature_config: { output_schema: 'phase' } },
      { content: 'Hi', feature_config: undefined },
    );
    const text = await (await complete(sim.request, sim.baseUrl, token, chatId, body)).text();
    const deltas = ssePayloads(text)
      .slice(1)
      .map((p) => JSON.parse(p).choices[0].delta);
    for (const d of deltas) expect(d).not.toHaveProperty('phase');
    expect(deltas.map((d) => d.content).join('')).toBe(expectedAnswer('Hi').answer);
  });

  it('appends N words for a [[words=N]] directive, for long load-test streams', async () => {
    const { sim, token, chatId } = await setup();
    const prompt = 'load [[words=600]]';
    const result = readQwenStream(
      await (
        await complete(sim.request, sim.baseUrl, token, chatId, minimalBody(chatId, {}, { content: prompt }))
      ).text(),
    );
    expect(result.answer).toBe(expectedAnswer(prompt).answer);
    expect(result.answer.split(' ').length).toBeGreaterThan(600);
    expect(result.events).toBeGreaterThan(200);
  });
});

describe('threading turns in a chat', () => {
  it('accepts a second turn whose parent_id is the previous response_id and stores both turns', async () => {
    const { sim, token, chatId } = await setup();
    const first = ssePayloads(
      await (
        await complete(
          sim.request,
          sim.baseUrl,
          token,
          chatId,
          minimalBody(chatId, { parent_id: null }, { fid: 'u1', content: 'one' }),
        )
      ).text(),
    );
    const responseId = JSON.parse(first[0] ?? '{}')['response.created'].response_id as string;
    const second = await complete(
      sim.request,
      sim.baseUrl,
      token,
      chatId,
      minimalBody(chatId, { parent_id: responseId }, { fid: 'u2', content: 'two', parent_id: responseId }),
    );
    const result = readQwenStream(await second.text());
    expect(result.ok).toBe(true);
    expect(result.created?.parentId).toBe('u2');
    const detail = (await (await sim.request(`/api/v2/chats/${chatId}`, { headers: jsonHeaders(token) })).json()) as {
      data: { chat: { messages: { id: string; role: string; content: string; parentId: string | null }[] } };
    };
    const msgs = detail.data.chat.messages;
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(msgs[2]).toMatchObject({ id: 'u2', parentId: responseId, content: 'two' });
    expect(msgs[3]?.content).toBe(expectedAnswer('two').answer);
  });

  it('refuses a second turn that does not continue from the last response', async () => {
    const { sim, token, chatId } = await setup();
    await (await complete(sim.request, sim.baseUrl, token, chatId, minimalBody(chatId))).text();
    const res = await complete(sim.request, sim.baseUrl, token, chatId, minimalBody(chatId, { parent_id: null }));
    expect(res.status).toBe(200);
    expect(await envelopeOf(res)).toEqual({ code: 'Bad_Request', details: 'Internal error' });
    expect(sim.state.outcomes['rule:parent-is-last-response']).toBe(1);
  });
});
