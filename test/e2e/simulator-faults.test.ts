/**
 * Streaming and faults over real sockets: events spaced in time and flushed one by one, resets,
 * stalls that only close() ends, latency before headers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../src/simulator/index.js';
import { complete, minimalBody, newChat, overHttp, signin } from '../simulator/support.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: StartSimulatorOptions = {}) {
  sim = await startSimulator({ port: 0, ...options });
  const { token } = await signin(overHttp, sim.url);
  const s = sim;
  // A fresh chat per request: a second turn in one chat would have to thread its parent_id.
  const request = async (prompt = 'Hello!') => {
    const chatId = await newChat(overHttp, s.url, token);
    return complete(overHttp, s.url, token, chatId, minimalBody(chatId, {}, { content: prompt }));
  };
  return { sim: s, request };
}

/** Reads a body event by event, noting when each `data:` frame arrived. */
async function timedEvents(res: Response, onFirst?: () => void): Promise<{ t: number; data: string }[]> {
  const t0 = performance.now();
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { t: number; data: string }[] = [];
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    buf += decoder.decode(value, { stream: true });
    let idx: number;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      events.push({ t: performance.now() - t0, data: buf.slice(6, idx) });
      buf = buf.slice(idx + 2);
      if (events.length === 1) onFirst?.();
    }
  }
}

describe('stream timing', () => {
  it('spreads events over time by chunkIntervalMs, and the client sees the first before the last is sent', async () => {
    const { sim, request } = await start({ chunkIntervalMs: 40 });
    let finishedWhenFirstArrived = -1;
    const events = await timedEvents(await request(), () => (finishedWhenFirstArrived = sim.state.streams.finished));
    expect(finishedWhenFirstArrived).toBe(0);
    expect(events.length).toBeGreaterThan(8);
    const spread = (events.at(-1)?.t ?? 0) - (events[0]?.t ?? 0);
    // A lower bound only: a loaded machine can delay the reader (two frames then arrive in one
    // read), but it can never make the server send the events closer together than the interval.
    expect(spread).toBeGreaterThanOrEqual((events.length - 1) * 40 * 0.8);
    expect(sim.state.streams.finished).toBe(1);
  });

  it('waits latencyMs before sending headers', async () => {
    const { sim } = await start({ latencyMs: 250, chunkIntervalMs: 0 });
    const t0 = performance.now();
    const res = await fetch(`${sim.url}/api/models`);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
    await res.text();
  });
});

describe('transport faults on a real socket', () => {
  it('reset-mid-stream cuts the connection after a few events', async () => {
    const { sim, request } = await start({ chunkIntervalMs: 5, faults: [{ name: 'reset-mid-stream', times: 1 }] });
    const seen: string[] = [];
    const res = await request();
    await expect(
      (async () => {
        for (const e of await timedEvents(res)) seen.push(e.data);
      })(),
    ).rejects.toThrow();
    expect(sim.state.streams.cut).toBe(1);
    // The next request is not hit (times=1) and streams in full.
    expect(await (await request()).text()).toContain('"finished"');
  });

  it('stall keeps the socket open until close(), which ends it promptly', async () => {
    const { sim, request } = await start({ chunkIntervalMs: 5, faults: [{ name: 'stall' }] });
    const res = await request();
    const reader = res.body!.getReader();
    let text = '';
    while ((text.match(/\n\n/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
    const next = reader.read();
    const raced = await Promise.race([
      next.then(
        () => 'data',
        () => 'error',
      ),
      new Promise((r) => setTimeout(() => r('stalled'), 300)),
    ]);
    expect(raced).toBe('stalled');
    const t0 = performance.now();
    await sim.close();
    // The stream never ends on its own: any bound shows close() did not wait for it; a wide one holds under load.
    expect(performance.now() - t0).toBeLessThan(10_000);
    await expect(next).rejects.toThrow();
  });

  it('close() ends a long stream in progress without waiting for it', async () => {
    const { sim, request } = await start({ chunkIntervalMs: 50 });
    const res = await request('long [[words=3000]]');
    const reading = res.text();
    await new Promise((r) => setTimeout(r, 120));
    const t0 = performance.now();
    await sim.close();
    // 3,000 words at 50 ms each would take 150 s: a tenth of that shows close() did not wait, even under load.
    expect(performance.now() - t0).toBeLessThan(15_000);
    await expect(reading).rejects.toThrow();
  });

  it('malformed-sse sends a data line that is not JSON mid-stream', async () => {
    const { request } = await start({ chunkIntervalMs: 2, faults: [{ name: 'malformed-sse' }] });
    const frames = (await (await request()).text()).split('\n\n').filter(Boolean);
    const bad = frames.filter((f) => {
      try {
        JSON.parse(f.slice(6));
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toHaveLength(1);
  });

  it('a fault set at run time through POST /__simulator/faults hits the next request', async () => {
    const { sim, request } = await start({ chunkIntervalMs: 2 });
    const set = await fetch(`${sim.url}/__simulator/faults`, {
      method: 'POST',
      body: JSON.stringify([{ name: 'rate-limited', times: 1 }]),
    });
    expect(set.status).toBe(200);
    expect((await request()).status).toBe(429);
    sim.setFaults([{ name: 'waf-html', times: 1 }]);
    expect((await request()).status).toBe(405);
    expect((await request()).status).toBe(200);
  });
});
