/**
 * The steps of an investigation run as a library against the simulator, without the browser (a `web`
 * shape's turn stands in for its capture; the whole run with Chromium is
 * test/e2e/investigate-library.test.ts): each returns a typed result, tells its progress as events,
 * and prints nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { bisectStep, diffStep } from '../../src/workflow/diff-and-bisect.js';
import type { InvestigationEvent } from '../../src/workflow/investigation-event.js';
import { libraryFailure, loadLibraryRequests, sendLibraryRequests } from '../../src/workflow/library-requests.js';
import { replayRepaired } from '../../src/workflow/replay-repaired.js';
import { shapeCapture, startSession, type SimSession } from '../bisect/simulator-support.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-workflow-'));
let session: SimSession;
let browser: Exchange[];

beforeAll(async () => {
  session = await startSession();
  browser = await shapeCapture(session, 'web');
});
afterAll(async () => {
  await session?.sim.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function stepEnds(events: readonly InvestigationEvent[]): [string, string][] {
  return events.flatMap((e) => (e.kind === 'step-end' ? [[e.step.name, e.step.status] as [string, string]] : []));
}

describe('the investigation steps as a library', () => {
  it('send the library shape, diff, bisect and replay the repair: typed results, events, no output', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    const events: InvestigationEvent[] = [];
    const onEvent = (event: InvestigationEvent) => events.push(event);
    const sessionOptions = {
      target: session.sim.url,
      token: session.credentials.token,
      cookies: session.credentials.cookies,
      onEvent,
    };

    const library = await sendLibraryRequests('seed-v4', { ...sessionOptions, prompt: 'Hello!' });
    expect(library.name).toBe('seed-v4');
    expect(libraryFailure(library.exchanges)).toMatchObject({ status: 200, name: 'Internal_Server_Error' });
    const both = [...browser, ...library.exchanges];
    const { diff, plan } = await diffStep(browser, library.exchanges, onEvent);
    expect(diff.pairs.length).toBeGreaterThan(0);
    const result = await bisectStep(plan, both, sessionOptions);
    expect(result.verdict).toBe('found');
    expect(result.culprits.map((c) => c.id).sort()).toEqual(['body:messages[0].chat_type', 'body:model']);
    const { repaired, file } = await replayRepaired(plan, result.culprits, { ...sessionOptions, exchanges: both, dir });
    expect(repaired).toMatchObject({ outcome: 'works', answer: expect.stringMatching(/^You said: "Hello!"/) });
    expect(repaired.curl).toContain('Bearer ${QWEN_TOKEN}');
    expect(file.name).toBe('repaired.har');
    expect((await readCapture(join(dir, 'repaired.har'))).exchanges.at(-1)?.endpoint).toBe('chat.completions');

    expect(stepEnds(events)).toEqual([
      ["generate the library's requests", 'done'],
      ['send them and record the failure', 'done'],
      ['diff', 'done'],
      ['bisect', 'done'],
      ['replay the repaired request', 'done'],
    ]);
    expect(events.flatMap((e) => (e.kind === 'step-start' ? [e.name] : []))).toEqual([
      'send them and record the failure',
      'diff',
      'bisect',
      'replay the repaired request',
    ]);
    const bisectEvents = events.flatMap((e) => (e.kind === 'bisect' ? [e.progress] : []));
    expect(bisectEvents[0]).toEqual({ kind: 'plan', plan });
    expect(bisectEvents.filter((e) => e.kind === 'probe-end')).toHaveLength(result.probes);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
  });

  it('loads a capture of the library instead, and reports the sending step as skipped', async () => {
    const path = join(dir, 'library.har');
    const writer = await openCaptureWriter(path);
    for (const exchange of await shapeCapture(session, 'seed-v4')) await writer.append(exchange);
    await writer.close();
    const events: InvestigationEvent[] = [];
    const library = await loadLibraryRequests(path, (event) => events.push(event));
    expect(library).toMatchObject({
      name: path,
      exchanges: [{ endpoint: 'chats.new' }, { endpoint: 'chat.completions' }],
    });
    expect(events.map((e) => e.kind)).toEqual(['step-start', 'step-end', 'step-end']);
    expect(stepEnds(events)).toEqual([
      ["load the library's requests", 'done'],
      ['send them and record the failure', 'skipped'],
    ]);
  });

  it('ends a step that throws as failed, with the error as its detail, and passes the error on', async () => {
    const events: InvestigationEvent[] = [];
    const missing = join(dir, 'missing.har');
    await expect(loadLibraryRequests(missing, (event) => events.push(event))).rejects.toMatchObject({
      code: 'E_INPUT',
    });
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      kind: 'step-end',
      step: { name: "load the library's requests", status: 'failed', detail: expect.stringContaining(missing) },
    });
  });
});
