/**
 * Profile qwen-2026-09, rule by rule: for each, a request that trips it and one that passes it
 * (in process, with a known signing secret and a clock the test moves).
 */
import { describe, expect, it } from 'vitest';
import { QWEN_2026_09 } from '../../src/simulator/index.js';
import { readQwenStream } from '../../src/upstream/stream-reader.js';
import { SHAPES, shapeFor } from '../../src/upstream/shapes.js';
import { sha256Hex } from '../../src/common/index.js';
import { inProcess, signin } from './support.js';
import {
  browserJar,
  era2026,
  newChat2026,
  outcomeOf,
  send,
  signed,
  signinToken,
  web2026,
  webContext,
  type BrowserJar,
  type Era2026,
  type SignOptions,
} from './era-2026-support.js';

const NO_DUAL = { ...QWEN_2026_09, dualResponses: { rate: 0, seed: 1 } };

async function setup(options: Parameters<typeof era2026>[0] = {}) {
  const sim = era2026({ profile: NO_DUAL, ...options });
  const jar = await browserJar(sim);
  const token = await signinToken(sim);
  const chatId = await newChat2026(sim, jar, token);
  return { sim, jar, token, chatId };
}

/** One completion of the era's web shape, signed as the page signs it unless `opts` spoils it. */
async function turn(
  env: { sim: Era2026; jar: BrowserJar; token: string; chatId: string },
  opts: SignOptions & { prompt?: string; model?: string; thinking?: boolean; headers?: Record<string, string> } = {},
) {
  const ctx = webContext(env.token, {
    ...(opts.prompt === undefined ? {} : { prompt: opts.prompt }),
    ...(opts.model === undefined ? {} : { model: opts.model }),
    ...(opts.thinking === undefined ? {} : { thinking: opts.thinking }),
  });
  let req = web2026.completion(ctx, { chatId: env.chatId, parentId: null });
  for (const [name, value] of Object.entries(opts.headers ?? {}))
    req = { ...req, headers: [...req.headers.filter((h) => h.name.toLowerCase() !== name), { name, value }] };
  return outcomeOf(await send(env.sim, signed(env.sim, env.jar, req, opts)));
}

/** The rule that answered the last request. */
async function lastOutcome(sim: Era2026): Promise<string> {
  const state = (await (await sim.request('/__simulator/state')).json()) as { recent: { outcome: string }[] };
  return state.recent.at(-1)?.outcome ?? '';
}

describe('qwen-2026-09: a request signed like the page, with the full jar', () => {
  it('streams an answer', async () => {
    const env = await setup();
    expect(await turn(env)).toBe('stream');
    expect(await lastOutcome(env.sim)).toBe('stream');
  });

  it('every rule explains itself with a dated docs/protocol.md §9 citation or an older section', () => {
    for (const rule of QWEN_2026_09.rules.filter((r) => !r.name.startsWith('token-') && !r.name.includes('chat-id'))) {
      expect(rule.explain).toMatch(/docs\/protocol\.md §\d|protocol\.md §\d|seed report|Rfym21|FastAPI|inferred/);
    }
    const own = QWEN_2026_09.rules.filter((r) =>
      /^(soft-block|escalation|version|thinking|data-inspection|quota|v1-|retired|chat-in-progress)/.test(r.name),
    );
    expect(own.length).toBeGreaterThan(15);
    for (const rule of own) expect(rule.explain).toMatch(/docs\/protocol\.md §9\.\d+, \d{4}-\d{2}/);
  });
});

describe('qwen-2026-09: the baxia signatures soft-block', () => {
  const cases: [string, SignOptions, string][] = [
    ['without bx-ua', { bxUa: null }, 'rule:soft-block-bx-ua'],
    ['with a bx-ua signed for another user agent', { userAgent: 'python-httpx/0.28' }, 'rule:soft-block-bx-ua'],
    [
      'with a forged bx-ua',
      { bxUa: `231!${Buffer.from('{"t":1}|forged').toString('base64')}` },
      'rule:soft-block-bx-ua',
    ],
    ['without bx-umidtoken', { umid: null }, 'rule:soft-block-bx-umidtoken'],
    ['without bx-pp', { bxPp: null }, 'rule:soft-block-bx-pp'],
    ['with the bx-pp of another body', { bxPp: 'AAAA' }, 'rule:soft-block-bx-pp'],
  ];
  for (const [what, opts, rule] of cases) {
    it(`a completion ${what}`, async () => {
      const env = await setup();
      expect(await turn(env, opts)).toBe('soft-block');
      expect(await lastOutcome(env.sim)).toBe(rule);
    });
  }

  it('a bx-ua older than 15 minutes, but not one of 14', async () => {
    const env = await setup();
    expect(await turn(env, { signedAtMs: env.sim.clock.now - 16 * 60_000 })).toBe('soft-block');
    expect(await lastOutcome(env.sim)).toBe('rule:soft-block-bx-ua-stale');
    expect(await turn(env, { signedAtMs: env.sim.clock.now - 14 * 60_000 })).toBe('stream');
  });

  it('a bx-umidtoken older than 4 hours, or issued to another cna device cookie', async () => {
    const env = await setup();
    env.sim.clock.now += 4 * 3600_000 + 60_000;
    const freshAcw = await browserJar(env.sim);
    const jar = { cookies: { ...env.jar.cookies, acw_tc: freshAcw.cookies['acw_tc']! }, umid: env.jar.umid };
    expect(await turn({ ...env, jar })).toBe('soft-block');
    expect(await lastOutcome(env.sim)).toBe('rule:soft-block-bx-umidtoken-stale');
    const other = await browserJar(env.sim, { cna: 'another-device' });
    expect(await turn({ ...env, jar: { cookies: jar.cookies, umid: other.umid } })).toBe('soft-block');
    expect(await lastOutcome(env.sim)).toBe('rule:soft-block-bx-umidtoken');
    expect(await turn({ ...env, jar: { cookies: jar.cookies, umid: freshAcw.umid } })).toBe('stream');
  });

  it('a body changed after it was signed (what replay with fresh ids does)', async () => {
    const env = await setup();
    const req = web2026.completion(webContext(env.token), { chatId: env.chatId, parentId: null });
    const signedReq = signed(env.sim, env.jar, req);
    const edited = { ...signedReq, body: (signedReq.body ?? '').replace('"Hello!"', '"Hello?"') };
    expect(await outcomeOf(await send(env.sim, edited))).toBe('soft-block');
    expect(await outcomeOf(await send(env.sim, signedReq))).toBe('stream');
  });
});

describe('qwen-2026-09: the cookie jar soft-blocks', () => {
  for (const cookie of ['cna', 'isg', 'tfstk', 'ssxmod_itna']) {
    it(`a completion without ${cookie}`, async () => {
      const env = await setup();
      expect(await turn(env, { without: [cookie] })).toBe('soft-block');
      expect(await lastOutcome(env.sim)).toBe(`rule:soft-block-cookie-${cookie.replace('_', '-')}`);
    });
  }

  it('an acw_tc missing, made up, or older than 15 minutes; a fresh page load brings a new one', async () => {
    const env = await setup();
    expect(await turn(env, { without: ['acw_tc'] })).toBe('soft-block');
    expect(await lastOutcome(env.sim)).toBe('rule:soft-block-acw-tc');
    const madeUp = { ...env.jar, cookies: { ...env.jar.cookies, acw_tc: 'f'.repeat(60) } };
    expect(await turn({ ...env, jar: madeUp })).toBe('soft-block');
    env.sim.clock.now += 16 * 60_000;
    expect(await turn(env)).toBe('soft-block');
    expect(await lastOutcome(env.sim)).toBe('rule:soft-block-acw-tc');
    const reloaded = await browserJar(env.sim);
    expect(
      await turn({ ...env, jar: { ...env.jar, cookies: { ...env.jar.cookies, acw_tc: reloaded.cookies['acw_tc']! } } }),
    ).toBe('stream');
  });

  it('an acw_tc that another account presented first', async () => {
    const users = [
      { email: 'a@qwen-probe.test', password: 'a-password' },
      { email: 'b@qwen-probe.test', password: 'b-password' },
    ];
    const sim = era2026({ profile: NO_DUAL, users });
    const jar = await browserJar(sim);
    const tokenA = await signinToken(sim, users[0]);
    const tokenB = await signinToken(sim, users[1]);
    const chatA = await newChat2026(sim, jar, tokenA);
    expect(await turn({ sim, jar, token: tokenA, chatId: chatA })).toBe('stream');
    const chatB = await newChat2026(sim, jar, tokenB);
    expect(await turn({ sim, jar, token: tokenB, chatId: chatB })).toBe('soft-block');
    expect(await lastOutcome(sim)).toBe('rule:soft-block-acw-tc-shared');
    const own = await browserJar(sim);
    expect(await turn({ sim, jar: own, token: tokenB, chatId: chatB })).toBe('stream');
  });
});

describe('qwen-2026-09: escalation per account', () => {
  it('soft blocks, then the captcha after three within ten minutes, then a bare 403 after three captchas', async () => {
    const env = await setup();
    const unsigned = { bxUa: null } as const;
    expect([await turn(env, unsigned), await turn(env, unsigned), await turn(env, unsigned)]).toEqual([
      'soft-block',
      'soft-block',
      'soft-block',
    ]);
    // The account is flagged now: even a perfect request gets the captcha, and so does chats/new.
    expect(await turn(env)).toBe('captcha');
    expect(await lastOutcome(env.sim)).toBe('rule:escalation-captcha');
    expect(await turn(env)).toBe('captcha');
    expect(await turn(env)).toBe('captcha');
    expect(await turn(env)).toBe('forbidden');
    expect(await lastOutcome(env.sim)).toBe('rule:escalation-forbidden');
    const chatsNew = await send(env.sim, signed(env.sim, env.jar, web2026.createChat!(webContext(env.token))));
    expect(chatsNew.status).toBe(405);
    expect(await chatsNew.text()).toContain('aliyun_waf_aa');
    // Ten minutes later the window has passed.
    env.sim.clock.now += 11 * 60_000;
    const jar = await browserJar(env.sim);
    expect(await turn({ ...env, jar })).toBe('stream');
  });

  it('the captcha carries a punish URL (action=captcha) whose solution, x5sec, lets the account through', async () => {
    const env = await setup();
    for (let i = 0; i < 3; i++) await turn(env, { umid: null });
    const res = await send(
      env.sim,
      signed(env.sim, env.jar, web2026.completion(webContext(env.token), { chatId: env.chatId, parentId: null })),
    );
    const captcha = (await res.json()) as { ret: string[]; data: { url: string } };
    expect(captcha.ret[0]).toBe('FAIL_SYS_USER_VALIDATE');
    expect(captcha.ret[1]).toMatch(/^RGV587_ERROR::SM::/);
    const url = new URL(captcha.data.url);
    expect(url.pathname).toBe('/_____tmd_____/punish');
    expect(url.searchParams.get('action')).toBe('captcha');
    const page = await env.sim.request(url.pathname + url.search);
    expect(await page.text()).toContain('nc_1_n1z');
    const trace = [0, 60, 120, 180, 240, 260].map((x, i) => [x, 10, i * 40]);
    const tooFew = await env.sim.request('/_____tmd_____/verify', {
      method: 'POST',
      body: JSON.stringify({ x5secdata: url.searchParams.get('x5secdata'), trace: [[260, 10, 0]], travel: 260 }),
    });
    expect(await tooFew.json()).toMatchObject({ success: false });
    const solved = await env.sim.request('/_____tmd_____/verify', {
      method: 'POST',
      body: JSON.stringify({ x5secdata: url.searchParams.get('x5secdata'), trace, travel: 260 }),
    });
    expect(await solved.json()).toEqual({ success: true });
    const x5sec = /^x5sec=([^;]+)/.exec(solved.headers.get('set-cookie') ?? '')?.[1];
    expect(x5sec).toBeDefined();
    expect(await turn(env)).toBe('captcha');
    const withPass = { ...env.jar, cookies: { ...env.jar.cookies, x5sec: x5sec! } };
    expect(await turn({ ...env, jar: withPass })).toBe('stream');
  });
});

describe('qwen-2026-09: requests of the 2026-08 front end', () => {
  it('needs the version header of the current build: missing or stale is HTTP 200 Bad_Request', async () => {
    const env = await setup();
    expect(await turn(env, { headers: { version: '0.2.83' } })).toBe('Bad_Request');
    expect(await lastOutcome(env.sim)).toBe('rule:version-header-stale');
    const noVersion = web2026.completion(webContext(env.token), { chatId: env.chatId, parentId: null });
    const stripped = { ...noVersion, headers: noVersion.headers.filter((h) => h.name !== 'version') };
    const res = await send(env.sim, signed(env.sim, env.jar, stripped));
    expect(res.status).toBe(200);
    expect(await outcomeOf(res)).toBe('Bad_Request');
    expect(await turn(env, { headers: { version: '0.2.87' } })).toBe('stream');
  });

  it('authenticates by the token cookie alone, without Authorization', async () => {
    const env = await setup();
    const req = web2026.completion(webContext(env.token), { chatId: env.chatId, parentId: null });
    expect(req.headers.some((h) => h.name.toLowerCase() === 'authorization')).toBe(false);
    expect(await outcomeOf(await send(env.sim, signed(env.sim, env.jar, req)))).toBe('stream');
  });

  it('refuses a body over 128,000 bytes with the captcha, and takes one just under', async () => {
    const env = await setup();
    const base = web2026.completion(webContext(env.token), { chatId: env.chatId, parentId: null }).body ?? '';
    const over = 'x'.repeat(128_001 - Buffer.byteLength(base) + 'Hello!'.length);
    expect(await turn(env, { prompt: over })).toBe('captcha');
    expect(await lastOutcome(env.sim)).toBe('rule:waf-body-too-large');
    const under = 'x'.repeat(127_990 - Buffer.byteLength(base) + 'Hello!'.length);
    expect(await turn({ ...env, chatId: await newChat2026(env.sim, env.jar, env.token) }, { prompt: under })).toBe(
      'stream',
    );
  });

  it('takes one turn at a time per chat: "The chat is in progress!" while one streams', async () => {
    const env = await setup({ chunkIntervalMs: 5 });
    const ctx = webContext(env.token);
    const first = await send(
      env.sim,
      signed(env.sim, env.jar, web2026.completion(ctx, { chatId: env.chatId, parentId: null })),
    );
    const reader = first.body!.getReader();
    await reader.read();
    const second = await send(
      env.sim,
      signed(env.sim, env.jar, web2026.completion(ctx, { chatId: env.chatId, parentId: null })),
    );
    expect(await second.json()).toMatchObject({ data: { code: 'Bad_Request', details: 'The chat is in progress!' } });
    expect(await lastOutcome(env.sim)).toBe('rule:chat-in-progress');
    while (!(await reader.read()).done);
    const other = await newChat2026(env.sim, env.jar, env.token);
    expect(await turn({ ...env, chatId: other })).toBe('stream');
  });

  it('answers thinking_enabled:false on qwen3.8 with invalid_input; thinking on, or qwen3.7, streams', async () => {
    const env = await setup();
    const chat38 = await newChat2026(env.sim, env.jar, env.token, 'qwen3.8-max');
    expect(await turn({ ...env, chatId: chat38 }, { model: 'qwen3.8-max', thinking: false })).toBe('invalid_input');
    expect(await lastOutcome(env.sim)).toBe('rule:thinking-required');
    expect(await turn({ ...env, chatId: chat38 }, { model: 'qwen3.8-max', thinking: true })).toBe('stream');
    expect(await turn(env, { model: 'qwen3.7-plus', thinking: false })).toBe('stream');
  });

  it('refuses [[inspection]] content with data_inspection_failed', async () => {
    const env = await setup();
    expect(await turn(env, { prompt: 'please [[inspection]]' })).toBe('data_inspection_failed');
    expect(await turn(env, { prompt: 'please inspect' })).toBe('stream');
  });

  it('counts the daily quota per model: RateLimited with num 7 hours when it runs out', async () => {
    const env = await setup({ profile: { ...NO_DUAL, quota: { timesPerModel: 1, userTier: 'free' } } });
    expect(await turn(env)).toBe('stream');
    const quota = await send(
      env.sim,
      signed(env.sim, env.jar, {
        method: 'POST',
        url: 'http://sim.test/api/v2/users/user/entitlement_quota',
        headers: [
          { name: 'Content-Type', value: 'application/json' },
          { name: 'Cookie', value: `token=${env.token}` },
        ],
        body: '{"features":["model"]}',
      }),
    );
    expect(await quota.json()).toMatchObject({
      success: true,
      data: { user_tier: 'free', model: { 'qwen3.7-plus': { times_left: 0 }, 'qwen3.8-max': { times_left: 1 } } },
    });
    const chat = await newChat2026(env.sim, env.jar, env.token);
    const req = web2026.completion(webContext(env.token), { chatId: chat, parentId: null });
    const res = await send(env.sim, signed(env.sim, env.jar, req));
    expect(await res.json()).toMatchObject({ data: { code: 'RateLimited', num: 7 } });
    expect(await turn({ ...env, chatId: chat }, { model: 'qwen3.6-plus' })).toBe('stream');
  });

  it('answers the v1 completion path with the gateway 504 page, the retired /api/v2/user with "not found"', async () => {
    const sim = era2026();
    const v1 = await sim.request('/api/chat/completions', { method: 'POST', body: '{}' });
    expect(v1.status).toBe(504);
    expect(v1.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await v1.text()).toContain('alibaba-ga');
    const user = await sim.request('/api/v2/user');
    expect(user.status).toBe(404);
    expect(await user.json()).toMatchObject({ success: false, data: { code: 'not found' } });
    const old = era2026({ profile: 'qwen-2025-10' });
    expect(await (await old.request('/api/v2/user')).json()).toMatchObject({ data: { code: 'Not_Found' } });
  });
});

describe('qwen-2026-09: dual responses', () => {
  it('streams two interleaved answers with response_index "0" and "1" under the dual-response fault', async () => {
    const env = await setup({ faults: [{ name: 'dual-response', times: 1 }] });
    const req = web2026.completion(webContext(env.token, { prompt: 'Paris?' }), { chatId: env.chatId, parentId: null });
    const text = await (await send(env.sim, signed(env.sim, env.jar, req))).text();
    const created = [...text.matchAll(/"response_id":"([^"]+)", "response_index": "(\d)"/g)].map((m) => [m[1], m[2]]);
    expect(created.map((c) => c[1])).toEqual(['0', '1']);
    const order = [...text.matchAll(/"response_id": "([^"]+)"/g)].map((m) => m[1]);
    expect(order.slice(0, 4)).toEqual([created[0]![0], created[1]![0], created[0]![0], created[1]![0]]);
    // Today's reader joins both answers: the text comes out twice, mixed (part 2 of issue 14 keeps one).
    const result = readQwenStream(text);
    expect(result.answer.length).toBeGreaterThan(0);
    // The next turn may continue either answer.
    const chat = env.sim.state.chats.get(env.chatId)!;
    expect(chat.alternateResponseIds).toEqual([created[1]![0]]);
    const next = web2026.completion(webContext(env.token), { chatId: env.chatId, parentId: created[1]![0]! });
    expect(await outcomeOf(await send(env.sim, signed(env.sim, env.jar, next)))).toBe('stream');
  });

  it("happens at the profile's seeded rate, the same way on every run", async () => {
    const runs: boolean[][] = [];
    for (let r = 0; r < 2; r++) {
      const env = await setup({ profile: { ...QWEN_2026_09, dualResponses: { rate: 0.5, seed: 7 } } });
      const seen: boolean[] = [];
      for (let i = 0; i < 6; i++) {
        const chat = await newChat2026(env.sim, env.jar, env.token);
        const req = web2026.completion(webContext(env.token), { chatId: chat, parentId: null });
        const text = await (await send(env.sim, signed(env.sim, env.jar, req))).text();
        seen.push(text.includes('"response_index": "1"'));
      }
      runs.push(seen);
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).toContain(true);
    expect(runs[0]).toContain(false);
  });
});

describe('qwen-2026-09: endpoints of 2026', () => {
  it('lists models at /api/v2/models/ as data.data[] with think_skip and modality', async () => {
    const sim = era2026();
    const body = (await (await sim.request('/api/v2/models/')).json()) as {
      success: boolean;
      data: { data: { id: string; info: { meta: { think_skip?: { enable: boolean }; modality: string[] } } }[] };
    };
    expect(body.success).toBe(true);
    const byId = new Map(body.data.data.map((m) => [m.id, m.info.meta]));
    expect([...byId.keys()]).toEqual(QWEN_2026_09.models.map((m) => m.id));
    expect(byId.get('qwen3.8-max')?.think_skip).toEqual({ enable: false });
    expect(byId.get('qwen3.7-plus')?.think_skip).toEqual({ enable: true });
    expect(byId.get('qwen3.7-plus')?.modality).toContain('text');
  });

  it('signs in at /api/v2/auths/signin with a refresh_token, and refreshes at /api/v2/auths/refresh', async () => {
    const sim = era2026();
    const res = await sim.request('/api/v2/auths/signin', {
      method: 'POST',
      body: JSON.stringify({
        email: 'demo@qwen-probe.test',
        password: sha256Hex('demo-password'),
      }),
    });
    const body = (await res.json()) as { token: string; refresh_token: string };
    expect(res.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(['token', 'refresh_token']);
    // A refresh token is no bearer token.
    const asBearer = await sim.request('/api/v1/auths/', {
      headers: { authorization: `Bearer ${body.refresh_token}` },
    });
    expect(asBearer.status).toBe(401);
    const refreshed = await sim.request('/api/v2/auths/refresh', {
      method: 'POST',
      body: JSON.stringify({ refresh_token: body.refresh_token }),
    });
    const answer = (await refreshed.json()) as { success: boolean; data: { token: string; refresh_token: string } };
    expect(answer.success).toBe(true);
    const me = await sim.request('/api/v1/auths/', { headers: { authorization: `Bearer ${answer.data.token}` } });
    expect(me.status).toBe(200);
    const bad = await sim.request('/api/v2/auths/refresh', {
      method: 'POST',
      body: JSON.stringify({ refresh_token: body.token }),
    });
    expect(bad.status).toBe(401);
  });

  it('stops an answer at /api/v2/chat/completions/stop and deletes every chat at DELETE /api/v2/chats/', async () => {
    const env = await setup({ chunkIntervalMs: 5 });
    const ctx = webContext(env.token, { prompt: 'long [[words=400]]' });
    const res = await send(
      env.sim,
      signed(env.sim, env.jar, web2026.completion(ctx, { chatId: env.chatId, parentId: null })),
    );
    const reader = res.body!.getReader();
    await reader.read();
    const stop = await send(
      env.sim,
      signed(env.sim, env.jar, {
        method: 'POST',
        url: 'http://sim.test/api/v2/chat/completions/stop',
        headers: [{ name: 'Cookie', value: `token=${env.token}` }],
        body: JSON.stringify({ chat_id: env.chatId }),
      }),
    );
    expect(await stop.json()).toMatchObject({ success: true });
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    const result = readQwenStream(text);
    expect(result.finished).toBe(true);
    expect(result.answer.split(' ').length).toBeLessThan(400);
    await newChat2026(env.sim, env.jar, env.token);
    expect(env.sim.state.chats.size).toBe(2);
    const del = await env.sim.request('/api/v2/chats/', {
      method: 'DELETE',
      headers: { cookie: `token=${env.token}` },
    });
    expect(await del.json()).toMatchObject({ success: true, data: { status: true } });
    expect(env.sim.state.chats.size).toBe(0);
  });

  it('does not answer the 2026 endpoints in the older eras', async () => {
    const old = era2026({ profile: 'qwen-2026-06' });
    const res = await old.request('/api/v2/auths/refresh', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    const models = (await (await old.request('/api/v2/models/')).json()) as { data: unknown[] };
    expect(Array.isArray(models.data)).toBe(true);
  });
});

describe('qwen-2026-09: where the sources disagree', () => {
  it('sends the model id and a ms timestamp by default; a profile can pick weselow\'s "" and seconds', async () => {
    const html = async (sim: Era2026) =>
      JSON.parse(
        /<script id="sim-config" type="application\/json">(.*?)<\/script>/s.exec(
          await (await sim.request('/')).text(),
        )?.[1] ?? '{}',
      ) as {
        frontEnd: { messageModel: string; completionTimestamp: string };
      };
    expect((await html(era2026())).frontEnd).toMatchObject({ messageModel: 'model-id', completionTimestamp: 'ms' });
    const other = era2026({
      profile: { ...QWEN_2026_09, frontEnd: { messageModel: 'empty', completionTimestamp: 's' } },
    });
    expect((await html(other)).frontEnd).toMatchObject({ messageModel: 'empty', completionTimestamp: 's' });
    const body = JSON.parse(shapeFor('web', 'qwen-2026-09').completion(webContext('t'), { chatId: 'c' }).body ?? '{}');
    expect(body.messages[0].model).toBe('qwen3.7-plus');
    expect(body.timestamp).toBeGreaterThan(1e12);
  });
});

describe('the modern shape', () => {
  it('streams an answer from the seed era simulator, and is soft-blocked by qwen-2026-09', async () => {
    const old = inProcess();
    const { token } = await signin(old.request, old.baseUrl);
    const ctx = webContext(token);
    const created = await old.request(SHAPES.modern.createChat!(ctx).url, {
      method: 'POST',
      headers: Object.fromEntries(SHAPES.modern.createChat!(ctx).headers.map((h) => [h.name, h.value])),
      body: SHAPES.modern.createChat!(ctx).body ?? null,
    });
    const chatId = ((await created.json()) as { data: { id: string } }).data.id;
    const req = SHAPES.modern.completion(ctx, { chatId });
    const res = await old.request(req.url, {
      method: 'POST',
      headers: Object.fromEntries(req.headers.map((h) => [h.name, h.value])),
      body: req.body ?? null,
    });
    expect(await outcomeOf(res)).toBe('stream');

    const env = await setup();
    const modern = shapeFor('modern', 'qwen-2026-09');
    const unsigned = modern.completion(webContext(env.token, { cookies: env.jar.cookies }), { chatId: env.chatId });
    expect(await outcomeOf(await send(env.sim, unsigned))).toBe('soft-block');
  });
});
