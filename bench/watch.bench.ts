/**
 * A `watch` round without the browser capture against the simulator (profile qwen-2025-10, its
 * default 20 ms between stream events): the page and its version constants, the model list, the
 * canary completion through each transport, the comparison and the record appended to rounds.jsonl.
 * Goal (issue 16): <= 1 s a round. The figure is an absolute time, the only one the goal names; the
 * canary's own stream (its events' spacing) is printed beside it as context.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCredentials } from '../src/client/credentials.js';
import { startSimulator } from '../src/simulator/index.js';
import { runWatchRound } from '../src/workflow/index.js';
import { median, percentile, type BenchResult } from './bench-result.js';

const ROUNDS = 20;

export default async function bench(): Promise<BenchResult> {
  const sim = await startSimulator({ port: 0 });
  const out = await mkdtemp(join(tmpdir(), 'qwen-probe-watch-bench-'));
  try {
    const credentials = await resolveCredentials({
      target: sim.url,
      user: `${sim.demoUser.email}:${sim.demoUser.password}`,
    });
    const auth = { token: credentials.token, cookies: credentials.cookies };
    const options = {
      target: sim.url,
      era: 'qwen-2025-10' as const,
      out,
      auth: async () => auth,
      browser: false as const,
    };
    await runWatchRound(options); // warm-up: the first round also opens connections and JIT-compiles
    const times: number[] = [];
    let drifts = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now();
      const record = await runWatchRound(options);
      times.push((performance.now() - start) / 1000);
      if (record.drift) drifts += 1;
    }
    const p50 = median(times);
    const p95 = percentile(times, 95);
    return {
      name: 'watch',
      figures: [
        {
          label: `watch round without the browser, median of ${ROUNDS}`,
          value: p50,
          unit: 's',
          goal: '<= 1 s',
          met: p50 <= 1,
        },
        { label: `watch round without the browser, p95`, value: p95, unit: 's', goal: '<= 1 s', met: p95 <= 1 },
        {
          label: 'rounds that raised an alarm (no drift applied)',
          value: drifts,
          unit: 'rounds',
          goal: '0',
          met: drifts === 0,
        },
      ],
      notes: ["the canary streams the simulator's answer with its default 20 ms between events"],
    };
  } finally {
    await sim.close();
    await rm(out, { recursive: true, force: true });
  }
}
