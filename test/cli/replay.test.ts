/** `qwen-probe replay` in-process against the simulator: streaming, the status line, --json, --curl, --out. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, type ReplayArgs } from '../../src/cli/replay.js';
import type { CommandIo } from '../../src/cli/run-command.js';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { shapeCapture, startSession, type SimSession } from '../bisect/simulator-support.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-replay-cli-'));
let session: SimSession;
let base: Pick<ReplayArgs, 'target' | 'user'>;
let web: string;
let seed: string;

async function save(name: string, exchanges: readonly Exchange[]): Promise<string> {
  const path = join(dir, name);
  const writer = await openCaptureWriter(path);
  for (const e of exchanges) await writer.append(e);
  await writer.close();
  return path;
}

function collect() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let streamed = '';
  const io: CommandIo = { out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
  return { io, stdout, stderr, write: (t: string) => (streamed += t), streamed: () => streamed };
}

beforeAll(async () => {
  session = await startSession();
  web = await save('web.har', await shapeCapture(session, 'web'));
  seed = await save('seed.har', await shapeCapture(session, 'seed-v4'));
  base = { target: session.sim.url, user: `${session.sim.demoUser.email}:${session.sim.demoUser.password}` };
});
afterAll(async () => {
  await session?.sim.close();
});

describe('qwen-probe replay', () => {
  it('streams the answer, then prints status, usage, time to first token and total time', async () => {
    const c = collect();
    expect(await replay({ ...base, capture: web }, c.io, { write: c.write })).toBe(0);
    expect(c.streamed()).toMatch(/^You said: "Hello!"/);
    expect(c.stdout.at(-1)).toMatch(/^200 · works · \d+ in \/ \d+ out tokens · first token \d+ ms · total \d+ ms$/);
  });

  it('prints the typed result with --json and nothing streamed', async () => {
    const c = collect();
    await replay({ ...base, capture: web, json: true }, c.io, { write: c.write });
    expect(c.streamed()).toBe('');
    expect(JSON.parse(c.stdout.join('\n'))).toMatchObject({
      ok: true,
      turns: [{ outcome: 'works', status: 200, answer: expect.stringMatching(/^You said/) }],
    });
  });

  it('prints a curl script with the token as $QWEN_TOKEN, never its value', async () => {
    const c = collect();
    await replay({ ...base, capture: web, curl: true }, c.io, { write: c.write });
    const script = c.stdout.join('\n');
    expect(script).toContain('Bearer ${QWEN_TOKEN}');
    expect(script).not.toContain(session.credentials.token);
  });

  it('records the replay with --out and exits 1 with the reason when the request fails', async () => {
    const c = collect();
    const out = join(dir, 'replayed.har');
    expect(await replay({ ...base, capture: seed, out }, c.io, { write: c.write })).toBe(1);
    expect(c.stdout.at(-1)).toMatch(/^200 · fails: Internal_Server_Error/);
    const recorded = await readCapture(out);
    expect(recorded.exchanges.map((e) => [e.source, e.endpoint])).toEqual([
      ['replay', 'chats.new'],
      ['replay', 'chat.completions'],
    ]);
  });
});
