import { describe, expect, it } from 'vitest';
import { pairExchanges } from '../../src/diff/pair-exchanges.js';
import { exchangeOf, jsonRequest } from './support/requests.js';

const get = (url: string) => exchangeOf({ method: 'GET', url, headers: [] });
const completion = () => exchangeOf(jsonRequest({}));
const chatsNew = () => exchangeOf(jsonRequest({}, { url: 'https://chat.qwen.ai/api/v2/chats/new' }));

describe('pairExchanges', () => {
  it('pairs by endpoint, then by order within the endpoint', () => {
    const good = [chatsNew(), completion(), completion()];
    const bad = [completion(), chatsNew(), completion()];
    const p = pairExchanges(good, bad);
    expect(p.pairs.map((x) => [x.key, x.good.index, x.bad.index])).toEqual([
      ['chats.new', 0, 1],
      ['chat.completions', 1, 0],
      ['chat.completions', 2, 2],
    ]);
    expect(p.unpairedGood).toEqual([]);
  });

  it('pairs unknown endpoints by method and path template, ids in the path notwithstanding', () => {
    const p = pairExchanges(
      [get('https://x/api/v9/things/3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f')],
      [get('https://x/api/v9/things/00000000-5a6b-4c7d-8e9f-0a1b2c3d4e5f')],
    );
    expect(p.pairs[0]?.key).toBe('GET /api/v9/things/:id');
    expect(p.pairs[0]?.forced).toBe(false);
  });

  it('lists what it cannot pair and skips non-API traffic', () => {
    const p = pairExchanges(
      [
        get('https://chat.qwen.ai/'),
        get('https://chat.qwen.ai/static/app.js'),
        get('https://chat.qwen.ai/api/models'),
        completion(),
      ],
      [completion(), completion()],
    );
    expect(p.pairs).toHaveLength(1);
    expect(p.unpairedGood.map((x) => x.key)).toEqual(['models']);
    expect(p.unpairedBad.map((x) => x.index)).toEqual([1]);
    expect(p.skippedGood).toBe(2);
  });

  it('compares a single request against a single request even when they go to different endpoints', () => {
    const v1 = exchangeOf(jsonRequest({}, { url: 'https://chat.qwen.ai/api/chat/completions' }));
    const p = pairExchanges([completion()], [v1]);
    expect(p.pairs).toHaveLength(1);
    expect(p.pairs[0]).toMatchObject({ forced: true, key: 'chat.completions' });
  });

  it('keeps only the endpoint asked for', () => {
    const p = pairExchanges([chatsNew(), completion()], [chatsNew(), completion()], { endpoint: 'chats.new' });
    expect(p.pairs.map((x) => x.key)).toEqual(['chats.new']);
    expect(p.skippedGood).toBe(1);
  });

  // How the time grows with the count is the diff bench's to measure (twice the entries <= 2.2x).
  it('pairs 20,000 exchanges, each with one of the same endpoint', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => get(`https://x/api/v9/k${i % 100}/item`));
    const p = pairExchanges(many, [...many].reverse());
    expect(p.pairs).toHaveLength(20_000);
    expect(p.pairs.every(({ good, bad }) => good.exchange.request.url === bad.exchange.request.url)).toBe(true);
  });
});
