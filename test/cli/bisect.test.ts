/** `qwen-probe bisect` in-process against the simulator: exit codes, the JSON, --out, bad input. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bisect, type BisectArgs } from '../../src/cli/bisect.js';
import type { CommandIo } from '../../src/cli/run-command.js';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { shapeCapture, startSession, type SimSession } from '../bisect/simulator-support.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-bisect-cli-'));
let session: SimSession;
let args: Pick<BisectArgs, 'target' | 'user'>;

async function save(name: string, exchanges: readonly Exchange[]): Promise<string> {
  const path = join(dir, name);
  const writer = await openCaptureWriter(path);
  for (const e of exchanges) await writer.append(e);
  await writer.close();
  return path;
}

function collect(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

let web: string;
let seed: string;
let web2: string;

beforeAll(async () => {
  session = await startSession();
  web = await save('web.har', await shapeCapture(session, 'web'));
  web2 = await save('web2.har', await shapeCapture(session, 'web'));
  seed = await save('seed-v4.har', await shapeCapture(session, 'seed-v4'));
  args = { target: session.sim.url, user: `${session.sim.demoUser.email}:${session.sim.demoUser.password}` };
});
afterAll(async () => {
  await session?.sim.close();
});

describe('qwen-probe bisect', () => {
  it('exits 0 and prints the verdict, culprits, probes and log as JSON', async () => {
    const io = collect();
    const code = await bisect({ ...args, good: web, bad: seed, json: true, required: false }, io);
    expect(code).toBe(0);
    const json = JSON.parse(io.stdout.join('\n'));
    expect(json).toMatchObject({
      verdict: 'found',
      endpoint: 'chat.completions',
      probes: expect.any(Number),
      log: expect.any(Array),
      required: [],
    });
    expect(json.culprits.map((c: { location: string; path: string }) => `${c.location} ${c.path}`).sort()).toEqual([
      'body messages[0].chat_type',
      'body model',
    ]);
    expect(io.stderr.some((l) => /^probe 1 of at most 64 · working request → works$/.test(l))).toBe(true);
  });

  it('writes the report to --out in the format its extension names', async () => {
    const out = join(dir, 'bisect.md');
    const code = await bisect({ ...args, good: web, bad: seed, out, required: false }, collect());
    expect(code).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(/^# qwen-probe bisect\n\n\*\*Verdict: found\.\*\*/);
  });

  it('exits 1 and says so when the failing capture already works', async () => {
    const io = collect();
    expect(await bisect({ ...args, good: web, bad: web2 }, io)).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/^verdict: bad-passes\nThe failing request works now/);
  });

  it('refuses captures that cannot be paired, with exit code 2', async () => {
    const models = await save(
      'models.har',
      (await shapeCapture(session, 'web')).map(({ request: { body: _body, ...request }, ...e }) => ({
        ...e,
        endpoint: 'models',
        request: { ...request, method: 'GET', url: `${session.sim.url}/api/models` },
      })),
    );
    await expect(bisect({ ...args, good: web, bad: models }, collect())).rejects.toMatchObject({
      code: 'E_INPUT',
      exitCode: 2,
      message: expect.stringMatching(/cannot be paired/),
    });
  });

  it('refuses a budget too small to bisect anything', async () => {
    await expect(bisect({ ...args, good: web, bad: seed, budget: 2 }, collect())).rejects.toMatchObject({
      code: 'E_USAGE',
    });
  });

  it('prints the result and says so when --out can no longer be written at the end', async () => {
    const folder = join(dir, 'vanishes');
    const out = join(folder, 'result.json');
    let broken = false;
    const io = collect();
    const failing: CommandIo = {
      out: io.out,
      err: (line) => {
        io.err(line);
        // Mid-bisect, a file takes the place of the folder --out goes in.
        if (!broken) {
          broken = true;
          writeFileSync(folder, 'not a folder');
        }
      },
    };
    const error = await bisect({ ...args, good: web, bad: seed, out, json: true, required: false }, failing).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('the result is printed above') });
    // Nothing learned is lost: the JSON result is on stdout.
    expect(JSON.parse(io.stdout.join('\n'))).toMatchObject({ verdict: 'found' });
  });
});
