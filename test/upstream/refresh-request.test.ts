import { describe, expect, it } from 'vitest';
import { headerValue } from '../../src/exchange/exchange.js';
import { refreshRequest } from '../../src/upstream/refresh-request.js';
import { SHAPES, sequentialIdClock } from '../../src/upstream/shapes.js';

const base = 'https://chat.qwen.ai';
function webCompletion() {
  const ctx = {
    baseUrl: base,
    token: 'old.jwt.token',
    cookies: { ssxmod_itna: 'itna-old' },
    idClock: sequentialIdClock(1_780_000_000_000),
  };
  return SHAPES.web.completion(ctx, { chatId: 'aaaaaaaa-0000-4000-8000-000000000001', parentId: null });
}

describe('refreshRequest', () => {
  it('gives a captured completion the new chat id in query, body and Referer alike', () => {
    const { request } = refreshRequest(webCompletion(), 'chat.completions', {
      idClock: sequentialIdClock(1_790_000_000_000, 'ffffffff'),
      chatId: 'bbbbbbbb-0000-4000-8000-000000000002',
    });
    const body = JSON.parse(request.body!);
    expect(new URL(request.url).searchParams.get('chat_id')).toBe('bbbbbbbb-0000-4000-8000-000000000002');
    expect(body.chat_id).toBe('bbbbbbbb-0000-4000-8000-000000000002');
    expect(headerValue(request.headers, 'referer')).toBe(`${base}/c/bbbbbbbb-0000-4000-8000-000000000002`);
  });

  it('renews message ids and request ids, and keeps timestamps in the unit the capture used', () => {
    const original = webCompletion();
    const { request } = refreshRequest(original, 'chat.completions', {
      idClock: sequentialIdClock(1_790_000_000_000, 'ffffffff'),
    });
    const before = JSON.parse(original.body!);
    const after = JSON.parse(request.body!);
    expect(after.messages[0].fid).not.toBe(before.messages[0].fid);
    expect(after.messages[0].childrenIds[0]).not.toBe(before.messages[0].childrenIds[0]);
    expect(headerValue(request.headers, 'x-request-id')).not.toBe(headerValue(original.headers, 'x-request-id'));
    expect(after.timestamp).toBe(1_790_000_001);
    expect(after.messages[0].timestamp).toBe(1_790_000_001);
  });

  it('puts the session token in the bearer header and the token cookie, and session values in other cookies', () => {
    const { request } = refreshRequest(webCompletion(), 'chat.completions', {
      idClock: sequentialIdClock(),
      token: 'new.jwt.token',
      cookies: { ssxmod_itna: 'itna-new' },
    });
    expect(headerValue(request.headers, 'authorization')).toBe('Bearer new.jwt.token');
    expect(headerValue(request.headers, 'cookie')).toBe('ssxmod_itna=itna-new; token=new.jwt.token');
  });

  it('threads the parent id into every parent field of the turn', () => {
    const { request } = refreshRequest(webCompletion(), 'chat.completions', {
      idClock: sequentialIdClock(),
      parentId: 'resp-1234-5678',
    });
    const body = JSON.parse(request.body!);
    expect([body.parent_id, body.messages[0].parentId, body.messages[0].parent_id]).toEqual([
      'resp-1234-5678',
      'resp-1234-5678',
      'resp-1234-5678',
    ]);
  });

  it('moves the request to another origin with Origin and Referer', () => {
    const { request } = refreshRequest(webCompletion(), 'chat.completions', {
      idClock: sequentialIdClock(),
      baseUrl: 'http://127.0.0.1:8787',
    });
    expect(request.url.startsWith('http://127.0.0.1:8787/api/v2/chat/completions?chat_id=')).toBe(true);
    expect(headerValue(request.headers, 'origin')).toBe('http://127.0.0.1:8787');
  });

  it('leaves fields that are not volatile untouched and lists what it changed', () => {
    const original = webCompletion();
    const { request, substitutions } = refreshRequest(original, 'chat.completions', {
      idClock: sequentialIdClock(undefined, 'ffffffff'),
    });
    const before = JSON.parse(original.body!);
    const after = JSON.parse(request.body!);
    expect(after.messages[0].content).toBe(before.messages[0].content);
    expect(after.messages[0].feature_config).toEqual(before.messages[0].feature_config);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(substitutions.map((s) => `${s.location} ${s.path}`)).toContain('body messages[0].fid');
  });
});
