/**
 * The done-when of `learn` and `lint`, end to end: Debian's Chromium chats with the simulator
 * through `qwen-probe capture` (two turns), `learn` learns the browser's protocol from that
 * capture, `generate` writes the seed's requests offline, and `lint` finds the seed's culprits
 * (chat_type, model, the compressed token) without sending anything: the simulator sees no request
 * after the capture.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { runCli } from '../support/run-cli.js';
import { captureArgs, writeDemoSession } from '../support/demo-session.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-learn-lint-e2e-'));
const browser = join(dir, 'browser.har');
const protocol = join(dir, 'qwen-protocol');
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 10 });
  const session = await writeDemoSession(sim, dir);
  const capture = await runCli(captureArgs(sim.url, session, ['Hello!', 'And again?'], browser));
  expect(capture.code, capture.stderr).toBe(0);
  for (const shape of ['seed-v1', 'seed-v4'])
    expect((await runCli(['generate', '--shape', shape, '--out', join(dir, `${shape}.har`)])).code).toBe(0);
}, 180_000);

afterAll(async () => {
  await sim?.close();
});

describe('learn from a real Chromium capture, then lint the seed offline', () => {
  it('learns the chat endpoints from the browser capture', async () => {
    const learnt = await runCli(['learn', browser, '--out', protocol]);
    expect(learnt.code, learnt.stderr).toBe(0);
    expect(learnt.stdout).toMatch(/^learnt \d+ endpoints \(.*chats\.new, chat\.completions.*\) from \d+ exchanges/);
    const json = JSON.parse(await readFile(join(protocol, 'protocol.json'), 'utf8'));
    const body = json.endpoints['chat.completions'].request.properties.body;
    expect(body.properties.messages.items.properties.chat_type.enum).toEqual(['t2t']);
    expect(json.endpoints['chat.completions'].response.stream.order['created-first']).toBe(2);
  });

  it("finds the seed's culprits, ranked, without sending a request", async () => {
    const requestsBefore = JSON.stringify(sim.state.requests);
    const v4 = await runCli(['lint', join(dir, 'seed-v4.har'), '--against', protocol, '--format', 'json']);
    expect(v4.code, v4.stderr).toBe(1);
    const issues = JSON.parse(v4.stdout).issues as {
      id: string;
      problem: string;
      rank: number;
      fact?: { id: string };
    }[];
    const find = (id: string) => issues.find((i) => i.id === id);
    expect(find('chat.completions body:messages[0].chat_type')).toMatchObject({ problem: 'outside-enum', rank: 1 });
    expect(find('chat.completions body:model')?.fact?.id).toBe('model-alias');

    const v1 = await runCli(['lint', join(dir, 'seed-v1.har'), '--against', browser]);
    expect(v1.code).toBe(1);
    expect(v1.stdout).toMatch(/chat\.completions {2}header authorization {2}\[auth-form\]/);
    expect(v1.stdout).toMatch(/Bearer <gzip-base64, \d+ chars>/);
    expect(JSON.stringify(sim.state.requests)).toBe(requestsBefore);
  });

  it("finds nothing in the browser's own capture", async () => {
    const clean = await runCli(['lint', browser, '--against', protocol]);
    expect(clean.code, clean.stdout).toBe(0);
  });
});
