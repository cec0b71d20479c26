/** The curl script `replay --curl` prints really reproduces the request: run it with sh against the simulator. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCapture } from '../../src/replay/replay-capture.js';
import { turnCurl } from '../../src/cli/replay.js';
import { shapeCapture, startSession, type SimSession } from '../bisect/simulator-support.js';

const run = promisify(execFile);
let session: SimSession;

beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.sim.close();
});

describe('replay --curl', () => {
  it('prints a script that creates a chat and streams an answer when run with the token exported', async () => {
    const { sim, credentials } = session;
    const result = await replayCapture(await shapeCapture(session, 'web'), {
      target: sim.url,
      token: credentials.token,
      cookies: credentials.cookies,
    });
    const script = turnCurl(result.turns[0]!, credentials.token)!;
    expect(script).not.toContain(credentials.token);
    const { stdout } = await run('sh', ['-c', script], {
      env: { ...process.env, QWEN_TOKEN: credentials.token },
      timeout: 30_000,
    });
    expect(stdout).toMatch(/"phase": ?"answer"/);
    expect(stdout).toMatch(/"status": ?"finished"/);
  });
});
