/**
 * The investigation as a library runs it (`workflow.investigate` from the package entry point):
 * the bundled simulator, the real browser capture and seed-v4, with every event collected, a typed
 * result, the report folder written, and nothing printed.
 */
import { mkdtempSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { workflow } from '../../src/index.js';

const dir = join(mkdtempSync(join(tmpdir(), 'qp-investigate-lib-')), 'report');

afterAll(() => {
  vi.restoreAllMocks();
});

describe('workflow.investigate', () => {
  it('solves seed-v4 against the bundled simulator, telling each step as an event and printing nothing', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    const events: workflow.InvestigationEvent[] = [];
    const result = await workflow.investigate({
      library: { kind: 'shape', shape: 'seed-v4' },
      out: dir,
      onEvent: (event) => events.push(event),
    });

    expect(result.report).toMatchObject({ solved: true, library: 'seed-v4', simulatorProfile: 'qwen-2025-10' });
    expect(result.bisect.culprits.map((c) => c.id).sort()).toEqual(['body:messages[0].chat_type', 'body:model']);
    expect(result.report.repaired?.answer).toMatch(/^You said: "Hello!"/);
    const ended = events.flatMap((e) => (e.kind === 'step-end' ? [e.step] : []));
    expect(ended).toEqual(result.report.steps);
    expect(ended.map((s) => `${s.name}: ${s.status}`)).toEqual([
      'start the bundled simulator: done',
      'log in with the browser: done',
      'capture a chat in the browser: done',
      "generate the library's requests: done",
      'send them and record the failure: done',
      'diff: done',
      'bisect: done',
      'replay the repaired request: done',
    ]);
    expect(events.filter((e) => e.kind === 'bisect' && e.progress.kind === 'probe-end')).toHaveLength(
      result.bisect.probes,
    );
    expect((await readdir(dir)).sort()).toEqual(result.report.files.map((f) => f.name).sort());
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
  });
});
