/**
 * `simulate` streams per second on loopback: completion streams through the simulator (profile
 * qwen-2025-10, no chunk interval) against a bare node:http server that writes the same SSE bytes,
 * both driven by the same undici client at the same concurrency in the same run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { resolveCredentials } from '../src/client/credentials.js';
import { createdChatId, shapeSender } from '../src/client/run-shape.js';
import { SHAPES, systemIdClock } from '../src/upstream/shapes.js';
import { startSimulator } from '../src/simulator/index.js';
import type { BenchResult } from './bench-result.js';

const CONCURRENCY = 10;
const SECONDS = 3;

interface Prepared {
  readonly url: string;
  readonly headers: string[];
  readonly body: string;
}

/** Sends `next()` requests from CONCURRENCY workers for SECONDS; returns completed streams/s and bytes. */
async function drive(agent: Agent, next: () => Prepared | undefined): Promise<{ perSecond: number; bytes: number }> {
  const deadline = performance.now() + SECONDS * 1000;
  let done = 0;
  let bytes = 0;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const p = next();
      if (!p) return;
      const res = await request(p.url, { method: 'POST', headers: p.headers, body: p.body, dispatcher: agent });
      for await (const chunk of res.body) bytes += (chunk as Buffer).length;
      if (res.statusCode === 200) done += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { perSecond: done / ((performance.now() - start) / 1000), bytes };
}

function flatHeaders(headers: readonly { name: string; value: string }[]): string[] {
  return headers.flatMap((h) => [h.name, h.value]);
}

export default async function bench(): Promise<BenchResult> {
  const agent = new Agent({ connections: CONCURRENCY * 2 });
  const simulator = await startSimulator({ port: 0, chunkIntervalMs: 0 });
  let baseline: Server | undefined;
  try {
    const { email, password } = simulator.demoUser;
    const creds = await resolveCredentials({ target: simulator.url, user: `${email}:${password}` });
    const ctx = { baseUrl: simulator.url, token: creds.token, cookies: creds.cookies, idClock: systemIdClock };
    const send = shapeSender();

    // One fresh chat per stream, created before the clock starts: the figure is about streaming.
    const chats: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const created = createdChatId(await send(SHAPES.web.createChat!(ctx), { endpoint: 'chats.new' }));
      if ('chatId' in created) chats.push(created.chatId);
    }
    const sample = SHAPES.web.completion(ctx, { chatId: chats[0]! });
    const sampleRes = await request(sample.url, {
      method: 'POST',
      headers: flatHeaders(sample.headers),
      body: sample.body!,
      dispatcher: agent,
    });
    const sseBytes = Buffer.from(await sampleRes.body.arrayBuffer());
    chats.shift();

    baseline = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        res.end(sseBytes);
      });
    });
    await new Promise<void>((r) => baseline!.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/api/v2/chat/completions?chat_id=x`;

    const direct = await drive(agent, () => ({
      url: baseUrl,
      headers: flatHeaders(sample.headers),
      body: sample.body!,
    }));
    const simulated = await drive(agent, () => {
      const chatId = chats.shift();
      if (!chatId) return undefined;
      const r = SHAPES.web.completion(ctx, { chatId });
      return { url: r.url, headers: flatHeaders(r.headers), body: r.body! };
    });
    return {
      name: 'simulate',
      figures: [
        {
          label: `simulator completion streams/s (${CONCURRENCY} concurrent)`,
          value: simulated.perSecond,
          unit: 'streams/s',
        },
        {
          label: `bare node:http, same SSE bytes (${CONCURRENCY} concurrent)`,
          value: direct.perSecond,
          unit: 'streams/s',
        },
        { label: 'simulator / bare server', value: simulated.perSecond / direct.perSecond, unit: 'x' },
      ],
      notes: [
        `each stream ${sseBytes.length} bytes; ${SECONDS} s per side; chats created before timing; ran out of chats: ` +
          `${chats.length === 0}`,
      ],
    };
  } finally {
    await simulator.close();
    await new Promise<void>((r) => (baseline ? baseline.close(() => r()) : r()));
    await agent.close();
  }
}
