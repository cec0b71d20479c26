import { describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/exchange/errors.js';
import { classifyBody } from '../../src/upstream/upstream-failure.js';
import { readQwenStream } from '../../src/upstream/stream-reader.js';
import { FAULT_NAMES, parseFaultSpec, type FaultSpec } from '../../src/simulator/index.js';
import { FaultBook } from '../../src/simulator/faults.js';
import { complete, envelopeOf, inProcess, minimalBody, newChat, signin } from './support.js';

async function setup(faults: FaultSpec[]) {
  const sim = inProcess({ faults });
  const { token } = await signin(sim.request, sim.baseUrl);
  const chatId = await newChat(sim.request, sim.baseUrl, token);
  return { sim, token, chatId, send: () => complete(sim.request, sim.baseUrl, token, chatId, minimalBody(chatId)) };
}

describe('fault specs', () => {
  it('parses the CLI syntax NAME[:times=N][:after=N][:endpoint=NAME]', () => {
    expect(parseFaultSpec('stall')).toEqual({ name: 'stall' });
    expect(parseFaultSpec('reset-mid-stream:times=1:after=2')).toEqual({
      name: 'reset-mid-stream',
      times: 1,
      after: 2,
    });
    expect(parseFaultSpec('waf-html:endpoint=chats.new')).toEqual({ name: 'waf-html', endpoint: 'chats.new' });
    for (const bad of ['nap', 'stall:times=x', 'stall:often', 'stall:endpoint=nowhere']) {
      expect(() => parseFaultSpec(bad)).toThrow(ProbeError);
      try {
        parseFaultSpec(bad);
      } catch (error) {
        expect((error as ProbeError).code).toBe('E_USAGE');
      }
    }
  });

  it('hits requests in the window after N, for `times` requests, counting per endpoint', () => {
    const book = new FaultBook([{ name: 'stall', times: 2, after: 1 }]);
    const hits = [1, 2, 3, 4].map(() => book.take('chat.completions')?.name);
    expect(hits).toEqual([undefined, 'stall', 'stall', undefined]);
    expect(book.take('chats.new')).toBeUndefined();
    expect(book.list[0]).toMatchObject({ seen: 4, hits: 2 });
  });
});

describe('faults that replace the answer', () => {
  it('waf-html answers the Aliyun block page', async () => {
    const { send } = await setup([{ name: 'waf-html' }]);
    const res = await send();
    expect(res.status).toBe(405);
    const text = await res.text();
    expect(text.startsWith('<!doctypehtml>')).toBe(true);
    expect(text).toMatch(/<meta name="aliyun_waf_aa"/);
    expect(classifyBody(text, 405)?.kind).toBe('waf');
  });

  it('json-error-200 answers HTTP 200 with an error envelope', async () => {
    const { send } = await setup([{ name: 'json-error-200' }]);
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await envelopeOf(res)).toEqual({ code: 'Internal_Server_Error', details: 'Internal error' });
  });

  it('expired-token answers 401 "Token has expired"', async () => {
    const { send } = await setup([{ name: 'expired-token' }]);
    const res = await send();
    expect(res.status).toBe(401);
    expect((await envelopeOf(res)).details).toBe('Token has expired');
  });

  it('rate-limited answers 429 RateLimited with num', async () => {
    const { send } = await setup([{ name: 'rate-limited', times: 1 }]);
    const res = await send();
    expect(res.status).toBe(429);
    const env = await envelopeOf(res);
    expect(env.code).toBe('RateLimited');
    expect(typeof env.num).toBe('number');
    // times=1: the next request streams again.
    expect((await send()).headers.get('content-type')).toMatch(/^text\/event-stream/);
  });
});

describe('faults inside the stream (in process)', () => {
  it('malformed-sse puts a data line that is not JSON mid-stream, then carries on', async () => {
    const { send } = await setup([{ name: 'malformed-sse' }]);
    const text = await (await send()).text();
    const payloads = text.split('\n\n').filter(Boolean);
    expect(() => JSON.parse((payloads[2] ?? '').slice(6))).toThrow();
    expect(payloads.at(-1)).toContain('"finished"');
    expect(readQwenStream(text).failure?.kind).toBe('malformed');
  });

  it('reset-mid-stream errors the body after a few events', async () => {
    const { send, sim } = await setup([{ name: 'reset-mid-stream' }]);
    const res = await send();
    await expect(res.text()).rejects.toThrow(/reset/);
    expect(sim.state.streams.cut).toBe(1);
  });

  it('stall holds the stream until the simulator closes', async () => {
    const { send, sim } = await setup([{ name: 'stall' }]);
    const res = await send();
    const reader = res.body!.getReader();
    for (let i = 0; i < 3; i++) expect((await reader.read()).done).toBe(false);
    const next = reader.read();
    const raced = await Promise.race([
      next.then(() => 'data'),
      new Promise((r) => setTimeout(() => r('stalled'), 150)),
    ]);
    expect(raced).toBe('stalled');
    sim.close();
    await expect(next).rejects.toThrow();
  });

  it('names every fault in FAULT_NAMES', () => {
    expect([...FAULT_NAMES].sort()).toEqual([
      'captcha',
      'captcha-page',
      'data-inspection-failed',
      'dual-response',
      'expired-token',
      'forbidden',
      'gateway-timeout',
      'json-error-200',
      'malformed-sse',
      'rate-limited',
      'renamed-composer',
      'reset-mid-stream',
      'soft-block',
      'stall',
      'waf-html',
    ]);
  });

  it('counts page faults on page loads only, never on an /api request, not even with endpoint *', async () => {
    const { sim, send } = await setup([
      { name: 'renamed-composer', times: 1 },
      { name: 'captcha-page', endpoint: '*' },
    ]);
    expect((await send()).status).toBe(200);
    expect((await sim.app.request('/')).status).toBe(200); // renamed-composer
    const redirect = await sim.app.request('/'); // captcha-page: to the firewall's captcha
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(/^\/_____tmd_____\/punish\?x5secdata=.*&action=captcha$/);
    const faults = (await (await sim.app.request('/__simulator/faults')).json()) as {
      faults: { seen: number; hits: number }[];
    };
    expect(faults.faults.map((f) => [f.seen, f.hits])).toEqual([
      [2, 1],
      [2, 1],
    ]);
  });
});

describe('the control endpoints', () => {
  it('set faults with POST /__simulator/faults and report counts in GET /__simulator/state', async () => {
    const { sim, send } = await setup([]);
    const bad = await sim.app.request('/__simulator/faults', { method: 'POST', body: '[{"name":"explode"}]' });
    expect(bad.status).toBe(400);
    const ok = await sim.app.request('/__simulator/faults', {
      method: 'POST',
      body: JSON.stringify([{ name: 'json-error-200', times: 1 }]),
    });
    expect(ok.status).toBe(200);
    await (await send()).text();
    await (await send()).text();
    const state = (await (await sim.app.request('/__simulator/state')).json()) as Record<string, any>;
    expect(state.faults).toEqual([{ name: 'json-error-200', times: 1, seen: 2, hits: 1 }]);
    expect(state.outcomes['fault:json-error-200']).toBe(1);
    expect(state.outcomes['stream']).toBe(1);
    expect(state.requests['chat.completions']).toBe(2);
    expect(state.recent.at(-1)).toMatchObject({ endpoint: 'chat.completions', status: 200, outcome: 'stream' });
    expect(JSON.stringify(state)).not.toContain('demo-password');
  });
});
