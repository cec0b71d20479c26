/** Ctrl-C in the middle of `qwen-probe bisect`: it stops, writes what it learned, and exits 130. */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { shapeCapture, startSession, type SimSession } from '../bisect/simulator-support.js';
import { spawnCli } from '../support/spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-bisect-int-'));
let session: SimSession;

async function save(name: string, exchanges: readonly Exchange[]): Promise<string> {
  const writer = await openCaptureWriter(join(dir, name));
  for (const e of exchanges) await writer.append(e);
  await writer.close();
  return join(dir, name);
}

beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.sim.close();
});

describe('Ctrl-C during a bisect', () => {
  it('writes bisect.json with the probes so far and exits 130', async () => {
    const good = await save('web.har', await shapeCapture(session, 'web'));
    const bad = await save('seed.har', await shapeCapture(session, 'seed-v4'));
    const out = join(dir, 'bisect.json');
    const cli = spawnCli([
      'bisect',
      '--good',
      good,
      '--bad',
      bad,
      '--target',
      session.sim.url,
      '--user',
      `${session.sim.demoUser.email}:${session.sim.demoUser.password}`,
      '--delay',
      '400',
      '--out',
      out,
    ]);
    await expect.poll(() => /probe 4 of at most 64/.test(cli.stderr()), { timeout: 30_000, interval: 100 }).toBe(true);
    cli.child.kill('SIGINT');
    const exit = await cli.exit;
    expect(exit.code, cli.stderr()).toBe(130);
    const json = JSON.parse(await readFile(out, 'utf8'));
    expect(json.verdict).toBe('stopped');
    expect(json.probes).toBeGreaterThanOrEqual(4);
    expect(json.log).toHaveLength(json.probes);
    expect(cli.stdout()).toMatch(/^verdict: stopped/);
  });
});
