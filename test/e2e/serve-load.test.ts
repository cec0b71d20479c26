/**
 * Load through `serve` with the official SDK: many concurrent streams against the simulator, every
 * stream's text checked against the simulator's deterministic answer (nothing lost, duplicated or
 * reordered), no error, and the heap back to its start level afterwards. The always-on run is small
 * (CI has two shared cores); QWEN_PROBE_LOAD=1 adds the full 500 streams for 60 seconds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import OpenAI from 'openai';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/client/credentials.js';
import { startProxyServer, type ProxyServer } from '../../src/proxy/index.js';
import { expectedAnswer, splitIntoPieces } from '../../src/simulator/answers.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let sim: RunningSimulator;
let proxy: ProxyServer;
let agent: Agent;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 30 });
  const credentials = await resolveCredentials({
    target: sim.url,
    user: `${sim.demoUser.email}:${sim.demoUser.password}`,
  });
  proxy = await startProxyServer({
    target: sim.url,
    port: 0,
    sessions: [{ label: 'demo', credentials }],
    conversationLimit: 1000,
  });
  agent = new Agent({ connections: 1024 });
});
afterAll(async () => {
  await agent?.close();
  await proxy?.close();
  await sim?.close();
});

interface LoadReport {
  readonly streams: number;
  readonly problems: string[];
}

/** `concurrency` SDK streams in a loop until `seconds` have passed; every text is checked. */
async function load(target: ProxyServer, concurrency: number, seconds: number): Promise<LoadReport> {
  const sdk = new OpenAI({
    baseURL: `${target.url}/v1`,
    apiKey: 'unused',
    maxRetries: 0,
    fetchOptions: { dispatcher: agent } as never,
  });
  const deadline = Date.now() + seconds * 1000;
  const problems: string[] = [];
  let streams = 0;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      // Bounded by the deadline: one stream per iteration.
      while (Date.now() < deadline) {
        const prompt = `load ${worker} ${n++} [[words=20]]`;
        const expected = expectedAnswer(prompt).answer;
        try {
          const stream = await sdk.chat.completions.create({
            model: 'qwen3-max',
            stream: true,
            messages: [{ role: 'user', content: prompt }],
          });
          let text = '';
          let pieces = 0;
          for await (const chunk of stream) {
            const content = chunk.choices[0]?.delta.content;
            if (content) {
              text += content;
              pieces++;
            }
          }
          if (text !== expected) problems.push(`${prompt}: text differs`);
          else if (pieces !== splitIntoPieces(expected, 3).length) problems.push(`${prompt}: ${pieces} chunks`);
          streams++;
        } catch (error) {
          problems.push(`${prompt}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }),
  );
  return { streams, problems };
}

function settledHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('serve under load', () => {
  it('carries 100 concurrent streams with every text intact and the heap back to its start level', async () => {
    await load(proxy, 10, 1); // warm-up: JIT, connections, the model list
    const before = settledHeap();
    const report = await load(proxy, 100, 4);
    expect(report.problems).toEqual([]);
    expect(report.streams).toBeGreaterThanOrEqual(100);
    await expect.poll(() => proxy.handler.openResponses).toBe(0);
    expect(sim.state.streams.open).toBe(0);
    // Remembered conversations stay (bounded); everything per stream must be gone.
    expect(settledHeap() - before).toBeLessThan(16 * 1024 * 1024);
  });

  it.skipIf(!process.env.QWEN_PROBE_LOAD)(
    'carries 500 concurrent streams for 60 seconds with every text intact (QWEN_PROBE_LOAD=1)',
    async () => {
      // Its own simulator at a realistic pace: chat.qwen.ai sends a few words about every 100 ms.
      const slow = await startSimulator({ port: 0, chunkIntervalMs: 100 });
      const credentials = await resolveCredentials({
        target: slow.url,
        user: `${slow.demoUser.email}:${slow.demoUser.password}`,
      });
      const big = await startProxyServer({
        target: slow.url,
        port: 0,
        sessions: [{ label: 'demo', credentials }],
        conversationLimit: 1000,
      });
      try {
        await load(big, 20, 1);
        const before = settledHeap();
        const report = await load(big, 500, 60);
        expect(report.problems.slice(0, 5)).toEqual([]);
        expect(report.streams).toBeGreaterThan(500);
        await expect.poll(() => big.handler.openResponses).toBe(0);
        expect(slow.state.streams.open).toBe(0);
        expect(settledHeap() - before).toBeLessThan(32 * 1024 * 1024);
      } finally {
        await big.close();
        await slow.close();
      }
    },
    300_000,
  );
});
