import { describe, expect, it } from 'vitest';
import {
  chatIdValues,
  looksLikeToken,
  needsChat,
  resendHeaders,
  rulesForRequest,
} from '../../src/client/probe-refresh.js';
import { judgeExchange, sendFresh, type FreshSendOptions } from '../../src/client/probe-request.js';
import type { Exchange, ExchangeRequest } from '../../src/exchange/exchange.js';
import { compressToken, sequentialIdClock } from '../../src/upstream/shapes.js';
import { makeExchange } from '../support/make-exchange.js';
import { makeJwt } from './make-jwt.js';

const jwt = makeJwt({ id: 'u1', exp: 4_000_000_000 });
const fresh = makeJwt({ id: 'u1', exp: 4_100_000_000 });

function completion(authorization: string, chat = 'old-chat-id-0001'): ExchangeRequest {
  return {
    method: 'POST',
    url: `https://chat.qwen.ai/api/v2/chat/completions?chat_id=${chat}`,
    headers: [
      { name: 'Authorization', value: authorization },
      { name: 'Host', value: 'chat.qwen.ai' },
      { name: 'Accept-Encoding', value: 'gzip, br' },
    ],
    body: JSON.stringify({ chat_id: chat, model: 'qwen3-max', messages: [{ role: 'user', content: 'hi' }] }),
  };
}

/** A fake upstream: answers chats/new with a chat id and completions with an answer stream. */
function fakeSend() {
  const sent: ExchangeRequest[] = [];
  let chats = 0;
  const send: FreshSendOptions['send'] = async (request, meta) => {
    sent.push(request);
    if (meta.endpoint === 'chats.new') {
      chats += 1;
      return makeExchange({
        endpoint: 'chats.new',
        request,
        response: {
          status: 200,
          headers: [{ name: 'content-type', value: 'application/json' }],
          body: JSON.stringify({ success: true, data: { id: `new-chat-${chats}` } }),
          sse: undefined,
        },
      });
    }
    return makeExchange({ request, endpoint: meta.endpoint });
  };
  return { send, sent };
}

describe('rulesForRequest', () => {
  it('refreshes a JWT bearer but keeps a token of another kind, which may be the culprit', () => {
    const keepCompressed = rulesForRequest(completion(`Bearer ${compressToken(jwt)}`), 'chat.completions');
    const refreshJwt = rulesForRequest(completion(`Bearer ${jwt}`), 'chat.completions');
    const auth = (rules: typeof keepCompressed) =>
      rules.find((r) => r.location === 'header' && r.path === 'authorization')?.refresh;
    expect(auth(keepCompressed)).toBe('keep');
    expect(auth(refreshJwt)).toBe('token');
  });

  it('treats a redacted JWT stand-in as a token', () => {
    expect(looksLikeToken('Bearer «jwt 209 chars exp 2026-12-01»')).toBe(true);
    expect(looksLikeToken('H4sIAAAAAAAAA')).toBe(false);
  });
});

describe('chat ids', () => {
  it('finds the chat-id fields of a completion in the query and the body', () => {
    expect(chatIdValues(completion('Bearer x'), 'chat.completions')).toEqual(['old-chat-id-0001', 'old-chat-id-0001']);
    expect(needsChat({ method: 'GET', url: 'https://chat.qwen.ai/api/models', headers: [] }, 'models')).toBe(false);
  });

  it('drops Host and Accept-Encoding, which a resend must not copy', () => {
    expect(resendHeaders(completion('Bearer x').headers).map((h) => h.name)).toEqual(['Authorization']);
  });
});

describe('sendFresh', () => {
  const base = (send: FreshSendOptions['send']): FreshSendOptions => ({
    target: 'http://127.0.0.1:9',
    token: fresh,
    idClock: sequentialIdClock(),
    send,
  });

  it('creates a chat from the captured chats/new and puts its id in query and body', async () => {
    const { send, sent } = fakeSend();
    const chatRequest: ExchangeRequest = {
      method: 'POST',
      url: 'https://chat.qwen.ai/api/v2/chats/new',
      headers: [{ name: 'Authorization', value: `Bearer ${jwt}` }],
      body: '{"timestamp":1}',
    };
    const verdict = await sendFresh(completion(`Bearer ${jwt}`), 'chat.completions', { ...base(send), chatRequest });
    expect(verdict).toMatchObject({ outcome: 'works', chatId: 'new-chat-1' });
    const [created, sentCompletion] = sent;
    expect(created!.url).toBe('http://127.0.0.1:9/api/v2/chats/new');
    expect(created!.headers[0]!.value).toBe(`Bearer ${fresh}`);
    expect(sentCompletion!.url).toBe('http://127.0.0.1:9/api/v2/chat/completions?chat_id=new-chat-1');
    expect(JSON.parse(sentCompletion!.body!).chat_id).toBe('new-chat-1');
    expect(sentCompletion!.headers.map((h) => h.name)).toEqual(['Authorization']);
  });

  it('makes up a chat id, as the shape did, when no capture can create a chat', async () => {
    const { send, sent } = fakeSend();
    await sendFresh(completion(`Bearer ${jwt}`), 'chat.completions', base(send));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toMatch(/chat_id=00000000-0000-4000-8000-/);
  });

  it('leaves a compressed token as it is, so the server can still refuse it', async () => {
    const { send, sent } = fakeSend();
    const compressed = `Bearer ${compressToken(jwt)}`;
    await sendFresh(completion(compressed), 'chat.completions', base(send));
    expect(sent[0]!.headers[0]!.value).toBe(compressed);
  });

  it('reports a failed chat creation as the verdict', async () => {
    const send: FreshSendOptions['send'] = async (request) =>
      makeExchange({
        request,
        endpoint: 'chats.new',
        response: {
          status: 401,
          headers: [],
          body: JSON.stringify({ success: false, data: { code: 'Unauthorized', details: 'Invalid token' } }),
          sse: undefined,
        },
      });
    const verdict = await sendFresh(completion(`Bearer ${jwt}`), 'chat.completions', {
      ...base(send),
      chatRequest: completion('x'),
    });
    expect(verdict).toMatchObject({ outcome: 'fails', failure: 'chats.new auth' });
    expect(verdict.explanation).toMatch(/^Creating a fresh chat failed/);
  });
});

describe('judgeExchange', () => {
  const json200 = (body: string): Exchange =>
    makeExchange({
      response: { status: 200, headers: [{ name: 'content-type', value: 'application/json' }], body, sse: undefined },
    });

  it('fails a 200 whose body is a JSON error envelope', () => {
    expect(
      judgeExchange(json200('{"success":false,"data":{"code":"Internal_Server_Error","details":"Internal error"}}')),
    ).toMatchObject({ outcome: 'fails', failure: 'Internal_Server_Error' });
  });

  it('calls a reset or a cut stream inconclusive, not a verdict on the request', () => {
    const reset = makeExchange({ response: null, error: { code: 'ECONNRESET', message: 'socket hang up' } });
    expect(judgeExchange(reset)).toMatchObject({ outcome: 'inconclusive', failure: 'transport:ECONNRESET' });
  });

  it('passes an event stream that answered to its end', () => {
    expect(judgeExchange(makeExchange()).outcome).toBe('works');
  });
});
