/**
 * The traps of the 2026 page, end to end against the simulator's 2026 page: a signed-out or expired
 * session fails before any prompt is sent, the firewall's captcha is named, a prompt over the
 * composer's limit is refused, `--check-page` reports every selector of each era's page (and exit 3
 * with the nearest candidates when a class is renamed), and a recorded login keeps no secret in a
 * capture or a report. One Chromium for the file (the CLI's exit code aside), the simulators
 * started once.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/common/index.js';
import { isProbeError, type ProbeError } from '../../src/exchange/errors.js';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { diffCaptures } from '../../src/diff/index.js';
import { renderDiff, REPORT_FORMATS } from '../../src/report/index.js';
import { expectedAnswer, QWEN_2026_09, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { closeQuietly, launchBrowser } from '../../src/capture/browser-launch.js';
import { contextForSession, loginWithBrowser } from '../../src/capture/browser-login.js';
import { startBrowserRecorder } from '../../src/capture/browser-recorder.js';
import { captureChat, openChat } from '../../src/capture/capture-chat.js';
import { checkPage } from '../../src/capture/check-page.js';
import { loadSiteProfile, type SiteProfiles } from '../../src/capture/site-profiles.js';
import { capture, type CaptureArgs } from '../../src/cli/capture.js';
import { formatPageCheck } from '../../src/cli/capture-check-page.js';
import { turnLine } from '../../src/cli/capture-support.js';

/** The era whose page is the 2026 page; dual answers only when a test asks for them. */
const PAGE_2026 = { ...QWEN_2026_09, dualResponses: { rate: 0, seed: 1 } };
const dir = mkdtempSync(join(tmpdir(), 'qp-page-2026-'));
let sim: RunningSimulator;
let sim2025: RunningSimulator;
let browser: Browser;
let profiles: SiteProfiles;
/** A logged-in context on the 2026 page, shared by the tests that need one. */
let signedIn: BrowserContext;

beforeAll(async () => {
  [sim, sim2025] = await Promise.all([
    startSimulator({ port: 0, chunkIntervalMs: 10, profile: PAGE_2026 }),
    startSimulator({ port: 0, chunkIntervalMs: 10 }),
  ]);
  profiles = await loadSiteProfile(sim.url);
  ({ browser } = await launchBrowser());
  ({ context: signedIn } = await loginWithBrowser({
    target: sim.url,
    browser,
    profile: profiles,
    account: sim.demoUser,
  }));
});

afterAll(async () => {
  await closeQuietly(browser);
  await Promise.all([sim?.close(), sim2025?.close()]);
});

/** The error a promise rejects with (the test fails if it resolves). */
async function rejection(work: Promise<unknown>): Promise<ProbeError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isProbeError(error)).toBe(true);
  return error as ProbeError;
}

const requestsOf = async (s: RunningSimulator, endpoint: string): Promise<number> => {
  const state = (await (await fetch(`${s.url}/__simulator/state`)).json()) as {
    requests: Record<string, number>;
  };
  return state.requests[endpoint] ?? 0;
};

describe('a page that will not answer fails before any prompt is sent', () => {
  it('a browser without a session: the guest chat and its welcome modal are E_UPSTREAM_AUTH', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const error = await rejection(openChat(page, sim.url, profiles, { timeoutMs: 120_000 }));
      expect(error.code).toBe('E_UPSTREAM_AUTH');
      expect(error.message).toMatch(/signed out .*\/c\/guest.*Welcome to Qwen.*holds no session/);
      expect(page.url()).toMatch(/\/c\/guest$/);
    } finally {
      await context.close();
    }
  });

  it('an expired token still in localStorage: judged by GET /api/v1/auths/ and /c/guest, not the header', async () => {
    const warnings: string[] = [];
    const context = await contextForSession(
      browser,
      { version: 1, target: sim.url, createdAt: new Date().toISOString(), token: 'eyJ0.eyJ0.c2ln', cookies: {} },
      profiles,
      { onWarning: (line) => warnings.push(line) },
    );
    try {
      const page = await context.newPage();
      const recorder = await startBrowserRecorder(context, { origin: sim.url });
      const chatsBefore = await requestsOf(sim, 'chats.new');
      const error = await rejection(
        captureChat({
          page,
          target: sim.url,
          profile: profiles,
          recorder,
          prompts: ['Hello'],
          readyTimeoutMs: 120_000,
        }),
      );
      await recorder.stop();
      expect(error.code).toBe('E_UPSTREAM_AUTH');
      expect(error.message).toMatch(/GET \/api\/v1\/auths\/ answered 401/);
      expect(error.message).toMatch(/token, still in localStorage, has expired or was refused/);
      expect(await page.evaluate(() => localStorage.getItem('token'))).toBe('eyJ0.eyJ0.c2ln');
      // Nothing was sent: no chat created, no prompt in the page.
      expect(await requestsOf(sim, 'chats.new')).toBe(chatsBefore);
      expect(recorder.exchanges.map((e) => e.endpoint)).not.toContain('chat.completions');
      // The thin session was said out loud, naming what it lacks.
      expect(warnings).toEqual([expect.stringMatching(/only a token.*cna, ssxmod_itna, tfstk, isg, acw_tc/)]);
    } finally {
      await context.close();
    }
  });

  it("stops at the firewall's captcha page, naming it, with --headed as the way out", async () => {
    sim.setFaults([{ name: 'captcha-page', times: 1 }]);
    const page = await signedIn.newPage();
    try {
      const error = await rejection(openChat(page, sim.url, profiles));
      expect(error.code).toBe('E_UPSTREAM_AUTH');
      expect(error.message).toMatch(/firewall shows its captcha \(action=captcha\).*"Verification" page.*punish/);
      expect(error.hint).toMatch(/--headed/);
    } finally {
      sim.setFaults([]);
      await page.close();
    }
  });

  it("refuses a prompt over the composer's maxlength, naming the limit, before anything is sent", async () => {
    const page = await signedIn.newPage();
    const recorder = await startBrowserRecorder(page, { origin: sim.url });
    try {
      const error = await rejection(
        captureChat({ page, target: sim.url, profile: profiles, recorder, prompts: ['Short one', 'x'.repeat(10_001)] }),
      );
      expect(error.code).toBe('E_USAGE');
      expect(error.message).toMatch(/prompt 2 has 10001 characters; the page's composer takes at most 10000/);
      expect(recorder.exchanges.map((e) => e.endpoint)).not.toContain('chats.new');
    } finally {
      await recorder.stop();
      await page.close();
    }
  });
});

describe('capture --check-page', () => {
  it("matches every required selector on the 2026 page, the send button and the menus' rows included", async () => {
    const result = await checkPage({ browser, context: signedIn, target: sim.url, profiles });
    expect(result.profile.era).toBe('2026');
    expect(result.missing).toEqual([]);
    const matched = new Map(result.checks.filter((c) => c.status === 'matched').map((c) => [c.key, c.count]));
    for (const key of ['chatInput', 'chatReady', 'sendButton', 'modelSelect', 'thinkingToggle', 'loginEmail'])
      expect(matched.get(key as never), key).toBe(1);
    expect(matched.get('modelOption')).toBe(PAGE_2026.models.length);
    expect(matched.get('thinkingOption')).toBe(3);
  });

  it('matches every required selector on the 2025 page too, and tells the era from the page', async () => {
    const { context } = await loginWithBrowser({
      target: sim2025.url,
      browser,
      profile: profiles,
      account: sim2025.demoUser,
    });
    try {
      const result = await checkPage({ browser, context, target: sim2025.url, profiles });
      expect(result.profile.era).toBe('2025');
      expect(result.missing).toEqual([]);
      expect(result.checks.filter((c) => c.required && c.status !== 'matched')).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('names the nearest candidates when a redesign renamed the composer', async () => {
    sim.setFaults([{ name: 'renamed-composer' }]);
    try {
      const result = await checkPage({ browser, context: signedIn, target: sim.url, profiles });
      expect(result.missing.map((c) => c.key)).toEqual(['chatInput', 'chatReady']);
      const nearest = result.missing[0]!.candidates.map((c) => c.css);
      expect(nearest).toEqual(['textarea.ime-text-area', 'textarea.chat-input-textarea']);
      const lines = formatPageCheck(result, sim.url);
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}MISSING +chatInput +0 {2}textarea\.message-input-textarea$/),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/nearest: textarea\.ime-text-area \(1\), textarea\.chat-input-textarea \(1\)/),
      );
      expect(lines.at(-1)).toMatch(/2 required selectors match nothing: chatInput, chatReady \(exit 3\)/);
    } finally {
      sim.setFaults([]);
    }
  });

  it('exits 3 from the command line on that page', async () => {
    sim.setFaults([{ name: 'renamed-composer' }]);
    const out: string[] = [];
    try {
      const args: CaptureArgs = {
        target: sim.url,
        user: `${sim.demoUser.email}:${sim.demoUser.password}`,
        headed: false,
        interactive: false,
        redact: false,
        timeout: 30_000,
        'answer-timeout': 60_000,
        'login-timeout': 5_000,
        'check-page': true,
      };
      const code = await capture(args, { out: (l) => out.push(l), err: (l) => out.push(l) });
      expect(code).toBe(3);
      expect(out.join('\n')).toMatch(/MISSING +chatInput/);
    } finally {
      sim.setFaults([]);
    }
  });
});

describe('two answers side by side', () => {
  it('records both, and the turn line says so', async () => {
    sim.setFaults([{ name: 'dual-response', times: 1 }]);
    const page = await signedIn.newPage();
    const recorder = await startBrowserRecorder(page, { origin: sim.url });
    try {
      const [turn] = await captureChat({ page, target: sim.url, profile: profiles, recorder, prompts: ['Pick one'] });
      expect(turn?.outcome).toBe('answered');
      const answer = expectedAnswer('Pick one').answer;
      expect(turn?.answers).toEqual([answer, answer]);
      expect(turn?.answer).toBe(answer);
      expect(turnLine(turn!, 1)).toMatch(/the page showed 2 answers side by side, all recorded: "You said/);
      // The completion exchange holds both streams.
      const created = turn?.exchange?.response?.sse?.filter((e) => e.data.includes('response.created')) ?? [];
      expect(created).toHaveLength(2);
    } finally {
      sim.setFaults([]);
      await recorder.stop();
      await page.close();
    }
  });
});

describe('a recorded login', () => {
  it('keeps no password hash, token or refresh token in a capture that keeps secrets, nor in any report', async () => {
    const context = await browser.newContext();
    const exchanges: Exchange[] = [];
    const recorder = await startBrowserRecorder(context, { origin: sim.url, onExchange: (e) => exchanges.push(e) });
    const { session } = await loginWithBrowser({
      target: sim.url,
      browser,
      profile: profiles,
      account: sim.demoUser,
      context,
    });
    await recorder.stop();
    await context.close();
    const path = join(dir, 'login.har');
    const writer = await openCaptureWriter(path, { source: 'browser', redacted: false });
    for (const ex of exchanges) await writer.append(ex);
    await writer.close();
    const refresh = session.storageState?.cookies.find((c) => c.name === 'refresh_token')?.value;
    expect(refresh).toBeDefined(); // the 2026 page signs in with /api/v2/auths/signin
    const secrets = [sha256Hex(sim.demoUser.password), session.token, refresh!];
    const entries = (JSON.parse(await readFile(path, 'utf8')) as { log: { entries: { request: { url: string } }[] } })
      .log.entries;
    const signinEntry = entries.filter((e) => new URL(e.request.url).pathname === '/api/v2/auths/signin');
    expect(signinEntry).toHaveLength(1);
    for (const secret of secrets) expect(JSON.stringify(signinEntry)).not.toContain(secret);
    const good = (await readCapture(path)).exchanges;
    const signin = good.find((e) => /\/auths\/signin$/.test(new URL(e.request.url).pathname))!;
    expect(signin.tags).toEqual(expect.arrayContaining(['redacted:body', 'redacted:set-cookie']));
    // The rest of a capture that keeps secrets keeps them (the page's later requests carry the token).
    expect(good.some((e) => JSON.stringify(e.request.headers).includes(session.token))).toBe(true);
    // A report that shows the sign-in pair, in every format.
    const body = (signin.request.body ?? '').replace(/"email":"[^"]*"/, '"email":"x@y.test"');
    const bad = good.map((e) => (e === signin ? { ...e, request: { ...e.request, body } } : e));
    for (const format of REPORT_FORMATS) {
      const report = renderDiff(diffCaptures(good, bad), format);
      for (const secret of secrets) expect(report).not.toContain(secret);
    }
  });
});
