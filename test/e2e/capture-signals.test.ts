/**
 * A capture interrupted from outside: Ctrl-C (SIGINT) saves the open stream as cut and exits 130;
 * SIGKILL gives no chance to clean up, yet the file holds every exchange reported so far.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { assertValidHar } from '../support/har-validator.js';
import { startCli } from './capture-process.js';
import { captureArgs, writeDemoSession } from '../support/demo-session.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-capture-signals-'));
let sim: RunningSimulator;
let session: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 20 });
  session = await writeDemoSession(sim, dir);
});

afterAll(async () => {
  await sim?.close();
});

describe('capture interrupted by a signal', () => {
  it('on SIGINT saves the stream still open as cut, says so, and exits 130', async () => {
    sim.setFaults([{ name: 'stall', times: 1 }]);
    const out = join(dir, 'sigint.har');
    const cli = startCli(['capture', '--target', sim.url, '--session', session, '--prompt', 'Hello', '--out', out]);
    await cli.waitForLine(/^err: streaming: \/api\/v2\/chat\/completions/);
    cli.child.kill('SIGINT');
    const { code } = await cli.exited;
    expect(code).toBe(130);
    expect(cli.lines).toContainEqual(
      expect.stringMatching(/^err: error \[E_INTERRUPTED\]: interrupted; \d+ exchanges saved to /),
    );
    assertValidHar(JSON.parse(await readFile(out, 'utf8')));
    const completion = (await readCapture(out)).exchanges.find((e) => e.endpoint === 'chat.completions');
    expect(completion?.tags).toEqual(expect.arrayContaining(['stream-cut', 'capture-stopped']));
    expect(completion?.response?.sse?.length).toBeGreaterThan(0);
  });

  it('on SIGKILL leaves a capture that loads with every exchange it had reported', async () => {
    sim.setFaults([{ name: 'stall', after: 1 }]);
    const out = join(dir, 'sigkill.har');
    const cli = startCli(captureArgs(sim.url, session, ['One', 'Two'], out));
    await cli.waitForLine(/^out: turn 1\/2: answered/);
    await cli.waitForLine(/^err: streaming: .*completions/);
    const reported = cli.lines.filter((l) => /^out: (GET|POST) /.test(l)).length;
    cli.child.kill('SIGKILL');
    await cli.exited;
    const capture = await readCapture(out);
    expect(capture.exchanges.length).toBeGreaterThanOrEqual(reported);
    expect(capture.exchanges.filter((e) => e.endpoint === 'chat.completions')).toHaveLength(1);
  });
});
