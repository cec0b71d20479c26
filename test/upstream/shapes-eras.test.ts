/**
 * Request shapes per era: the seed era's `web` shape is untouched, the qwen-2026-09 era's follows the
 * 2026-08 front end (protocol.md §9.11 to §9.13) with the era's constants, `modern` is that request as
 * a Node library sends it, and the volatile rules know the 2026 fields.
 */
import { describe, expect, it } from 'vitest';
import { headerValue } from '../../src/exchange/exchange.js';
import { WEB_CLIENT, WEB_CLIENT_2026_08 } from '../../src/upstream/browser-headers.js';
import { ERA_NAMES, ERAS, isEraName } from '../../src/upstream/eras.js';
import { refreshRequest } from '../../src/upstream/refresh-request.js';
import { SHAPE_NAMES, SHAPES, sequentialIdClock, shapeFor, type ShapeContext } from '../../src/upstream/shapes.js';
import { findVolatileRule, SHARED_VALUE_RULES } from '../../src/upstream/volatile-rules.js';

const ctx = (): ShapeContext => ({
  baseUrl: 'https://chat.qwen.ai',
  token: 'jwt.token.sig',
  cookies: { cna: 'c', acw_tc: 'a' },
  idClock: sequentialIdClock(),
});

describe('eras', () => {
  it('keep the version constants as data: 0.2.63 / 2.5.36 before, 0.2.87 / 2.5.37 for the 2026-08 front end', () => {
    expect(ERA_NAMES).toEqual(['qwen-2025-10', 'qwen-2026-06', 'qwen-2026-09']);
    expect(ERAS['qwen-2025-10'].client).toBe(WEB_CLIENT);
    expect(ERAS['qwen-2026-09'].client).toEqual(WEB_CLIENT_2026_08);
    expect(WEB_CLIENT_2026_08).toMatchObject({ version: '0.2.87', bxV: '2.5.37' });
    expect(isEraName('qwen-2026-09')).toBe(true);
    expect(isEraName('qwen-2027-01')).toBe(false);
    for (const era of Object.values(ERAS)) expect(era.explain).toMatch(/docs\/protocol\.md §/);
  });
});

describe('shapeFor', () => {
  it('gives the seed era (and 2026-06) exactly the shapes of SHAPES, and never changes the seed shapes', () => {
    for (const name of SHAPE_NAMES) {
      expect(shapeFor(name)).toBe(SHAPES[name]);
      expect(shapeFor(name, 'qwen-2026-06')).toBe(SHAPES[name]);
      if (name.startsWith('seed-')) expect(shapeFor(name, 'qwen-2026-09')).toBe(SHAPES[name]);
    }
  });

  it('builds the 2026-08 chats/new: chatId "", project_id, a ms timestamp, no title, Referer /c/new-chat', () => {
    const c = ctx();
    const req = shapeFor('web', 'qwen-2026-09').createChat!(c);
    const body = JSON.parse(req.body ?? '{}');
    expect(Object.keys(body)).toEqual(['chatId', 'models', 'project_id', 'timestamp', 'chat_type', 'chat_mode']);
    expect(body).toMatchObject({
      chatId: '',
      models: ['qwen3.7-plus'],
      project_id: '',
      chat_type: 't2t',
      chat_mode: 'normal',
    });
    expect(body.timestamp).toBeGreaterThan(1e12);
    expect(headerValue(req.headers, 'referer')).toBe('https://chat.qwen.ai/c/new-chat');
    expect(headerValue(req.headers, 'authorization')).toBeUndefined();
    expect(headerValue(req.headers, 'version')).toBe('0.2.87');
    expect(headerValue(req.headers, 'bx-v')).toBe('2.5.37');
    expect(headerValue(req.headers, 'cookie')).toBe('cna=c; acw_tc=a; token=jwt.token.sig');
  });

  it('builds the 2026-08 completion: both id spellings, the new message fields, Accept application/json', () => {
    const req = shapeFor('web', 'qwen-2026-09').completion(ctx(), { chatId: 'CHAT', parentId: 'RESP' });
    const body = JSON.parse(req.body ?? '{}');
    expect(body).toMatchObject({
      chat_id: 'CHAT',
      chatId: 'CHAT',
      parent_id: 'RESP',
      parentId: 'RESP',
      version: '2.1',
    });
    expect(body.timestamp).toBeGreaterThan(1e12);
    const message = body.messages[0];
    expect(message).toMatchObject({
      id: null,
      model: 'qwen3.7-plus',
      status: 'completed',
      contentType: 'text',
      parentId: 'RESP',
      parent_id: 'RESP',
    });
    expect(message.feature_config.instructions).toBeNull();
    expect(message.timestamp).toBeLessThan(1e11);
    expect(req.url).toBe('https://chat.qwen.ai/api/v2/chat/completions?chat_id=CHAT');
    expect(headerValue(req.headers, 'accept')).toBe('application/json');
    expect(headerValue(req.headers, 'referer')).toBe('https://chat.qwen.ai/c/CHAT');
    expect(headerValue(req.headers, 'authorization')).toBeUndefined();
    for (const name of ['bx-ua', 'bx-umidtoken', 'bx-pp']) expect(headerValue(req.headers, name)).toBeUndefined();
  });

  it('builds `modern` as a Node library sends it: the same body, bearer kept, no browser-only headers', () => {
    const web = shapeFor('web', 'qwen-2026-09').completion(ctx(), { chatId: 'CHAT' });
    const modern = shapeFor('modern', 'qwen-2026-09').completion(ctx(), { chatId: 'CHAT' });
    expect(modern.body).toBe(web.body);
    expect(headerValue(modern.headers, 'authorization')).toBe('Bearer jwt.token.sig');
    expect(modern.headers.some((h) => /^sec-|^accept-language$/i.test(h.name))).toBe(false);
    expect(headerValue(modern.headers, 'version')).toBe('0.2.87');
    const seedEra = SHAPES.modern.completion(ctx(), { chatId: 'CHAT' });
    expect(JSON.parse(seedEra.body ?? '{}').chatId).toBeUndefined();
  });
});

describe('volatile rules for the 2026 fields', () => {
  it('know chatId and parentId (shared with chat_id and parent_id) and the page signatures', () => {
    expect(findVolatileRule('body', 'chatId', 'chat.completions')?.refresh).toBe('chat-id');
    expect(findVolatileRule('body', 'parentId', 'chat.completions')?.refresh).toBe('parent-id');
    for (const name of ['bx-ua', 'bx-umidtoken', 'bx-pp']) {
      const rule = findVolatileRule('header', name, 'chat.completions');
      expect(rule?.refresh).toBe('keep');
      expect(rule?.reason).toMatch(/page/);
    }
    for (const cookie of ['cna', 'isg', 'tfstk', 'x5sec'])
      expect(findVolatileRule('cookie', cookie, undefined)).toBeDefined();
    const chatId = SHARED_VALUE_RULES.find((r) => r.name === 'chat_id');
    expect(chatId?.members).toContainEqual({ location: 'body', path: 'chatId' });
  });

  it('refresh a 2026 completion: both chat ids follow the new chat, parents the new parent, signatures stay', () => {
    const req = shapeFor('web', 'qwen-2026-09').completion(ctx(), { chatId: 'OLD-CHAT-ID', parentId: 'OLD-PARENT' });
    const signedReq = { ...req, headers: [...req.headers, { name: 'bx-ua', value: '231!abc' }] };
    const { request } = refreshRequest(signedReq, 'chat.completions', {
      idClock: sequentialIdClock(1_790_000_000_000, 'ffffffff'),
      chatId: 'NEW-CHAT-ID',
      parentId: 'NEW-PARENT',
    });
    const body = JSON.parse(request.body ?? '{}');
    expect([body.chat_id, body.chatId]).toEqual(['NEW-CHAT-ID', 'NEW-CHAT-ID']);
    expect([body.parent_id, body.parentId, body.messages[0].parentId]).toEqual([
      'NEW-PARENT',
      'NEW-PARENT',
      'NEW-PARENT',
    ]);
    expect(body.timestamp).toBeGreaterThan(1e12);
    expect(headerValue(request.headers, 'bx-ua')).toBe('231!abc');
  });
});
