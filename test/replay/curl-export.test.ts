import { describe, expect, it } from 'vitest';
import { curlScript } from '../../src/replay/curl-export.js';
import type { ExchangeRequest } from '../../src/exchange/exchange.js';
import { makeJwt } from '../client/make-jwt.js';

const token = makeJwt({ id: 'u1', exp: 4_000_000_000 });
const chatId = '6f1c2b3a-1111-4222-8333-444455556666';
const completion: ExchangeRequest = {
  method: 'POST',
  url: `http://127.0.0.1:8787/api/v2/chat/completions?chat_id=${chatId}`,
  headers: [
    { name: 'Host', value: '127.0.0.1:8787' },
    { name: 'Authorization', value: `Bearer ${token}` },
    { name: 'Accept', value: 'text/event-stream' },
    { name: 'Referer', value: `http://127.0.0.1:8787/c/${chatId}` },
    { name: 'Cookie', value: `ssxmod_itna=abc$def; token=${token}` },
  ],
  body: JSON.stringify({ chat_id: chatId, content: 'it\'s "quoted" $HOME' }),
};
const chatRequest: ExchangeRequest = {
  method: 'POST',
  url: 'http://127.0.0.1:8787/api/v2/chats/new',
  headers: [{ name: 'Authorization', value: `Bearer ${token}` }],
  body: '{"title":"New Chat"}',
};

describe('curlScript', () => {
  const script = curlScript(completion, { token, chatRequest, chatId });

  it('never writes the token or a cookie value, only variables', () => {
    expect(script).not.toContain(token);
    expect(script).not.toContain('abc$def');
    expect(script).toContain('Authorization: Bearer ${QWEN_TOKEN}');
    expect(script).toContain('ssxmod_itna=${QWEN_COOKIE_SSXMOD_ITNA}; token=${QWEN_TOKEN}');
    expect(script).toContain('# needs: $QWEN_COOKIE_SSXMOD_ITNA $QWEN_TOKEN');
  });

  it('creates a chat first and splices its id into the URL, the Referer and the body', () => {
    expect(script).toMatch(/^CHAT_ID=\$\(curl -sS -X POST 'http:\/\/127\.0\.0\.1:8787\/api\/v2\/chats\/new'/m);
    expect(script).not.toContain(chatId);
    expect(script).toContain('"http://127.0.0.1:8787/api/v2/chat/completions?chat_id=${CHAT_ID}"');
    expect(script).toContain('Referer: http://127.0.0.1:8787/c/${CHAT_ID}');
  });

  it('streams completions and leaves out headers curl sets itself', () => {
    expect(script).toMatch(/^curl -N -sS -X POST/m);
    expect(script).not.toMatch(/-H 'Host:/);
  });

  it('quotes the body so the shell passes it through unchanged', () => {
    const plain = curlScript({ ...completion, headers: [] }, {});
    expect(plain).toContain(`--data-raw '{"chat_id":"${chatId}","content":"it'\\''s \\"quoted\\" $HOME"}'`);
  });
});
