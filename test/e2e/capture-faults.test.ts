/**
 * `capture` against things going wrong: the simulator's faults, an expiring token, a wrong
 * password, an unreachable target, a page without a chat box, no Chromium. Each must end with one
 * clear error line (no stack trace), promptly, and leave a valid capture of what happened (none
 * when recording never started).
 * The command body runs in-process (`capture(args, io)`); each run starts its own browser.
 */
import { mkdtempSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { resolveCredentials } from '../../src/client/credentials.js';
import { readSessionFile, writeSessionFile } from '../../src/client/session-file.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { capture, type CaptureArgs } from '../../src/cli/capture.js';
import { reportError } from '../../src/cli/run-command.js';
import { assertValidHar } from '../support/har-validator.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-capture-faults-'));
let sim: RunningSimulator;
let sessionPath: string;
let blank: Server;
let blankUrl: string;
let runs = 0;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 20 });
  // A session without storage state: the recorder must put the token into the page itself.
  const creds = await resolveCredentials({ target: sim.url, user: `${sim.demoUser.email}:${sim.demoUser.password}` });
  sessionPath = join(dir, 'session.json');
  await writeSessionFile(sessionPath, {
    version: 1,
    target: sim.url,
    createdAt: new Date().toISOString(),
    token: creds.token,
    cookies: { ...creds.cookies },
  });
  blank = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>not a chat</title><p>nothing here'),
  );
  await new Promise<void>((resolve) => blank.listen(0, '127.0.0.1', resolve));
  blankUrl = `http://127.0.0.1:${(blank.address() as { port: number }).port}`;
});

afterAll(async () => {
  await sim?.close();
  await new Promise((resolve) => blank?.close(resolve));
});

interface Run {
  readonly out: string;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly code: number;
}

async function run(args: Partial<CaptureArgs>): Promise<Run> {
  const out = join(dir, `run-${++runs}.har`);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io = { out: (l: string) => stdout.push(l), err: (l: string) => stderr.push(l) };
  const full: CaptureArgs = {
    target: sim.url,
    session: sessionPath,
    headed: false,
    thinking: false,
    interactive: false,
    redact: false,
    timeout: 30_000,
    'answer-timeout': 60_000,
    'login-timeout': 5_000,
    out,
    prompt: ['Hello'],
    ...args,
  };
  let code: number;
  try {
    code = await capture(full, io);
  } catch (error) {
    code = reportError(error, io);
  }
  return { out, stdout, stderr, code };
}

async function validCapture(path: string) {
  assertValidHar(JSON.parse(await readFile(path, 'utf8')));
  return (await readCapture(path)).exchanges;
}

function expectOneClearError(r: Run, code: string, message: RegExp): void {
  expect(r.code).not.toBe(0);
  // stderr also carries progress (`streaming: ...`); the error itself is one line.
  const errors = r.stderr.filter((l) => l.startsWith('error ['));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(new RegExp(`^error \\[${code}\\]: `));
  expect(errors[0]).toMatch(message);
  expect(r.stderr.join('\n')).not.toMatch(/\n\s+at /);
}

describe('capture when things go wrong', () => {
  it('reports a stream reset mid-answer and keeps the events that arrived', async () => {
    sim.setFaults([{ name: 'reset-mid-stream', times: 1 }]);
    const r = await run({});
    expectOneClearError(r, 'E_UPSTREAM_PROTOCOL', /turn 1 failed/);
    const completion = (await validCapture(r.out)).find((e) => e.endpoint === 'chat.completions');
    expect(completion?.error?.code).toBe('ECONNRESET');
    expect(completion?.tags).toContain('stream-cut');
    expect(completion?.response?.sse?.length).toBeGreaterThan(0);
  });

  it('gives up on a stalled stream after --answer-timeout and saves it as cut', async () => {
    sim.setFaults([{ name: 'stall', times: 1 }]);
    const r = await run({ 'answer-timeout': 4_000 });
    expectOneClearError(r, 'E_TIMEOUT', /turn 1 timed out/);
    const completion = (await validCapture(r.out)).find((e) => e.endpoint === 'chat.completions');
    expect(completion?.tags).toEqual(expect.arrayContaining(['stream-cut', 'capture-stopped']));
    expect(completion?.response?.sse?.length).toBeGreaterThan(0);
  });

  it('explains a WAF page that came instead of the stream, and --redact keeps the token out of the file', async () => {
    sim.setFaults([{ name: 'waf-html', times: 1 }]);
    const r = await run({ redact: true });
    expectOneClearError(r, 'E_UPSTREAM_PROTOCOL', /WAF/i);
    const completion = (await validCapture(r.out)).find((e) => e.endpoint === 'chat.completions');
    expect(completion?.response?.body).toMatch(/<html/i);
    // --redact: shareable mode, and the session's token appears nowhere in the file.
    const token = (await readSessionFile(sessionPath)).token;
    expect(await readFile(r.out, 'utf8')).not.toContain(token);
    expect((await stat(r.out)).mode & 0o777).toBe(0o644);
  });

  it('says to log in again when the token expires between two turns', async () => {
    sim.setFaults([{ name: 'expired-token', after: 1, times: 1 }]);
    const r = await run({ prompt: ['First', 'Second'] });
    expectOneClearError(r, 'E_UPSTREAM_AUTH', /turn 2 failed/);
    expect(r.stderr.join('\n')).toMatch(/log in again/);
    const statuses = (await validCapture(r.out))
      .filter((e) => e.endpoint === 'chat.completions')
      .map((e) => e.response?.status);
    expect(statuses).toEqual([200, 401]);
  });

  it("refuses a wrong password with the page's reason and never echoes the password", async () => {
    sim.setFaults([]);
    const r = await run({ session: undefined, user: `${sim.demoUser.email}:not-the-password` });
    expectOneClearError(r, 'E_UPSTREAM_AUTH', /refused/);
    expect([...r.stdout, ...r.stderr].join('\n')).not.toContain('not-the-password');
    // The login failed before recording started: no empty capture is left behind.
    await expect(stat(r.out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names an unreachable target and leaves no capture, since recording never started', async () => {
    const r = await run({ target: 'http://127.0.0.1:9', session: undefined, user: 'a@b.test:pw' });
    expectOneClearError(r, 'E_UPSTREAM_UNREACHABLE', /cannot reach http:\/\/127\.0\.0\.1:9/);
    expect(r.stderr).toContain('no capture written: recording never started');
    await expect(stat(r.out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops with the selector it waited for when the page never shows the chat box', async () => {
    const path = join(dir, 'blank-session.json');
    await writeSessionFile(path, {
      version: 1,
      target: blankUrl,
      createdAt: new Date().toISOString(),
      token: 'a.b.c',
      cookies: {},
    });
    const r = await run({ target: blankUrl, session: path, timeout: 3_000 });
    // It names what it waited for: each era's composer of the chat.qwen.ai profile.
    expectOneClearError(r, 'E_BROWSER', /never became ready .*textarea\.message-input-textarea .*textarea#chat-input/);
    expect(await validCapture(r.out)).toEqual([]);
  });

  it('says how to install Chromium when there is none', async () => {
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = join(dir, 'no-such-chromium');
    try {
      const r = await run({});
      expectOneClearError(r, 'E_BROWSER', /no Chromium found/);
      expect(r.stderr).toContainEqual(expect.stringMatching(/^hint: .*apt-get install chromium/));
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});
