/**
 * The headed modes, `login --headed` and `capture --interactive`: Chromium shows a window (under
 * Xvfb) that a person drives. The test plays the person through the DevTools endpoint the command
 * prints (`--cdp-port 0`): it types and clicks in the same browser, then closes the window.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { judgeQwenResponse } from '../../src/upstream/stream-reader.js';
import { readSessionFile } from '../../src/client/session-file.js';
import { PAGE_SELECTORS, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { startCli } from './capture-process.js';
import { writeDemoSession } from '../support/demo-session.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-capture-interactive-'));
let sim: RunningSimulator;
let session: string;
let xvfb: ChildProcess;
let display: string;

/** Starts Xvfb on a free display (it prints the number it took on fd 3 once it is ready). */
function startXvfb(): Promise<{ child: ChildProcess; display: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    child.once('error', (error) => reject(new Error(`Xvfb did not start (apt-get install -y xvfb): ${error.message}`)));
    (child.stdio[3] as NodeJS.ReadableStream).once('data', (d: Buffer) =>
      resolve({ child, display: `:${d.toString().trim()}` }),
    );
  });
}

beforeAll(async () => {
  ({ child: xvfb, display } = await startXvfb());
  sim = await startSimulator({ port: 0, chunkIntervalMs: 20 });
  session = await writeDemoSession(sim, dir);
});

afterAll(async () => {
  await sim?.close();
  xvfb?.kill('SIGTERM');
});

describe('login --headed', () => {
  it('waits while a person logs in by hand, then saves the session', async () => {
    const path = join(dir, 'by-hand.json');
    const cli = startCli(['login', '--target', sim.url, '--headed', '--cdp-port', '0', '--session', path], {
      DISPLAY: display,
    });
    const endpoint = (await cli.waitForLine(/^out: cdp endpoint: /)).replace(/^out: cdp endpoint: /, '');
    await cli.waitForLine(/^err: log in in the browser window/);
    const person = await chromium.connectOverCDP(endpoint);
    try {
      const page = person
        .contexts()
        .flatMap((c) => c.pages())
        .find((p) => p.url().startsWith(sim.url))!;
      await page.locator(PAGE_SELECTORS.loginEmail).fill(sim.demoUser.email);
      await page.locator(PAGE_SELECTORS.loginPassword).fill(sim.demoUser.password);
      await page.locator(PAGE_SELECTORS.loginSubmit).click();
      expect((await cli.exited).code).toBe(0);
    } finally {
      await person.close().catch(() => undefined);
    }
    expect((await readSessionFile(path)).user?.email).toBe(sim.demoUser.email);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

describe('capture --interactive', () => {
  it('records what a person does in the headed browser and stops when they close it', async () => {
    const out = join(dir, 'interactive.har');
    const cli = startCli(
      ['capture', '--target', sim.url, '--session', session, '--interactive', '--cdp-port', '0', '--out', out],
      { DISPLAY: display },
    );
    const endpoint = (await cli.waitForLine(/^out: cdp endpoint: /)).replace(/^out: cdp endpoint: /, '');
    await cli.waitForLine(/^out: recording: drive the browser/);
    let person: Browser | undefined;
    try {
      person = await chromium.connectOverCDP(endpoint);
      const page = person
        .contexts()
        .flatMap((c) => c.pages())
        .find((p) => p.url().startsWith(sim.url));
      expect(page).toBeDefined();
      await page!.locator(PAGE_SELECTORS.chatReady).waitFor({ state: 'attached' });
      expect(await page!.evaluate(() => navigator.userAgent)).not.toContain('Headless');
      await page!.locator(PAGE_SELECTORS.chatInput).pressSequentially('Hello from a person');
      await page!.locator(PAGE_SELECTORS.sendButton).click();
      await page!.locator(`${PAGE_SELECTORS.assistantMessage}[data-status="done"]`).waitFor({ timeout: 60_000 });
      await cli.waitForLine(/^out: POST \/api\/v2\/chat\/completions 200/);
      await page!.close(); // the person closes the window
    } finally {
      await person?.close().catch(() => undefined);
    }
    const { code } = await cli.exited;
    expect(code).toBe(0);
    const completion = (await readCapture(out)).exchanges.find((e) => e.endpoint === 'chat.completions');
    expect(JSON.parse(completion?.request.body ?? '{}')).toMatchObject({
      messages: [{ content: 'Hello from a person' }],
    });
    expect(judgeQwenResponse(completion?.response).ok).toBe(true);
  });
});
