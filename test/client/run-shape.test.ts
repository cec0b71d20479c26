import { afterEach, describe, expect, it } from 'vitest';
import { runShapeConversation, runShapeTurn } from '../../src/client/run-shape.js';
import type { SseEvent } from '../../src/exchange/exchange.js';
import { SHAPES, sequentialIdClock, type ShapeContext } from '../../src/upstream/shapes.js';
import { freePort, readBody, startLoopbackServer, type LoopbackServer } from '../net/loopback-server.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ctx = (baseUrl: string): ShapeContext => ({ baseUrl, token: 'jwt', idClock: sequentialIdClock() });

const answerStream = (chatId: string, responseId: string, text: string) =>
  [
    { 'response.created': { chat_id: chatId, parent_id: null, response_id: responseId } },
    { choices: [{ delta: { role: 'assistant', content: text, phase: 'answer', status: 'typing' } }] },
    { choices: [{ delta: { role: 'assistant', content: '', phase: 'answer', status: 'finished' } }] },
  ]
    .map((e) => `data: ${JSON.stringify(e)}\n\n`)
    .join('');

/** A tiny two-endpoint upstream: chats/new answers `chat-N`, completions stream an answer. */
async function tinyUpstream(log: { path: string; body: Record<string, unknown> }[]): Promise<LoopbackServer> {
  let chats = 0;
  let responses = 0;
  return startLoopbackServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    log.push({ path: req.url ?? '', body });
    if (req.url === '/api/v2/chats/new') {
      chats += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ success: true, request_id: 'r', data: { id: `chat-${chats}` } }));
      return;
    }
    responses += 1;
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.end(answerStream(String(body.chat_id), `resp-${responses}`, `answer ${responses}`));
  });
}

describe('runShapeTurn', () => {
  it('creates the chat, completes in it, and judges the stream, with live events', async () => {
    const log: { path: string; body: Record<string, unknown> }[] = [];
    server = await tinyUpstream(log);
    const live: SseEvent[] = [];
    const turn = await runShapeTurn(SHAPES.web, ctx(server.url), {}, { onEvent: (e) => live.push(e) });
    expect(turn.exchanges.map((e) => [e.endpoint, e.source])).toEqual([
      ['chats.new', 'library'],
      ['chat.completions', 'library'],
    ]);
    expect(log[1]?.path).toBe('/api/v2/chat/completions?chat_id=chat-1');
    expect(turn).toMatchObject({
      chatId: 'chat-1',
      result: { ok: true, answer: 'answer 1' },
      created: { responseId: 'resp-1' },
    });
    expect(live).toHaveLength(3);
  });

  it('stops after a chats/new that the WAF blocked and says so in the result', async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(405, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><html><head><meta name="aliyun_waf_aa" content="x"></head><body>blocked</body></html>');
    });
    const turn = await runShapeTurn(SHAPES.web, ctx(server.url), {});
    expect(turn.exchanges).toHaveLength(1);
    expect(turn.chatId).toBeUndefined();
    expect(turn.result).toMatchObject({ ok: false, failure: { kind: 'waf' } });
  });

  it('stops after a chats/new envelope error, and after a 200 without data.id', async () => {
    let body = JSON.stringify({ success: false, data: { code: 'Bad_Request', details: 'nope' } });
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    const turn = await runShapeTurn(SHAPES.web, ctx(server.url), {});
    expect(turn.result.failure).toMatchObject({ kind: 'envelope', code: 'Bad_Request' });
    body = '{"success":true}';
    const seed = await runShapeTurn(SHAPES['seed-v4'], ctx(server.url), {});
    expect(seed.exchanges).toHaveLength(1);
    expect(seed.result.failure).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('data.id') });
  });

  it('reports a refused connection as a transport failure with the exchange kept', async () => {
    const turn = await runShapeTurn(SHAPES['seed-v2'], ctx(`http://127.0.0.1:${await freePort()}`), {});
    expect(turn.exchanges[0]).toMatchObject({ endpoint: 'chat.completions', error: { code: 'ECONNREFUSED' } });
    expect(turn.result.failure).toMatchObject({ kind: 'transport', code: 'ECONNREFUSED' });
  });
});

describe('runShapeConversation', () => {
  it('creates one chat and threads parent_id from each response id', async () => {
    const log: { path: string; body: Record<string, unknown> }[] = [];
    server = await tinyUpstream(log);
    const convo = await runShapeConversation(SHAPES.web, ctx(server.url), ['one', 'two', 'three']);
    expect(log.map((l) => l.path.split('?')[0])).toEqual([
      '/api/v2/chats/new',
      '/api/v2/chat/completions',
      '/api/v2/chat/completions',
      '/api/v2/chat/completions',
    ]);
    expect(log.slice(1).map((l) => [l.body.chat_id, l.body.parent_id])).toEqual([
      ['chat-1', null],
      ['chat-1', 'resp-1'],
      ['chat-1', 'resp-2'],
    ]);
    expect(convo.turns.map((t) => t.result.answer)).toEqual(['answer 1', 'answer 2', 'answer 3']);
    expect(convo.chatId).toBe('chat-1');
    expect(convo.exchanges).toHaveLength(4);
  });
});
