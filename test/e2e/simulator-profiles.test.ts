/**
 * The seed report's table, and the 2026 WAF, over real loopback HTTP with the request shapes of
 * src/upstream/shapes.ts: what each shape gets from each built-in profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRequest } from '../../src/exchange/exchange.js';
import { SHAPES, systemIdClock, type ShapeContext, type ShapeName } from '../../src/upstream/shapes.js';
import { readQwenStream } from '../../src/upstream/stream-reader.js';
import { expectedAnswer, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { overHttp, send, signin } from '../simulator/support.js';

type Outcome =
  | { status: number; kind: 'stream'; answer: string; reasoning: string }
  | { status: number; kind: 'json'; body: Record<string, any> }
  | { status: number; kind: 'html'; body: string };

async function outcomeOf(res: Response): Promise<Outcome> {
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (type.startsWith('text/event-stream')) {
    const r = readQwenStream(text);
    expect(r.ok, text.slice(0, 300)).toBe(true);
    return { status: res.status, kind: 'stream', answer: r.answer, reasoning: r.reasoning };
  }
  if (type.startsWith('application/json')) return { status: res.status, kind: 'json', body: JSON.parse(text) };
  return { status: res.status, kind: 'html', body: text };
}

/** Edits a built request: drop headers by name, change the JSON body. */
function edit(
  req: ExchangeRequest,
  opts: { dropHeaders?: string[]; body?: (b: Record<string, any>) => void },
): ExchangeRequest {
  const drop = new Set((opts.dropHeaders ?? []).map((h) => h.toLowerCase()));
  const body = JSON.parse(req.body ?? '{}') as Record<string, any>;
  opts.body?.(body);
  return { ...req, headers: req.headers.filter((h) => !drop.has(h.name.toLowerCase())), body: JSON.stringify(body) };
}

interface RunOptions {
  createChat?: boolean;
  edit?: Parameters<typeof edit>[1];
  editCreate?: Parameters<typeof edit>[1];
  ctx?: Partial<ShapeContext>;
}

function runner(getSim: () => RunningSimulator, getCtx: () => ShapeContext) {
  return async (shapeName: ShapeName, opts: RunOptions = {}) => {
    const shape = SHAPES[shapeName];
    const ctx = { ...getCtx(), ...opts.ctx };
    let chatId: string | undefined;
    if (shape.createChat && opts.createChat !== false) {
      const created = await send(overHttp, edit(shape.createChat(ctx), opts.editCreate ?? {}));
      const outcome = await outcomeOf(created);
      if (outcome.kind !== 'json' || outcome.body['success'] !== true)
        return { step: 'chats.new' as const, ...outcome };
      chatId = outcome.body['data'].id;
    }
    const res = await send(overHttp, edit(shape.completion(ctx, { chatId }), opts.edit ?? {}));
    expect(getSim().url.startsWith('http://127.0.0.1:')).toBe(true);
    return { step: 'chat.completions' as const, ...(await outcomeOf(res)) };
  };
}

describe('profile qwen-2025-10 reproduces the seed report', () => {
  let sim: RunningSimulator;
  let ctx: ShapeContext;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, chunkIntervalMs: 2 });
    ctx = {
      baseUrl: sim.url,
      token: (await signin(overHttp, sim.url)).token,
      idClock: systemIdClock,
      prompt: 'Hello!',
    };
  });
  afterAll(() => sim?.close());
  const run = runner(
    () => sim,
    () => ctx,
  );
  const envelope = (status: number, code: string, details: string) => ({
    step: 'chat.completions',
    status,
    kind: 'json',
    body: { success: false, request_id: expect.any(String), data: { code, details } },
  });

  it.each([
    ['the gzip+base64 compressed token (seed-v1)', 'seed-v1', {}, envelope(401, 'Unauthorized', 'Invalid token')],
    [
      'chat_id in the body only (seed-v2)',
      'seed-v2',
      {},
      envelope(400, 'RequestValidationError', "Field 'query -> chat_id': Field required"),
    ],
    [
      'chat_id in the query only (seed-v3)',
      'seed-v3',
      {},
      envelope(400, 'RequestValidationError', "Field 'chat_id': Field required"),
    ],
    [
      'a random uuid as chat_id in query and body',
      'seed-v4',
      { createChat: false },
      envelope(404, 'Not_Found', 'Chat not found'),
    ],
    [
      'the seed final body with a real chat (seed-v4)',
      'seed-v4',
      {},
      envelope(200, 'Internal_Server_Error', 'Internal error'),
    ],
    [
      'the seed final body with stream:false',
      'seed-v4',
      { edit: { body: (b) => (b.stream = false) } },
      envelope(200, 'Internal_Server_Error', 'Internal error'),
    ],
    [
      'the seed body with only messages[0].chat_type fixed',
      'seed-v4',
      { edit: { body: (b) => (b.messages[0].chat_type = 't2t') } },
      envelope(200, 'Internal_Server_Error', 'Internal error'),
    ],
    [
      'the seed body with only the model fixed',
      'seed-v4',
      { edit: { body: (b) => (b.model = 'qwen3-max') } },
      envelope(200, 'Internal_Server_Error', 'Internal error'),
    ],
  ] as [string, ShapeName, RunOptions, unknown][])(
    '%s gets the recorded error',
    async (_what, shape, opts, expected) => {
      expect(await run(shape, opts)).toEqual(expected);
    },
  );

  it('streams an answer for the seed body with exactly messages[0].chat_type and model fixed', async () => {
    const fix = (b: Record<string, any>) => {
      b.messages[0].chat_type = 't2t';
      b.model = 'qwen3-max';
    };
    const outcome = await run('seed-v4', { edit: { body: fix } });
    expect(outcome).toEqual({
      step: 'chat.completions',
      status: 200,
      kind: 'stream',
      answer: expectedAnswer('Hello!').answer,
      reasoning: '',
    });
    // Then stream:false is the next thing the server minds.
    const noStream = await run('seed-v4', { edit: { body: (b) => (fix(b), (b.stream = false)) } });
    expect(noStream).toEqual(envelope(200, 'Bad_Request', 'Internal error'));
  });

  it('answers Bad_Request for more than one message in a turn', async () => {
    const two = (b: Record<string, any>) => b.messages.push({ ...b.messages[0] });
    expect(await run('web', { edit: { body: two } })).toEqual(envelope(200, 'Bad_Request', 'Internal error'));
  });

  it('streams the web shape, and its reasoning with thinking on a thinking model', async () => {
    expect(await run('web')).toEqual({
      step: 'chat.completions',
      status: 200,
      kind: 'stream',
      answer: expectedAnswer('Hello!').answer,
      reasoning: '',
    });
    const thinking = await run('web', { ctx: { thinking: true, model: 'qwen3-235b-a22b', prompt: 'Think first' } });
    const expected = expectedAnswer('Think first', { thinking: true });
    expect(thinking).toEqual({
      step: 'chat.completions',
      status: 200,
      kind: 'stream',
      answer: expected.answer,
      reasoning: expected.reasoning,
    });
  });
});

describe('profile qwen-2026-06 adds the Aliyun WAF and the full envelope', () => {
  let sim: RunningSimulator;
  let ctx: ShapeContext;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, chunkIntervalMs: 2, profile: 'qwen-2026-06' });
    const token = (await signin(overHttp, sim.url)).token;
    ctx = {
      baseUrl: sim.url,
      token,
      idClock: systemIdClock,
      prompt: 'Hello 2026',
      cookies: { ssxmod_itna: '1-abc', ssxmod_itna2: '1-def' },
    };
  });
  afterAll(() => sim?.close());
  const run = runner(
    () => sim,
    () => ctx,
  );

  it('streams the web shape sent with the anti-bot cookies', async () => {
    const outcome = await run('web');
    expect(outcome).toMatchObject({
      step: 'chat.completions',
      status: 200,
      kind: 'stream',
      answer: expectedAnswer('Hello 2026').answer,
    });
  });

  it.each([['x-request-id'], ['bx-v'], ['source']])(
    'answers chats/new without %s with the WAF HTML page',
    async (header) => {
      const outcome = await run('web', { editCreate: { dropHeaders: [header] } });
      expect(outcome.step).toBe('chats.new');
      expect(outcome.status).toBe(405);
      expect(outcome.kind).toBe('html');
      expect(String((outcome as { body: string }).body)).toMatch(/^<!doctypehtml>.*<meta name="aliyun_waf_aa"/);
    },
  );

  it('answers chats/new without the ssxmod_itna cookie with the WAF HTML page', async () => {
    const outcome = await run('web', { ctx: { cookies: {} } });
    expect(outcome).toMatchObject({ step: 'chats.new', status: 405, kind: 'html' });
  });

  it.each([['x-request-id'], ['bx-v'], ['source']])(
    'answers a completion without %s with HTTP 200 and the FAIL_SYS_USER_VALIDATE block',
    async (header) => {
      const outcome = await run('web', { edit: { dropHeaders: [header] } });
      expect(outcome).toMatchObject({ step: 'chat.completions', status: 200, kind: 'json' });
      const body = (outcome as { body: Record<string, any> }).body;
      expect(body.ret[0]).toBe('FAIL_SYS_USER_VALIDATE');
      expect(body.ret[1]).toMatch(/^RGV587_ERROR::SM::/);
      expect(body.data.url).toMatch(/\/_____tmd_____\/punish\?x5secdata=/);
    },
  );

  it.each([
    ['messages[0].fid', (b: Record<string, any>) => delete b.messages[0].fid],
    ['messages[0].timestamp', (b: Record<string, any>) => delete b.messages[0].timestamp],
    ['version', (b: Record<string, any>) => delete b.version],
  ])('answers Bad_Request "Internal error" for a completion without %s', async (_field, drop) => {
    const outcome = await run('web', { edit: { body: drop } });
    expect(outcome).toMatchObject({
      step: 'chat.completions',
      status: 200,
      kind: 'json',
      body: { success: false, data: { code: 'Bad_Request', details: 'Internal error' } },
    });
  });

  it('blocks the seed shape already at chats/new', async () => {
    expect(await run('seed-v4')).toMatchObject({ step: 'chats.new', status: 405, kind: 'html' });
  });
});
