/** What a resend does with what foreign captures hold: pseudo-headers, removed credentials, no chats/new. */
import { describe, expect, it } from 'vitest';
import { chatTemplate, derivedChatRequest } from '../../src/client/chat-template.js';
import { resendHeaders } from '../../src/client/probe-refresh.js';
import { restoreRemovedCredentials } from '../../src/client/restore-credentials.js';
import type { Exchange, ExchangeRequest } from '../../src/exchange/exchange.js';
import { CREDENTIALS_REMOVED_TAG } from '../../src/exchange/read-any-capture.js';

const completion: ExchangeRequest = {
  method: 'POST',
  url: 'https://127.0.0.1:8443/api/v2/chat/completions?chat_id=c1',
  headers: [
    { name: ':authority', value: '127.0.0.1:8443' },
    { name: ':method', value: 'POST' },
    { name: 'accept', value: 'text/event-stream' },
    { name: 'authorization', value: 'Bearer old' },
    { name: 'content-length', value: '99' },
    { name: 'referer', value: 'https://127.0.0.1:8443/c/c1' },
    { name: 'source', value: 'web' },
  ],
  body: JSON.stringify({ stream: true, chat_id: 'c1', chat_mode: 'normal', model: 'qwen3-max', messages: [] }),
};
const exchange = (request: ExchangeRequest, endpoint: string, tags?: string[]): Exchange => ({
  id: endpoint,
  source: 'browser',
  startedAt: '2026-12-07T00:00:00.000Z',
  endpoint,
  request,
  ...(tags ? { tags } : {}),
});

describe('resending a foreign capture', () => {
  it('never re-sends HTTP/2 pseudo-headers', () => {
    expect(resendHeaders(completion.headers).map((h) => h.name)).toEqual([
      'accept',
      'authorization',
      'content-length',
      'referer',
      'source',
    ]);
  });

  it("creates the snippet's chat the way the web client does, from the completion's origin, headers and model", () => {
    const chat = derivedChatRequest(completion)!;
    expect(chat.url).toBe('https://127.0.0.1:8443/api/v2/chats/new');
    expect(chat.headers).toEqual([
      { name: 'accept', value: 'application/json, text/plain, */*' },
      { name: 'authorization', value: 'Bearer old' },
      { name: 'source', value: 'web' },
      { name: 'referer', value: 'https://127.0.0.1:8443/' },
    ]);
    expect(JSON.parse(chat.body!)).toMatchObject({ models: ['qwen3-max'], chat_type: 't2t', chat_mode: 'normal' });
  });

  it('prefers a captured chats/new, and derives none without a pasted v2 completion', () => {
    const captured = { ...completion, url: 'https://x/api/v2/chats/new' };
    expect(chatTemplate([exchange(completion, 'chat.completions'), exchange(captured, 'chats.new')])).toBe(captured);
    expect(chatTemplate([exchange(completion, 'chat.completions')])?.url).toBe(
      'https://127.0.0.1:8443/api/v2/chats/new',
    );
    expect(chatTemplate([exchange(completion, 'chat.completions.v1')])).toBeUndefined();
    // A recorded library turn that made up its chat id keeps doing so.
    const answered = { ...exchange(completion, 'chat.completions'), response: { status: 200, headers: [] } };
    expect(chatTemplate([answered])).toBeUndefined();
    expect(derivedChatRequest({ ...completion, body: 'not json' })).toBeUndefined();
  });

  it("puts the session's token where a sanitized export removed it, and nowhere else", () => {
    const bare = { ...completion, headers: completion.headers.filter((h) => h.name !== 'authorization') };
    const [signin, restored, untouched] = restoreRemovedCredentials(
      [
        exchange({ ...bare, url: 'https://x/api/v1/auths/signin' }, 'auths.signin', [CREDENTIALS_REMOVED_TAG]),
        exchange(bare, 'chat.completions', [CREDENTIALS_REMOVED_TAG]),
        exchange(bare, 'chat.completions'),
      ],
      'jwt',
    );
    expect(signin!.request.headers).toEqual(bare.headers);
    expect(restored!.request.headers.slice(-2)).toEqual([
      { name: 'authorization', value: 'Bearer jwt' },
      { name: 'cookie', value: 'token=jwt' },
    ]);
    expect(untouched!.request.headers).toEqual(bare.headers);
  });
});
