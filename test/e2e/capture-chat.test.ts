/**
 * The recorder as a library, end to end: Debian's Chromium logs in to the simulator's 2026 page
 * (port 0) with the demo account, chats through the `chat.qwen.ai` site profile (the era decided by
 * the page), and the capture is checked for what the issues ask of it. One browser and one
 * logged-in page for the whole file; the tests run in order on the same chat.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange/exchange.js';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { judgeQwenResponse } from '../../src/upstream/stream-reader.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { launchBrowser } from '../../src/capture/browser-launch.js';
import { loginWithBrowser } from '../../src/capture/browser-login.js';
import { startBrowserRecorder, type BrowserRecorder } from '../../src/capture/browser-recorder.js';
import { captureChat } from '../../src/capture/capture-chat.js';
import { loadSiteProfile, siteEra, type SiteProfiles } from '../../src/capture/site-profiles.js';
import { PROFILES } from '../../src/simulator/profiles/index.js';
import { PAGE_2026_SELECTORS as P } from '../../src/simulator/web/web-page-2026.js';
import { assertValidHar } from '../support/har-validator.js';

const CHUNK_INTERVAL_MS = 40;
/** A model the page lists by another name (Qwen3-VL-235B-A22B): picked by id through that name. */
const THINKING_MODEL = 'qwen3-vl-plus';
/** June 2026's rules (browser headers, the ssxmod cookie), served with the 2026 page. */
const PAGE_2026 = { ...PROFILES['qwen-2026-06']!, name: 'qwen-2026-06+page-2026', page: '2026' as const };
let profile: SiteProfiles;
const dir = mkdtempSync(join(tmpdir(), 'qp-capture-chat-'));

let sim: RunningSimulator;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let recorder: BrowserRecorder;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: CHUNK_INTERVAL_MS, profile: PAGE_2026 });
  profile = await loadSiteProfile(sim.url);
  ({ browser } = await launchBrowser());
  ({ context, page } = await loginWithBrowser({ target: sim.url, browser, profile, account: sim.demoUser }));
  recorder = await startBrowserRecorder(context, { origin: sim.url });
});

afterAll(async () => {
  await recorder?.stop();
  await browser?.close();
  await sim?.close();
});

const completions = () => recorder.exchanges.filter((e) => e.endpoint === 'chat.completions');
const thinkingFlag = (ex: Exchange) =>
  (JSON.parse(ex.request.body ?? '{}') as { messages: { feature_config: { thinking_enabled: boolean } }[] }).messages[0]
    ?.feature_config.thinking_enabled;
const sent = (ex: Exchange) =>
  JSON.parse(ex.request.body ?? '{}') as {
    model: string;
    messages: { content: string; feature_config: { thinking_mode: string } }[];
  };

describe('capture of a chat driven through the page', () => {
  it('sends a three-line prompt as one message, with a model and the thinking mode picked in the dropdowns', async () => {
    const prompt = 'First line\nSecond line\nThird line';
    const [turn] = await captureChat({
      page,
      target: sim.url,
      profile,
      recorder,
      prompts: [prompt],
      model: THINKING_MODEL,
      thinking: 'auto',
    });
    expect(turn?.outcome).toBe('answered');
    const [completion] = completions();
    expect(sent(completion!).messages[0]?.content).toBe(prompt);
    expect(sent(completion!).model).toBe(THINKING_MODEL);
    expect(sent(completion!).messages[0]?.feature_config.thinking_mode).toBe('Auto');
    // One message on the page, holding all three lines; the dropdowns show what was picked.
    expect(await page.locator(P.userMessage).allInnerTexts()).toEqual([prompt]);
    expect(await page.locator(P.modelTrigger).innerText()).toBe('Qwen3-VL-235B-A22B');
    expect(await page.locator(P.thinkingValue).innerText()).toBe('Auto');
  });

  it('records two turns, without and with thinking, each answered and classified', async () => {
    const first = await captureChat({
      page,
      target: sim.url,
      profile,
      recorder,
      prompts: ['Hello there'],
      model: THINKING_MODEL,
      thinking: false,
    });
    const second = await captureChat({
      page,
      target: sim.url,
      profile,
      recorder,
      prompts: ['Now think it over'],
      thinking: true,
      navigate: false,
    });
    expect([...first, ...second].map((t) => t.outcome)).toEqual(['answered', 'answered']);
    const [plain, thought] = completions().slice(-2);
    expect([thinkingFlag(plain!), thinkingFlag(thought!)]).toEqual([false, true]);
    expect(judgeQwenResponse(plain!.response).reasoning).toBe('');
    expect(judgeQwenResponse(thought!.response).reasoning).not.toBe('');
    expect(recorder.exchanges.map((e) => e.endpoint)).toEqual(
      expect.arrayContaining(['auths.me', 'models', 'chats.new', 'chat.completions']),
    );
  });

  it('keeps the request as the browser sent it: cookies, authorization and the body', () => {
    const ex = completions()[0]!;
    const names = ex.request.headers.map((h) => h.name.toLowerCase());
    expect(ex.request.headers.find((h) => h.name.toLowerCase() === 'referer')?.value).not.toMatch(/\/c\/guest/);
    expect(names).toEqual(
      expect.arrayContaining(['cookie', 'authorization', 'host', 'user-agent', 'sec-fetch-mode', 'content-type']),
    );
    expect(ex.request.headers.find((h) => h.name.toLowerCase() === 'cookie')?.value).toMatch(/ssxmod_itna=/);
    expect(ex.request.url).toMatch(/\/api\/v2\/chat\/completions\?chat_id=/);
    expect(JSON.parse(ex.request.body ?? 'null')).toMatchObject({ stream: true });
  });

  it("times every event in arrival order, spread by the simulator's chunk interval", () => {
    for (const ex of completions()) {
      const times = ex.response?.sse?.map((e) => e.t) ?? [];
      expect(times.length).toBeGreaterThan(5);
      // Two events may arrive in one network read and share a millisecond: order, not a gap, is the rule.
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
      // The simulator cannot send faster than its interval, so this lower bound holds under any load.
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((times.length - 1) * CHUNK_INTERVAL_MS * 0.5);
      const chunkTimes = ex.response?.chunks?.map((c) => c.t) ?? [];
      expect(chunkTimes).toEqual([...chunkTimes].sort((a, b) => a - b));
    }
  });

  it('waits for an answer on the command signal without leaving abort listeners behind', async () => {
    // Each poll of the answer loop sleeps on the signal; listeners left behind once tripped Node's
    // MaxListenersExceededWarning in the middle of a capture.
    const stop = new AbortController();
    const turns = await captureChat({
      page,
      target: sim.url,
      profile,
      recorder,
      prompts: ['Tell a long one [[words=120]]'],
      navigate: false,
      signal: stop.signal,
    });
    expect(turns[0]?.outcome).toBe('answered');
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('lets the page render the answer while the stream is still arriving', async () => {
    const before = completions().length;
    const turn = captureChat({
      page,
      target: sim.url,
      profile,
      recorder,
      prompts: ['Tell a long one [[words=150]]'],
      navigate: false,
    });
    // The 2026 page marks a message still arriving by its stop button, in the send button's place.
    await page.waitForFunction(
      (sel) => {
        const last = [...document.querySelectorAll(sel.message)].at(-1);
        return document.querySelector(sel.stop) !== null && (last?.querySelector(sel.answer)?.textContent ?? '') !== '';
      },
      { message: P.assistantMessage, stop: P.stopButton, answer: P.answer },
      { polling: 'raf', timeout: 60_000 },
    );
    // Answer text on screen, and the recorder has not seen the stream end: nothing waited for it.
    expect(completions().length).toBe(before);
    expect(recorder.openCount).toBeGreaterThan(0);
    expect((await turn)[0]?.outcome).toBe('answered');
  });

  it('writes valid HAR 1.2 that reads back with every exchange and its events', async () => {
    const path = join(dir, 'chat.har');
    const writer = await openCaptureWriter(path, { source: 'browser' });
    for (const ex of recorder.exchanges) await writer.append(ex);
    await writer.close();
    assertValidHar(JSON.parse(await readFile(path, 'utf8')));
    const back = await readCapture(path);
    expect(back.exchanges).toHaveLength(recorder.exchanges.length);
    expect(back.exchanges.find((e) => e.endpoint === 'chat.completions')?.response?.sse?.length).toBe(
      completions()[0]?.response?.sse?.length,
    );
  });

  it("replays into a page through Playwright's routeFromHAR", async () => {
    const path = join(dir, 'chat.har');
    const replay = await browser.newContext({ storageState: await context.storageState() });
    try {
      // Every API call must come from the HAR: a miss aborts instead of reaching the simulator.
      await replay.routeFromHAR(path, { url: '**/api/**', notFound: 'abort' });
      const replayPage = await replay.newPage();
      await replayPage.goto(sim.url, { waitUntil: 'domcontentloaded' });
      await replayPage.locator(siteEra('2026').selectors.chatReady).waitFor({ state: 'attached', timeout: 30_000 });
      const recorded = completions()[0]!;
      const body = await replayPage.evaluate(
        async (req) => {
          const res = await fetch(req.url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: req.body,
          });
          return res.text();
        },
        { url: recorded.request.url, body: recorded.request.body ?? '' },
      );
      expect(body).toBe(recorded.response?.body);
    } finally {
      await replay.close();
    }
  });
});
