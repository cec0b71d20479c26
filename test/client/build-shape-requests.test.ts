import { describe, expect, it } from 'vitest';
import { buildShapeRequests, NOT_SENT_TAG } from '../../src/client/build-shape-requests.js';
import { SHAPES, sequentialIdClock, type ShapeContext } from '../../src/upstream/shapes.js';

const ctx = (): ShapeContext => ({ baseUrl: 'https://chat.qwen.ai', token: 'jwt', idClock: sequentialIdClock() });
const fixedNow = () => new Date('2026-06-15T12:00:00.000Z');

describe('buildShapeRequests', () => {
  it('builds chats/new then a completion whose chat_id is a stand-in named in the notes', () => {
    const [create, completion, ...rest] = buildShapeRequests(SHAPES.web, ctx(), { now: fixedNow });
    expect(rest).toEqual([]);
    expect(create).toMatchObject({
      endpoint: 'chats.new',
      source: 'library',
      tags: [NOT_SENT_TAG],
      startedAt: '2026-06-15T12:00:00.000Z',
    });
    expect(create?.response).toBeUndefined();
    const chatId = new URL(completion!.request.url).searchParams.get('chat_id');
    expect(chatId).toBeTruthy();
    expect(JSON.parse(completion!.request.body ?? '{}')).toMatchObject({ chat_id: chatId, parent_id: null });
    expect(completion).toMatchObject({
      endpoint: 'chat.completions',
      notes: expect.stringContaining(`chat_id ${chatId} stands in`),
    });
  });

  it('builds only the completion for shapes that never create a chat', () => {
    const exchanges = buildShapeRequests(SHAPES['seed-v1'], ctx());
    expect(exchanges.map((e) => e.endpoint)).toEqual(['chat.completions']);
    expect(exchanges[0]?.notes).toContain('makes up its own chat_id');
  });

  it('is deterministic under a deterministic id clock', () => {
    expect(buildShapeRequests(SHAPES['seed-v4'], ctx(), { now: fixedNow })).toEqual(
      buildShapeRequests(SHAPES['seed-v4'], ctx(), { now: fixedNow }),
    );
  });
});
