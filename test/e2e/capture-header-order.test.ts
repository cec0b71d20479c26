/**
 * `capture` keeps the request headers in wire order: a node:http relay in front of the simulator
 * notes each request's `rawHeaders` (names, case, values, order as received), and the captured
 * completion request must carry exactly those. CDP alone would hand them over sorted by name; the
 * order comes from Chromium's NetLog, applied when the browser has closed.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Header } from '../../src/exchange/exchange.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { capture } from '../../src/cli/capture.js';
import { assertValidHar } from '../support/har-validator.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-capture-order-'));
let sim: RunningSimulator;
let relay: Server;
let relayUrl: string;
const seen: { method: string; url: string; headers: Header[] }[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 20 });
  const upstream = new URL(sim.url);
  relay = createServer((req, res) => {
    const headers: Header[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      headers.push({ name: req.rawHeaders[i]!, value: req.rawHeaders[i + 1]! });
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers });
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.rawHeaders },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayUrl = `http://127.0.0.1:${(relay.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => relay?.close(resolve));
  await sim?.close();
});

describe('capture: request headers in wire order', () => {
  it("writes the completion request's headers exactly as the server received them", async () => {
    const out = join(dir, 'order.har');
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await capture(
      {
        target: relayUrl,
        user: `${sim.demoUser.email}:${sim.demoUser.password}`,
        headed: false,
        thinking: false,
        interactive: false,
        redact: false,
        timeout: 30_000,
        'answer-timeout': 60_000,
        'login-timeout': 5_000,
        out,
        prompt: ['Hello'],
      },
      { out: (l) => stdout.push(l), err: (l) => stderr.push(l) },
    );
    expect(code).toBe(0);
    assertValidHar(JSON.parse(await readFile(out, 'utf8')));
    const { exchanges } = await readCapture(out);
    const completion = exchanges.find((e) => e.endpoint === 'chat.completions')!;
    expect(completion.tags).toContain('headers:wire-order');
    const path = new URL(completion.request.url).pathname + new URL(completion.request.url).search;
    const wire = seen.filter((r) => r.method === 'POST' && r.url === path);
    expect(wire).toHaveLength(1);
    expect(completion.request.headers).toEqual(wire[0]!.headers);
    // Sorted by name it is not (the relay saw Host first, then Connection).
    expect(completion.request.headers.slice(0, 2).map((h) => h.name)).toEqual(['Host', 'Connection']);
    // Every network exchange got its wire order.
    const network = exchanges.filter((e) => !e.tags?.includes('request-headers:renderer'));
    expect(network.every((e) => e.tags?.includes('headers:wire-order'))).toBe(true);
    expect(stderr.join('\n')).toMatch(/request headers in wire order: (\d+) of \1 exchange/);
  });
});
