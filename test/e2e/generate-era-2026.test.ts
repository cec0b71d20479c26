/**
 * `generate --send --era qwen-2026-09` against the qwen-2026-09 simulator, per shape: what a user of
 * each client would meet in September 2026 (docs/protocol.md §9.5 to §9.7). Every shape sent from
 * Node lacks the page's signatures and the browser's cookie jar, so each gets the silent soft block
 * (HTTP 200, an event stream with no answer); the same account sending on meets the captcha.
 * Today's reader has no name for the soft block (part 2 of issue 14 names it `empty-answer`):
 * `verdictLine` says "failure: empty — the stream carried no answer text".
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generate } from '../../src/cli/generate.js';
import type { CommandIo } from '../../src/cli/run-command.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { judgeQwenResponse } from '../../src/upstream/stream-reader.js';
import { SHAPE_NAMES } from '../../src/upstream/shapes.js';

function collectingIo(): CommandIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(`stderr: ${l}`) };
}

const SOFT_BLOCK_VERDICT = 'failure: empty — the stream carried no answer text';

let sims: RunningSimulator[] = [];
beforeEach(() => {
  vi.stubEnv('QWEN_PROBE_EMAIL', '');
  vi.stubEnv('QWEN_PROBE_PASSWORD', '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function sim(): Promise<RunningSimulator> {
  const s = await startSimulator({ port: 0, profile: 'qwen-2026-09', chunkIntervalMs: 1 });
  sims.push(s);
  return s;
}

async function send(target: RunningSimulator, shape: string) {
  const out = join(await mkdtemp(join(tmpdir(), 'qp-gen-2026-')), `${shape}.har`);
  const io = collectingIo();
  const code = await generate(
    {
      shape,
      era: 'qwen-2026-09',
      send: true,
      target: target.url,
      user: `${target.demoUser.email}:${target.demoUser.password}`,
      out,
    },
    io,
  );
  return { code, lines: io.lines, capture: await readCapture(out) };
}

describe('generate --send --era qwen-2026-09', () => {
  it.each(SHAPE_NAMES)('soft-blocks the %s shape sent from Node: HTTP 200, an empty stream', async (shape) => {
    const target = await sim();
    const { code, lines, capture } = await send(target, shape);
    expect(code).toBe(0);
    const verdict = lines.find((l) => l.startsWith('failure:') || l.startsWith('answer:'));
    expect(verdict).toBe(SOFT_BLOCK_VERDICT);
    const completion = capture.exchanges.find((e) => e.endpoint === 'chat.completions');
    expect(completion?.response?.status).toBe(200);
    expect(completion?.response?.sse).toHaveLength(2);
    const result = judgeQwenResponse(completion?.response);
    expect(result).toMatchObject({ ok: false, finished: true, answer: '', events: 2 });
    expect(result.failure).toBeUndefined();
    expect(result.usage?.outputTokens).toBe(0);
    expect(target.state.recent.at(-1)?.outcome).toMatch(/^rule:soft-block-/);
  });

  it('escalates one account: soft blocks, then the captcha on chats/new and completions', async () => {
    const target = await sim();
    const verdicts: string[] = [];
    for (const shape of SHAPE_NAMES) {
      const { lines } = await send(target, shape);
      verdicts.push(lines.find((l) => l.startsWith('failure:') || l.startsWith('answer:')) ?? '');
    }
    const captcha =
      'failure: waf — FAIL_SYS_USER_VALIDATE, RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试 (captcha/punish page)';
    // seed-v1's compressed token names no account; the demo account's soft blocks start at seed-v2.
    expect(verdicts).toEqual([
      SOFT_BLOCK_VERDICT,
      SOFT_BLOCK_VERDICT,
      SOFT_BLOCK_VERDICT,
      SOFT_BLOCK_VERDICT,
      captcha,
      captcha,
    ]);
  });
});
