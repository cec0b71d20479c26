import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/client/credentials.js';
import { runShapeConversation, runShapeTurn } from '../../src/client/run-shape.js';
import type { SseEvent } from '../../src/exchange/exchange.js';
import { SHAPES, systemIdClock, type ShapeContext } from '../../src/upstream/shapes.js';
import { failureName } from '../../src/upstream/upstream-failure.js';
import { startSimulator } from '../../src/simulator/index.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let ctx: ShapeContext;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 5 });
  const { email, password } = sim.demoUser;
  const creds = await resolveCredentials({ target: sim.url, user: `${email}:${password}` });
  ctx = { baseUrl: sim.url, token: creds.token, cookies: creds.cookies, idClock: systemIdClock };
});
afterAll(async () => {
  await sim?.close();
});

describe('runShapeTurn against the simulator', () => {
  it('gets a streamed answer for the web shape, events arriving live', async () => {
    const live: SseEvent[] = [];
    const turn = await runShapeTurn(SHAPES.web, ctx, {}, { onEvent: (e) => live.push(e) });
    expect(turn.exchanges.map((e) => e.endpoint)).toEqual(['chats.new', 'chat.completions']);
    expect(turn.result.ok).toBe(true);
    expect(turn.result.answer.length).toBeGreaterThan(0);
    expect(turn.chatId).toBeDefined();
    expect(turn.created?.chatId).toBe(turn.chatId);
    expect(live.length).toBe(turn.exchanges[1]?.response?.sse?.length);
  });

  it('reproduces the seed final request failure with a real chat', async () => {
    const turn = await runShapeTurn(SHAPES['seed-v4'], ctx, {});
    expect(turn.exchanges).toHaveLength(2);
    expect(turn.result.failure && failureName(turn.result.failure)).toBe('Internal_Server_Error');
  });

  it('refuses the seed gzip-compressed token', async () => {
    const turn = await runShapeTurn(SHAPES['seed-v1'], ctx, {});
    expect(turn.exchanges[0]?.response?.status).toBe(401);
    expect(turn.result.failure).toMatchObject({ kind: 'auth', reason: expect.stringContaining('Invalid token') });
  });

  it('threads two web turns through one chat', async () => {
    const convo = await runShapeConversation(SHAPES.web, ctx, ['first', 'second']);
    expect(convo.turns.map((t) => t.result.ok)).toEqual([true, true]);
    expect(convo.exchanges.map((e) => e.endpoint)).toEqual(['chats.new', 'chat.completions', 'chat.completions']);
    const second = JSON.parse(convo.exchanges[2]?.request.body ?? '{}') as { chat_id: string; parent_id: string };
    expect(second.chat_id).toBe(convo.chatId);
    expect(second.parent_id).toBe(convo.turns[0]?.created?.responseId);
  });
});
