/** Replay against the simulator: fresh chat, threaded parents, overrides, and a capture without chats/new. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShapeConversation } from '../../src/client/run-shape.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { parseOverride } from '../../src/replay/field-override.js';
import { replayCapture, selectEntries } from '../../src/replay/replay-capture.js';
import { SHAPES, systemIdClock } from '../../src/upstream/shapes.js';
import { shapeCapture, startSession, type SimSession } from '../bisect/simulator-support.js';

let session: SimSession;
let conversation: Exchange[];

beforeAll(async () => {
  session = await startSession();
  const { sim, credentials } = session;
  const run = await runShapeConversation(
    SHAPES.web,
    { baseUrl: sim.url, token: credentials.token, cookies: credentials.cookies, idClock: systemIdClock },
    ['Hi', 'And then?'],
  );
  conversation = [...run.exchanges];
});
afterAll(async () => {
  await session?.sim.close();
});

const options = () => ({
  target: session.sim.url,
  token: session.credentials.token,
  cookies: session.credentials.cookies,
});
const body = (e: Exchange) =>
  JSON.parse(e.request.body ?? '{}') as Record<string, unknown> & { messages: Record<string, unknown>[] };

describe('replayCapture', () => {
  it('replays a two-turn chat in one new chat, threading parent_id from each response.created', async () => {
    const result = await replayCapture(conversation, options());
    expect(result.ok).toBe(true);
    expect(result.exchanges.map((e) => e.endpoint)).toEqual(['chats.new', 'chat.completions', 'chat.completions']);
    const [, first, second] = result.exchanges;
    const chatId = result.turns[0]!.verdict.chatId!;
    expect(new URL(first!.request.url).searchParams.get('chat_id')).toBe(chatId);
    expect(body(first!).chat_id).toBe(chatId);
    expect(body(first!).parent_id).toBeNull();
    expect(body(second!).parent_id).toBe(result.turns[0]!.verdict.result?.created?.responseId);
    expect(body(second!).chat_id).toBe(chatId);
  });

  it('refreshes ids and keeps timestamps in the unit the capture used', async () => {
    const result = await replayCapture(conversation, { ...options(), entry: 2 });
    const sent = body(result.exchanges.at(-1)!);
    const captured = body(conversation[1]!);
    expect(sent.messages[0]!.fid).not.toBe(captured.messages[0]!.fid);
    expect(String(sent.timestamp)).toMatch(/^\d{10}$/);
    expect(result.turns[0]!.firstTokenMs).toBeGreaterThanOrEqual(0);
    expect(result.turns[0]!.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('replaces the prompt and applies --set after the refresh', async () => {
    const result = await replayCapture(conversation, {
      ...options(),
      entry: 2,
      prompt: 'Bonjour',
      overrides: [parseOverride('body:messages[0].chat_type=text')],
    });
    const sent = body(result.exchanges.at(-1)!);
    expect(sent.messages[0]).toMatchObject({ content: 'Bonjour', chat_type: 'text' });
    expect(result.turns[0]!.verdict).toMatchObject({ outcome: 'fails', failure: 'Internal_Server_Error' });
  });

  it('replays a capture that never created a chat with a made-up chat id, as its shape did', async () => {
    const seedV2 = await shapeCapture(session, 'seed-v2');
    const result = await replayCapture(seedV2, options());
    expect(result.exchanges.map((e) => e.endpoint)).toEqual(['chat.completions']);
    expect(result.turns[0]!.verdict.failure).toMatch(/query -> chat_id/);
  });

  it('refuses an entry outside the capture and a capture without completions', () => {
    expect(() => selectEntries(conversation, { entry: 9 })).toThrow(/entries 1 to 3 \(counted from 1\)/);
    expect(() => selectEntries(conversation, { entry: 0 })).toThrow(/entries 1 to 3/);
    expect(() => selectEntries(conversation, { entry: 2, endpoint: 'chat.completions' })).toThrow(
      /cannot be used together/,
    );
    expect(() => selectEntries(conversation.slice(0, 1), {})).toThrow(/no chat completion/);
  });
});
