import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { startProxyServer, type ProxyServer, type ProxyServerOptions } from '../../src/proxy/index.js';
import { sse, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

let upstream: FakeUpstream;
let proxy: ProxyServer | undefined;

beforeEach(async () => {
  upstream = await startFakeUpstream();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await upstream.close();
});

async function start(options: Partial<ProxyServerOptions> = {}): Promise<ProxyServer> {
  proxy = await startProxyServer({
    target: upstream.url,
    port: 0,
    sessions: [{ label: 'a', credentials: { token: 'tok-a' } }],
    ...options,
  });
  return proxy;
}

function post(body: unknown, init: { signal?: AbortSignal; headers?: Record<string, string> } = {}) {
  return fetch(`${proxy!.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

const hello = (extra: Record<string, unknown> = {}) => ({
  model: 'qwen3-max',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

/** Reads SSE frames as they arrive, handing each `data:` payload to `onFrame`. */
async function readFrames(res: Response, onFrame: (data: string) => void = () => undefined): Promise<string[]> {
  const frames: string[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!frame.startsWith('data: ')) continue;
      frames.push(frame.slice(6));
      onFrame(frame.slice(6));
    }
  }
  return frames;
}

const contentOf = (frames: string[]) =>
  frames
    .filter((f) => f !== '[DONE]')
    .map((f) => (JSON.parse(f) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? '')
    .join('');

describe('streaming through serve', () => {
  it('forwards the first chunk to the client before the upstream sends the last', async () => {
    await start();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    upstream.onCompletion(async (call) => {
      call.start();
      call.answer('first', 1);
      // Nothing more until the client has seen "first": a buffering proxy would deadlock here.
      await released;
      call.answer(' last', 2);
      call.finish();
    });
    const order: string[] = [];
    const frames = await readFrames(await post(hello({ stream: true })), (data) => {
      if (data.includes('"content":"first"')) {
        order.push('client saw first');
        release();
      }
    });
    order.push('stream ended');
    expect(order).toEqual(['client saw first', 'stream ended']);
    expect(contentOf(frames)).toBe('first last');
    expect(frames.at(-1)).toBe('[DONE]');
  });

  it('aborts the upstream request as soon as the client disconnects', async () => {
    await start();
    let upstreamClosed!: Promise<void>;
    upstream.onCompletion((call) => {
      upstreamClosed = call.closed;
      call.start();
      call.answer('partial', 1);
      // …and then the upstream would go on for a long time.
    });
    const controller = new AbortController();
    const res = await post(hello({ stream: true }), { signal: controller.signal });
    await readFrames(res, (data) => {
      if (data.includes('partial')) controller.abort();
    }).catch(() => undefined);
    await upstreamClosed;
    expect(proxy!.handler.openResponses).toBe(0);
  });

  it('turns a stalled upstream into an error event, then closes the stream', async () => {
    await start({ idleTimeoutMs: 200 });
    upstream.onCompletion((call) => {
      call.start();
      call.answer('partial', 1);
    });
    const frames = await readFrames(await post(hello({ stream: true })));
    const last = JSON.parse(frames.at(-1)!) as { error: { code: string; message: string } };
    expect(last.error.code).toBe('upstream_timeout');
    expect(frames).not.toContain('[DONE]');
  });

  it('cuts the answer at max_tokens by the upstream count and aborts the upstream', async () => {
    await start();
    let upstreamClosed!: Promise<void>;
    upstream.onCompletion((call) => {
      upstreamClosed = call.closed;
      call.start();
      call.answer('one', 1);
      call.answer(' two', 2);
      setTimeout(() => call.answer(' three', 3), 20);
    });
    const frames = await readFrames(await post(hello({ stream: true, max_tokens: 2 })));
    expect(contentOf(frames)).toBe('one two');
    expect(frames.at(-2)).toContain('"finish_reason":"length"');
    await upstreamClosed;
  });

  it('collects a non-stream answer with the upstream usage', async () => {
    await start();
    const body = (await (await post(hello())).json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Hello there!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1000, completion_tokens: 3, total_tokens: 1003 },
    });
  });

  it('names accepted-but-ignored parameters in a response header', async () => {
    await start();
    const res = await post(hello({ temperature: 0.3 }));
    expect(res.headers.get('x-qwen-probe-ignored')).toBe('temperature');
    await res.text();
  });
});

describe('conversations through serve', () => {
  it('continues the upstream chat with parent_id when the client resends the history', async () => {
    await start();
    upstream.onCompletion((call) => {
      call.start('resp-first');
      call.answer('Hello.', 1);
      call.finish();
    });
    await (await post(hello())).json();
    await (
      await post({
        model: 'qwen3-max',
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello.' },
          { role: 'user', content: 'More' },
        ],
      })
    ).json();
    const completions = upstream.requests.filter((r) => r.path === '/api/v2/chat/completions');
    const chatsNew = upstream.requests.filter((r) => r.path === '/api/v2/chats/new');
    expect(chatsNew).toHaveLength(1);
    expect(completions[1]?.body).toMatchObject({
      chat_id: 'chat-1',
      parent_id: 'resp-first',
      messages: [{ content: 'More', parent_id: 'resp-first' }],
    });
  });

  it('opens a new chat with system and prior messages folded into one message', async () => {
    await start();
    await (
      await post({
        model: 'qwen3-max',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Yo' },
          { role: 'user', content: 'Bye' },
        ],
      })
    ).json();
    const completion = upstream.requests.find((r) => r.path === '/api/v2/chat/completions');
    expect(completion?.body).toMatchObject({
      parent_id: null,
      messages: [{ content: 'System: Be brief.\n\nUser: Hi\n\nAssistant: Yo\n\nUser: Bye' }],
    });
  });
});

describe('sessions through serve', () => {
  const twoSessions = {
    sessions: [
      { label: 'a', credentials: { token: 'tok-a' } },
      { label: 'b', credentials: { token: 'tok-b' } },
    ],
  };

  it('moves a request to the next session when one is rate limited, and sets that one aside', async () => {
    await start(twoSessions);
    upstream.onCompletion((call) => {
      if (call.seen.authorization === 'Bearer tok-a') {
        call.res.writeHead(429, { 'content-type': 'application/json' });
        call.res.end(
          JSON.stringify({ success: false, request_id: 'r1', data: { code: 'RateLimited', details: 'quota', num: 1 } }),
        );
        return;
      }
      call.start();
      call.answer('from b', 1);
      call.finish();
    });
    const body = (await (await post(hello())).json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('from b');
    expect(proxy!.handler.pool.status()[0]).toMatchObject({
      label: 'a',
      available: false,
      reason: 'rate-limited',
      cooldownMs: expect.any(Number),
    });
    expect(proxy!.handler.pool.status()[0]!.cooldownMs).toBeGreaterThan(3_500_000); // num = 1 hour
  });

  it('answers 401 with a sign-in hint when every session is refused', async () => {
    await start(twoSessions);
    upstream.onCompletion((call) => {
      call.res.writeHead(401, { 'content-type': 'application/json' });
      call.res.end(JSON.stringify({ detail: 'Token has expired' }));
    });
    const res = await post(hello());
    expect(res.status).toBe(401);
    expect(res.headers.get('x-should-retry')).toBe('false');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('upstream_auth');
    expect(body.error.message).toContain('qwen-probe login');
    expect(
      upstream.requests
        .filter((r) => r.path === '/api/v2/chat/completions')
        .map((r) => r.authorization)
        .sort(),
    ).toEqual(['Bearer tok-a', 'Bearer tok-b']);
  });

  it('answers 429 with retry-after while every session rests', async () => {
    await start();
    upstream.onCompletion((call) => {
      call.res.writeHead(200, { 'content-type': 'application/json' });
      call.res.end(
        JSON.stringify({ success: false, request_id: 'r1', data: { code: 'RateLimited', details: 'quota' } }),
      );
    });
    const res = await post(hello());
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await res.text();
  });
});

describe('the HTTP surface of serve', () => {
  it('requires one of the API keys on /v1 but not on /health', async () => {
    await start({ apiKeys: ['k1', 'k2'] });
    expect((await fetch(`${proxy!.url}/health`)).status).toBe(200);
    const refused = await fetch(`${proxy!.url}/v1/models`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    expect((await fetch(`${proxy!.url}/v1/models`, { headers: { authorization: 'Bearer k2' } })).status).toBe(200);
  });

  it('names the accounts on /health only to a caller holding an API key', async () => {
    const sessions = [{ label: 'alice@example.test', credentials: { token: 'tok-a' } }];
    const labels = async (headers: Record<string, string> = {}) =>
      (
        (await (await fetch(`${proxy!.url}/health`, { headers })).json()) as { sessions: { label: string }[] }
      ).sessions.map((s) => s.label);
    await start({ sessions });
    expect(await labels()).toEqual(['session-1']);
    await proxy!.close();
    await start({ sessions, apiKeys: ['k1'] });
    expect(await labels()).toEqual(['session-1']);
    expect(await labels({ authorization: 'Bearer wrong' })).toEqual(['session-1']);
    expect(await labels({ authorization: 'Bearer k1' })).toEqual(['alice@example.test']);
  });

  it('answers unknown URLs with 404 and wrong methods with 405, in OpenAI error shape', async () => {
    await start();
    const notFound = await fetch(`${proxy!.url}/v1/nope`);
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { error: { message: string } }).error.message).toContain('/v1/nope');
    expect((await fetch(`${proxy!.url}/v1/chat/completions`)).status).toBe(405);
  });

  it('refuses a body over the limit with 413 and invalid JSON with 400', async () => {
    await start({ bodyLimitBytes: 100 });
    expect((await post(hello({ messages: [{ role: 'user', content: 'x'.repeat(200) }] }))).status).toBe(413);
    expect((await post('{not json')).status).toBe(400);
  });

  it('checks the sessions with the upstream on /health/upstream', async () => {
    await start();
    const res = await fetch(`${proxy!.url}/health/upstream`);
    expect(await res.json()).toEqual({ status: 'ok', sessions: [{ label: 'a', ok: true }] });
    expect(upstream.requests.at(-1)?.path).toBe('/api/v1/auths/');
  });

  it('refuses to listen beyond loopback without an API key', async () => {
    await expect(
      startProxyServer({
        target: upstream.url,
        port: 0,
        host: '0.0.0.0',
        sessions: [{ label: 'a', credentials: { token: 't' } }],
      }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('records every upstream exchange, redacted, with --record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qp-serve-record-'));
    const path = join(dir, 'serve.har');
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6InUxIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    await start({ recordPath: path, sessions: [{ label: 'a', credentials: { token } }] });
    await (await post(hello())).json();
    await proxy!.close();
    proxy = undefined;
    const capture = await readCapture(path);
    expect(capture.exchanges.map((e) => e.endpoint)).toEqual(['models', 'chats.new', 'chat.completions']);
    expect(await readFile(path, 'utf8')).not.toContain(token);
  });

  it('classifies an upstream error body the same with and without --record (only recording keeps bodies)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qp-serve-keep-'));
    const bodies: Record<string, { type: string; body: Buffer }> = {
      waf: {
        type: 'text/html',
        body: Buffer.from(
          '<!doctype html><html><head><meta name="aliyun_waf_aa" content="x"></head><body>aliyun_waf_aa</body></html>',
        ),
      },
      envelope: {
        type: 'application/json',
        body: Buffer.from(
          JSON.stringify({
            success: false,
            request_id: 'r9',
            data: { code: 'Internal_Server_Error', details: 'boom' },
          }),
        ),
      },
      binary: { type: 'image/png', body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]) },
    };
    const outcomes: Record<string, unknown>[] = [];
    for (const record of [false, true]) {
      const outcome: Record<string, unknown> = {};
      for (const [name, { type, body }] of Object.entries(bodies)) {
        await start(record ? { recordPath: join(dir, `${name}.har`) } : {});
        upstream.onCompletion((call) => {
          call.res.writeHead(502, { 'content-type': type });
          call.res.end(body);
        });
        const res = await post(hello());
        const json = (await res.json()) as { error: { code: string; message: string } };
        outcome[name] = { status: res.status, code: json.error.code, message: json.error.message };
        await proxy!.close();
        proxy = undefined;
      }
      outcomes.push(outcome);
    }
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[0]).toMatchObject({
      waf: { code: 'upstream_waf' },
      envelope: { code: 'Internal_Server_Error' },
      binary: { code: 'upstream_malformed' },
    });
  });

  it('survives an upstream that answers garbage where events were due', async () => {
    await start();
    upstream.onCompletion((call) => {
      call.res.writeHead(200, { 'content-type': 'text/event-stream' });
      call.res.end(`${sse({ 'response.created': { response_id: 'r' } })}data: {broken\n\n`);
    });
    const frames = await readFrames(await post(hello({ stream: true })));
    expect((JSON.parse(frames.at(-1)!) as { error: { code: string } }).error.code).toBe('upstream_malformed');
    expect((await fetch(`${proxy!.url}/health`)).status).toBe(200);
  });
});
