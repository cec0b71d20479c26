import { describe, expect, it } from 'vitest';
import { compressToken } from '../../src/upstream/shapes.js';
import { modelsResponseSchema, modelCanThink, CHAT_TYPES } from '../../src/upstream/schemas.js';
import { DEMO_USER, INVALID_CREDENTIALS } from '../../src/simulator/index.js';
import { envelopeOf, inProcess, jsonHeaders, newChat, sha256Hex, signin } from './support.js';

describe('sign-in and tokens', () => {
  it('signs in with sha256(password), returns a 3-part HS256 JWT and sets the token cookie', async () => {
    const sim = inProcess();
    const res = await sim.request('/api/v1/auths/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_USER.email, password: sha256Hex(DEMO_USER.password) }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).slice(0, 7)).toEqual(['token', 'id', 'email', 'name', 'role', 'token_type', 'expires_at']);
    expect(body).toMatchObject({ email: DEMO_USER.email, role: 'user', token_type: 'Bearer' });
    const token = String(body['token']);
    expect(token.split('.')).toHaveLength(3);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(payload)).toEqual(['id', 'last_password_change', 'exp']);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^token=${token.replace(/\./g, '\\.')}; Path=/`));
  });

  it('refuses a wrong password with HTTP 400 and an Unauthorized envelope', async () => {
    const sim = inProcess();
    const res = await sim.request('/api/v1/auths/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_USER.email, password: sha256Hex('nope') }),
    });
    expect(res.status).toBe(400);
    expect(await envelopeOf(res)).toEqual({ code: 'Unauthorized', details: INVALID_CREDENTIALS });
  });

  it('answers a sign-in body without a password with a validation envelope', async () => {
    const sim = inProcess();
    const res = await sim.request('/api/v1/auths/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"x@y"}',
    });
    expect(res.status).toBe(400);
    expect(await envelopeOf(res)).toEqual({
      code: 'RequestValidationError',
      details: "Field 'password': Field required",
    });
  });

  it('tells who the token belongs to on GET /api/v1/auths/, by header or by cookie', async () => {
    const sim = inProcess();
    const { token } = await signin(sim.request, sim.baseUrl);
    for (const headers of [{ authorization: `Bearer ${token}` }, { cookie: `token=${token}` }] as Record<
      string,
      string
    >[]) {
      const res = await sim.request('/api/v1/auths/', { headers });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ email: DEMO_USER.email, role: 'user', token_type: 'Bearer' });
    }
  });

  it('refuses the gzip+base64 compressed token with 401 "Invalid token"', async () => {
    const sim = inProcess();
    const { token } = await signin(sim.request, sim.baseUrl);
    const res = await sim.request('/api/v1/auths/', { headers: { authorization: `Bearer ${compressToken(token)}` } });
    expect(res.status).toBe(401);
    expect(await envelopeOf(res)).toEqual({ code: 'Unauthorized', details: 'Invalid token' });
  });

  it('refuses an expired token with 401 "Token has expired" once the injected clock passes exp', async () => {
    let now = 1_760_000_000_000;
    const sim = inProcess({ clock: () => now, tokenTtlSeconds: 60 });
    const { token } = await signin(sim.request, sim.baseUrl);
    now += 61_000;
    const res = await sim.request('/api/v2/chats/', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(await envelopeOf(res)).toEqual({ code: 'Unauthorized', details: 'Token has expired' });
  });

  it('refuses a token signed by another simulator', async () => {
    const a = inProcess({ jwtSecret: 'a' });
    const b = inProcess({ jwtSecret: 'b' });
    const { token } = await signin(a.request, a.baseUrl);
    const res = await b.request('/api/v1/auths/', { headers: { authorization: `Bearer ${token}` } });
    expect((await envelopeOf(res)).details).toBe('Invalid token');
  });

  it('answers a request without any token with 401 "Not authenticated"', async () => {
    const sim = inProcess();
    const res = await sim.request('/api/v2/chats/new', { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect((await envelopeOf(res)).details).toBe('Not authenticated');
  });
});

describe('models', () => {
  it('lists the late-Sept-2025 ids on both model paths without a token, and not qwen-turbo', async () => {
    const sim = inProcess();
    for (const path of ['/api/models', '/api/v2/models/']) {
      const res = await sim.request(path, {});
      expect(res.status).toBe(200);
      const parsed = modelsResponseSchema.parse(await res.json());
      const ids = parsed.data.map((m) => m.id);
      expect(ids).toEqual(
        expect.arrayContaining([
          'qwen3-max',
          'qwen3-235b-a22b',
          'qwen-turbo-2025-02-11',
          'qwen3-coder-plus',
          'qwq-32b',
          'qwen-plus-2025-09-11',
          'qwen3-vl-plus',
        ]),
      );
      expect(ids).not.toContain('qwen-turbo');
      const byId = new Map(parsed.data.map((m) => [m.id, m]));
      expect(modelCanThink(byId.get('qwen3-235b-a22b')!)).toBe(true);
      expect(modelCanThink(byId.get('qwen3-coder-plus')!)).toBe(false);
      for (const m of parsed.data)
        expect(m.info?.meta?.chat_type?.every((t) => (CHAT_TYPES as readonly string[]).includes(t))).toBe(true);
    }
  });
});

describe('chats', () => {
  it('creates, lists, reads and deletes a chat of the caller only', async () => {
    const sim = inProcess({ users: [DEMO_USER, { email: 'other@qwen-probe.test', password: 'pw' }] });
    const { token } = await signin(sim.request, sim.baseUrl);
    const other = await signin(sim.request, sim.baseUrl, { email: 'other@qwen-probe.test', password: 'pw' });
    const id = await newChat(sim.request, sim.baseUrl, token);
    const list = (await (await sim.request('/api/v2/chats/?page=1', { headers: jsonHeaders(token) })).json()) as {
      success: boolean;
      data: { id: string }[];
    };
    expect(list.success).toBe(true);
    expect(list.data.map((c) => c.id)).toEqual([id]);
    const detail = (await (await sim.request(`/api/v2/chats/${id}`, { headers: jsonHeaders(token) })).json()) as {
      data: { id: string };
    };
    expect(detail.data.id).toBe(id);
    expect((await sim.request(`/api/v2/chats/${id}`, { headers: jsonHeaders(other.token) })).status).toBe(404);
    const del = await sim.request(`/api/v2/chats/${id}`, { method: 'DELETE', headers: jsonHeaders(token) });
    expect(await del.json()).toMatchObject({ success: true, data: { status: true } });
    const again = await sim.request(`/api/v2/chats/${id}`, { method: 'DELETE', headers: jsonHeaders(token) });
    expect(again.status).toBe(404);
    expect(await envelopeOf(again)).toEqual({ code: 'Not_Found', details: 'Chat not found' });
  });

  it('accepts any chat_type and models on chats/new, as the real endpoint is lenient', async () => {
    const sim = inProcess();
    const { token } = await signin(sim.request, sim.baseUrl);
    const res = await sim.request('/api/v2/chats/new', {
      method: 'POST',
      headers: jsonHeaders(token),
      body: JSON.stringify({ models: ['qwen-turbo'], chat_mode: 'local', chat_type: 'normal', timestamp: 1 }),
    });
    const body = (await res.json()) as { success: boolean; request_id: string; data: { id: string } };
    expect(body.success).toBe(true);
    expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.data.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('bad requests never crash', () => {
  it('answers an unknown /api path with a 404 envelope', async () => {
    const sim = inProcess();
    const res = await sim.request('/api/v9/nothing', {});
    expect(res.status).toBe(404);
    expect(await envelopeOf(res)).toEqual({ code: 'Not_Found', details: 'Not Found' });
  });

  it('answers a body that is not JSON with a RequestValidationError envelope', async () => {
    const sim = inProcess();
    const { token } = await signin(sim.request, sim.baseUrl);
    const res = await sim.request('/api/v2/chat/completions?chat_id=x', {
      method: 'POST',
      headers: jsonHeaders(token),
      body: '{"messages": [',
    });
    expect(res.status).toBe(400);
    expect((await envelopeOf(res)).code).toBe('RequestValidationError');
  });

  it('answers odd JSON bodies (arrays, strings, nulls) with envelopes, never a 500', async () => {
    const sim = inProcess();
    const { token } = await signin(sim.request, sim.baseUrl);
    const chatId = await newChat(sim.request, sim.baseUrl, token);
    for (const body of [
      '[]',
      '"x"',
      'null',
      '{"messages": null, "chat_id": 5}',
      '{"messages": [null], "chat_id": "' + chatId + '"}',
    ]) {
      for (const path of [`/api/v2/chat/completions?chat_id=${chatId}`, '/api/v2/chats/new', '/api/v1/auths/signin']) {
        const res = await sim.request(path, { method: 'POST', headers: jsonHeaders(token), body });
        expect(res.status, `${path} ${body}`).toBeLessThan(500);
        await res.text();
      }
    }
  });
});
