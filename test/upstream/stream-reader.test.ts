import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExchangeResponse } from '../../src/exchange/exchange.js';
import { judgeQwenResponse, QwenStreamReader, readQwenStream } from '../../src/upstream/stream-reader.js';
import type { QwenStreamResult, QwenStreamUpdate } from '../../src/upstream/stream-types.js';
import { failureName } from '../../src/upstream/upstream-failure.js';

// The capture files keep their `#` comment lines: the reader ignores them as unknown SSE fields.
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/qwen-sse/${name}`, import.meta.url), 'utf8');
const FAST = fixture('fast-answer-2026-06-03.txt');
const THINKING = fixture('thinking-answer-2026-06-03.excerpt.txt');

const data = (value: unknown) => `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
const delta = (d: Record<string, unknown>, usage?: unknown) =>
  data({ choices: [{ delta: { role: 'assistant', ...d } }], ...(usage ? { usage } : {}) });
const answer = (content: string) => delta({ content, phase: 'answer', status: 'typing' });
const FINISH = delta({ content: '', phase: 'answer', status: 'finished' });
const summary = (titles: string[], thoughts: string[]) =>
  delta({
    content: '',
    phase: 'thinking_summary',
    status: 'typing',
    extra: { summary_title: { content: titles }, summary_thought: { content: thoughts } },
  });

/** Feeds the chunks one by one and returns every update plus the result. */
function readChunks(
  chunks: string[],
  opts?: { cut?: boolean },
): { updates: QwenStreamUpdate[]; result: QwenStreamResult } {
  const reader = new QwenStreamReader();
  const updates = [...chunks.flatMap((c) => reader.push(c)), ...reader.flush()];
  return { updates, result: reader.end(opts) };
}

const textOf = (updates: QwenStreamUpdate[], kind: 'answer' | 'reasoning') =>
  updates.map((u) => (u.kind === kind ? u.text : '')).join('');

describe('QwenStreamReader on real captures', () => {
  it('reads the fast answer "Hi!" with its ids and last usage', () => {
    const r = readQwenStream(FAST);
    expect(r).toMatchObject({ ok: true, answer: 'Hi!', finished: true, reasoning: '', events: 6 });
    expect(r.failure).toBeUndefined();
    expect(r.usage).toEqual({ inputTokens: 1049, outputTokens: 2, totalTokens: 1051, cachedTokens: 0 });
    expect(r.created).toEqual({
      chatId: '605fdeab-bcc7-4b00-ab4c-64acac491286',
      parentId: '09897e80-02f2-4786-90b5-23e83e0c8a99',
      responseId: 'bceb5c39-c6ae-4fee-a0f9-8df8afd67ca9',
      responseIndex: 0,
    });
  });

  it('reads the thinking excerpt: summary reasoning, then the answer, then finished', () => {
    const { updates, result: r } = readChunks([THINKING]);
    expect(r).toMatchObject({
      ok: true,
      answer: '我是通義千問（Qwen',
      finished: true,
      reasoningPhase: 'thinking_summary',
    });
    expect(r.summary).toEqual({
      titles: ['正在理解并回应您的请求'],
      thoughts: ['我是一位由阿里巴巴通义实验室研发的超大规模语言模型……'],
    });
    expect(r.reasoning).toBe('**正在理解并回应您的请求**\n我是一位由阿里巴巴通义实验室研发的超大规模语言模型……');
    expect(r.usage).toMatchObject({ inputTokens: 1438, outputTokens: 806, totalTokens: 2244 });
    expect(r.created?.chatId).toBe('2fb2073a-54ff-4c92-87f6-bce70be16134');
    expect(updates.map((u) => u.kind)).toEqual([
      'created',
      'usage',
      'reasoning',
      'phase-finished',
      'usage',
      'answer',
      'usage',
      'answer',
      'phase-finished',
      'finished',
    ]);
  });

  it('without keepText gives the same updates and verdict but leaves the texts to the consumer', () => {
    const kept = readChunks([THINKING]);
    const reader = new QwenStreamReader({ keepText: false });
    const updates = [...reader.push(THINKING), ...reader.flush()];
    const result = reader.end();
    expect(updates).toEqual(kept.updates);
    expect(result).toMatchObject({
      ok: true,
      finished: true,
      answer: '',
      reasoning: '',
      reasoningPhase: 'thinking_summary',
    });
    expect(textOf(updates, 'answer')).toBe(kept.result.answer);
  });

  it('gives the same updates and result for every two-way split of both captures', () => {
    for (const text of [FAST, THINKING]) {
      const whole = readChunks([text]);
      for (let i = 0; i <= text.length; i++) {
        expect(readChunks([text.slice(0, i), text.slice(i)])).toEqual(whole);
      }
    }
  });

  it('gives the same result for random byte splits decoded in stream mode, even mid UTF-8', () => {
    const bytes = new TextEncoder().encode(THINKING);
    const whole = readChunks([THINKING]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
        const decoder = new TextDecoder('utf-8');
        const chunks = points
          .slice(1)
          .map((end, i) => decoder.decode(bytes.subarray(points[i], end), { stream: true }));
        expect(readChunks(chunks)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});

describe('QwenStreamReader reasoning', () => {
  it('turns cumulative thinking_summary arrays into increments that join to the final text', () => {
    const text = [
      summary(['Plan'], ['I will']),
      summary(['Plan'], ['I will greet']),
      summary(['Plan', 'Check'], ['I will greet', 'Short']),
      summary(['Plan', 'Check'], ['I will greet', 'Short and kind.']),
      delta({ content: '', phase: 'thinking_summary', status: 'finished' }),
      answer('Hello'),
      FINISH,
    ].join('');
    const { updates, result } = readChunks([text]);
    const increments = updates.filter((u) => u.kind === 'reasoning').map((u) => (u.kind === 'reasoning' ? u.text : ''));
    expect(increments).toEqual(['**Plan**\nI will', ' greet', '\n\n**Check**\nShort', ' and kind.']);
    expect(result.reasoning).toBe('**Plan**\nI will greet\n\n**Check**\nShort and kind.');
    expect(textOf(updates, 'reasoning')).toBe(result.reasoning);
    expect(result.summary).toEqual({ titles: ['Plan', 'Check'], thoughts: ['I will greet', 'Short and kind.'] });
  });

  it('appends a change that cannot extend the text as a new paragraph instead of losing it', () => {
    const text = [
      summary(['A', 'B'], ['one', 'two']),
      summary(['A', 'B'], ['one more', 'two']),
      answer('x'),
      FINISH,
    ].join('');
    const r = readQwenStream(text);
    expect(r.reasoning).toBe('**A**\none\n\n**B**\ntwo\n\n more');
  });

  it('streams think-phase content as incremental reasoning', () => {
    const r = readQwenStream(
      delta({ content: 'hmm', phase: 'think' }) +
        delta({ content: ', ok', phase: 'think', status: 'finished' }) +
        answer('A') +
        FINISH,
    );
    expect(r).toMatchObject({ ok: true, reasoning: 'hmm, ok', reasoningPhase: 'think', answer: 'A' });
  });
});

describe('QwenStreamReader failures and odd input', () => {
  it('reports an in-stream error object after some answer events and keeps the text so far', () => {
    const { updates, result } = readChunks([
      answer('Par'),
      answer('tial'),
      data({ error: { code: 'token-limit', details: 'Allocated quota exceeded' } }),
    ]);
    expect(result).toMatchObject({
      ok: false,
      answer: 'Partial',
      failure: { kind: 'in-stream', code: 'token-limit', afterEvents: 2 },
    });
    expect(failureName(result.failure!)).toBe('in-stream:token-limit');
    expect(updates.at(-1)).toMatchObject({ kind: 'failure' });
  });

  it('reports an error envelope inside a data line', () => {
    const r = readQwenStream(
      data({ success: false, request_id: 'x', data: { code: 'Bad_Request', details: 'Internal error' } }),
    );
    expect(failureName(r.failure!)).toBe('Bad_Request');
  });

  it('reports a stream without the finished answer event as truncated', () => {
    const r = readQwenStream(answer('Hi'));
    expect(r).toMatchObject({
      ok: false,
      answer: 'Hi',
      finished: false,
      failure: { kind: 'truncated', reason: 'no-finish', events: 1 },
    });
  });

  it('reports a stream the caller says was cut as truncated even after the finish', () => {
    expect(readQwenStream(FAST, { cut: true }).failure).toEqual({ kind: 'truncated', reason: 'cut', events: 6 });
  });

  it('still reads a last event that lacks its blank line, and calls a half event a cut', () => {
    expect(readQwenStream(answer('Hi') + FINISH.trimEnd()).ok).toBe(true);
    expect(readQwenStream(answer('Hi') + 'data: {"choi').failure).toMatchObject({ kind: 'truncated', reason: 'cut' });
  });

  it('reports non-JSON event data as malformed and unknown shapes as other', () => {
    const { updates, result } = readChunks([data('not json'), data({ something: 'else' }), answer('ok'), FINISH]);
    expect(result.failure).toMatchObject({ kind: 'malformed' });
    expect(result.answer).toBe('ok');
    expect(updates).toContainEqual({ kind: 'other', data: { something: 'else' } });
  });

  it('passes image_gen and web_search events through as other', () => {
    const img = {
      choices: [{ delta: { content: 'https://cdn.qwenlm.ai/x.png', phase: 'image_gen', status: 'typing' } }],
    };
    const web = { choices: [{ delta: { name: 'web_search', extra: { web_search_info: [] } } }] };
    const { updates } = readChunks([data(img), data(web), answer('a'), FINISH]);
    expect(updates.filter((u) => u.kind === 'other')).toEqual([
      { kind: 'other', data: img },
      { kind: 'other', data: web },
    ]);
  });

  it('ignores [DONE] and collects SSE comments', () => {
    const r = readQwenStream(`: keep-alive\n\n${answer('Hi')}${FINISH}data: [DONE]\n\n`);
    expect(r).toMatchObject({ ok: true, answer: 'Hi', comments: ['keep-alive'], events: 3 });
  });

  it('recognises an error body fed as if it were a stream', () => {
    const env = '{"success":false,"request_id":"r","data":{"code":"Internal_Server_Error","details":"Internal error"}}';
    expect(failureName(readQwenStream(env).failure!)).toBe('Internal_Server_Error');
    expect(readQwenStream('<!doctype html><meta name="aliyun_waf_aa">').failure?.kind).toBe('waf');
  });

  it('never throws on random input, whole or in pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 8 }), fc.boolean(), (chunks, cut) => {
        const { result } = readChunks(chunks, { cut });
        expect(result.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.constantFrom('data: ', '\n', '\n\n', '{', '}', '"error"', ':', '[DONE]', '\r'), fc.json()),
          { maxLength: 20 },
        ),
        (parts) => {
          expect(() => readQwenStream(parts.join(''))).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('judgeQwenResponse', () => {
  const sse = [{ name: 'content-type', value: 'text/event-stream; charset=utf-8' }];
  const json = [{ name: 'content-type', value: 'application/json' }];
  const resp = (status: number, body: string, headers = json): ExchangeResponse => ({ status, headers, body });

  it('reads an event stream, by content type or by a leading data: line', () => {
    expect(judgeQwenResponse(resp(200, FAST, sse)).ok).toBe(true);
    expect(judgeQwenResponse(resp(200, FAST, json)).answer).toBe('Hi!');
  });

  it('rebuilds the stream from captured events when the body was not kept', () => {
    const events = FAST.split('\n\n')
      .filter((b) => b.startsWith('data: '))
      .map((b, i) => ({ t: i, data: b.slice(6) }));
    expect(judgeQwenResponse({ status: 200, headers: sse, sse: events }).answer).toBe('Hi!');
  });

  it('fails a 200 whose body is a JSON error envelope or a WAF page', () => {
    const env =
      '{"success":false,"request_id":"278700b5","data":{"code":"Internal_Server_Error","details":"Internal error"}}';
    expect(failureName(judgeQwenResponse(resp(200, env)).failure!)).toBe('Internal_Server_Error');
    expect(judgeQwenResponse(resp(200, '<!doctypehtml><meta name="aliyun_waf_aa">', [])).failure?.kind).toBe('waf');
  });

  it('fails a transport error, and a stream cut by one is truncated', () => {
    expect(failureName(judgeQwenResponse(undefined, { code: 'ECONNRESET', message: 'reset' }).failure!)).toBe(
      'transport:ECONNRESET',
    );
    expect(
      judgeQwenResponse(resp(200, answer('Hi'), sse), { code: 'ECONNRESET', message: 'reset' }).failure,
    ).toMatchObject({ kind: 'truncated', reason: 'cut' });
  });

  it('fails a 401 as auth and an empty 200 as malformed', () => {
    expect(judgeQwenResponse(resp(401, '')).failure?.kind).toBe('auth');
    expect(judgeQwenResponse(resp(200, '')).failure?.kind).toBe('malformed');
  });
});
