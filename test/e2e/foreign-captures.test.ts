/**
 * Every capture of fixtures/foreign (Playwright, mitmproxy, Chrome DevTools and its snippets, HTTP
 * Toolkit, Charles, Fiddler, Firefox) through the commands, against one simulator (the corpus'
 * profile): each is read with the right endpoints, and each good/bad pair diffs to its planted
 * fields, bisects to its planted culprits, and replays (good works, bad fails as recorded).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bisect } from '../../src/cli/bisect.js';
import { diff } from '../../src/cli/diff.js';
import { replay } from '../../src/cli/replay.js';
import type { CommandIo } from '../../src/cli/run-command.js';
import { readCaptureInput } from '../../src/client/read-capture-input.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';

const FOREIGN = resolve(import.meta.dirname, '../../fixtures/foreign');

interface ExpectedFile {
  readonly file: string;
  readonly format: string;
  readonly entries: number;
  readonly completionIndex: number;
  readonly hasResponses: boolean;
  readonly works: boolean;
}
interface ExpectedPair {
  readonly good: string;
  readonly bad: string;
  readonly culprits: readonly string[];
  readonly changedFields: readonly string[];
}
const expected = JSON.parse(readFileSync(resolve(FOREIGN, 'expected.json'), 'utf8')) as {
  simulator: { profile: string };
  files: ExpectedFile[];
  pairs: ExpectedPair[];
};

const path = (file: string) => resolve(FOREIGN, file);

function collect(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

let sim: RunningSimulator;
let user: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 1, profile: expected.simulator.profile });
  user = `${sim.demoUser.email}:${sim.demoUser.password}`;
});
afterAll(async () => {
  await sim?.close();
});

describe('every foreign capture is read', () => {
  it.each(expected.files.map((f) => [f.file, f] as const))('%s: its endpoints, its completion', async (_, file) => {
    const input = await readCaptureInput(path(file.file));
    expect(input.exchanges).toHaveLength(file.entries);
    const endpoints = input.exchanges.map((e) => e.endpoint);
    expect(endpoints).toEqual(
      file.entries === 1 ? ['chat.completions'] : ['auths.signin', 'chats.new', 'chat.completions'],
    );
    const completion = input.exchanges[file.completionIndex - 1]!;
    expect(JSON.parse(completion.request.body ?? 'null')).toMatchObject({ stream: true, messages: expect.any(Array) });
    if (file.hasResponses) {
      expect(completion.response?.status).toBe(200);
      if (file.works) expect(completion.response?.body).toMatch(/^data: /);
      else expect(JSON.parse(completion.response?.body ?? '{}')).toMatchObject({ success: false });
    } else expect(completion.response).toBeUndefined();
  });
});

describe.each(expected.pairs.map((p) => [`${p.good} → ${p.bad}`, p] as const))('%s', (_, pair) => {
  it('diffs to the planted fields, likeliest culprit first among them', async () => {
    const io = collect();
    const code = await diff({ good: path(pair.good), bad: path(pair.bad), format: 'json' }, io);
    expect(code).toBe(1);
    const report = JSON.parse(io.stdout.join('\n')) as {
      pairs: { key: string; findings: { location: string; path: string; volatile: boolean }[] }[];
    };
    const completion = report.pairs.find((p) => p.key === 'chat.completions')!;
    const bodyFields = completion.findings
      .filter((f) => f.location === 'body' && !f.volatile)
      .map((f) => f.path)
      .sort();
    expect(bodyFields).toEqual([...pair.changedFields].sort());
  });

  it('bisects to the planted culprits', async () => {
    const io = collect();
    const code = await bisect(
      { good: path(pair.good), bad: path(pair.bad), target: sim.url, user, json: true, required: false },
      io,
    );
    const result = JSON.parse(io.stdout.join('\n')) as {
      verdict: string;
      culprits: { location: string; path: string }[];
    };
    expect(result.verdict, io.stderr.join('\n')).toBe('found');
    expect(code).toBe(0);
    expect(result.culprits.map((c) => `${c.location} ${c.path}`).sort()).toEqual(
      pair.culprits.map((c) => `body ${c}`).sort(),
    );
  });

  it('replays: the good completion streams an answer, the bad one fails', async () => {
    const good = collect();
    expect(
      await replay({ capture: path(pair.good), target: sim.url, user, json: true }, good),
      good.stderr.join('\n'),
    ).toBe(0);
    const goodJson = JSON.parse(good.stdout.join('\n')) as { turns: { outcome: string; answer: string }[] };
    expect(goodJson.turns).toMatchObject([{ outcome: 'works' }]);
    expect(goodJson.turns[0]!.answer).not.toBe('');
    const bad = collect();
    expect(await replay({ capture: path(pair.bad), target: sim.url, user, json: true }, bad)).toBe(1);
    const badJson = JSON.parse(bad.stdout.join('\n')) as { turns: { outcome: string; failure: string }[] };
    expect(badJson.turns).toMatchObject([{ outcome: 'fails', failure: 'Internal_Server_Error' }]);
  });
});
