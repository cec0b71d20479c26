/**
 * `npm run bench -- capture`: what recording costs the page. Time-to-last-token (click on send to
 * the last change of the answer on screen, measured inside the page) on the same chat page with and
 * without the CDP recorder attached, alternating turns in one run, as a ratio.
 *
 * The simulator runs in its own process (as the real site is remote), so the recorder's work in
 * this process cannot slow the server down and show up as page delay that would not exist.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../src/capture/browser-launch.js';
import { loginWithBrowser } from '../src/capture/browser-login.js';
import { startBrowserRecorder } from '../src/capture/browser-recorder.js';
import { openChat } from '../src/capture/capture-chat.js';
import { siteEra } from '../src/capture/site-profiles.js';
import { median, percentile, type BenchResult } from './bench-result.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ROUNDS = 12;
const CHUNK_INTERVAL_MS = 10;
const PROMPT = 'Benchmark turn [[words=80]]';
/** The simulator's default page is the 2025 one: its era of the chat.qwen.ai site profile. */
const profile = siteEra('2025');
const DEMO = { email: 'demo@qwen-probe.test', password: 'demo-password' };

/** Starts `qwen-probe simulate` and resolves with its URL and a stop function. */
function startSimulatorProcess(): Promise<{ url: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'simulate', '--port', '0', '--chunk-interval', String(CHUNK_INTERVAL_MS)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.once('error', reject);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const url = /listening on (http:\/\/\S+)/.exec(d)?.[1];
      if (url) resolve({ url, stop: () => child.kill('SIGTERM') });
    });
  });
}

/** One turn; returns ms from the click to the last answer update, as the page's own clock saw it. */
async function timedTurn(page: Page): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __ttlt: { start: number; last: number } };
    w.__ttlt = { start: 0, last: 0 };
    document
      .getElementById('send-message-button')!
      .addEventListener('click', () => (w.__ttlt.start = performance.now()), { capture: true, once: true });
    new MutationObserver(() => (w.__ttlt.last = performance.now())).observe(document.getElementById('messages')!, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  const before = await page.locator(profile.selectors.assistantMessage).count();
  await page.locator(profile.selectors.chatInput).fill(PROMPT);
  await page.locator(profile.selectors.sendButton).click();
  await page
    .locator(profile.selectors.assistantMessage)
    .nth(before)
    .and(page.locator('[data-status="done"]'))
    .waitFor({ timeout: 60_000 });
  return page.evaluate(() => {
    const t = (window as unknown as { __ttlt: { start: number; last: number } }).__ttlt;
    return t.last - t.start;
  });
}

async function chatPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await openChat(page, url, profile);
  return page;
}

export default async function captureBench(): Promise<BenchResult> {
  const sim = await startSimulatorProcess();
  const { browser } = await launchBrowser();
  try {
    const login = await loginWithBrowser({ target: sim.url, browser, profile, account: DEMO });
    const state = await login.context.storageState();
    const plainContext = await browser.newContext({ storageState: state });
    const recordedContext = await browser.newContext({ storageState: state });
    const recorder = await startBrowserRecorder(recordedContext, { origin: sim.url });
    const plain = await chatPage(plainContext, sim.url);
    const recorded = await chatPage(recordedContext, sim.url);
    await timedTurn(plain); // warm-up: first-turn costs (chats/new, JIT) are not the recorder's
    await timedTurn(recorded);
    const without: number[] = [];
    const withRecorder: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternating, and in ABBA order, so drift in machine load and whatever the previous turn
      // leaves behind (GC, the simulator finishing up) hit both arms alike.
      if (i % 2 === 0) {
        without.push(await timedTurn(plain));
        withRecorder.push(await timedTurn(recorded));
      } else {
        withRecorder.push(await timedTurn(recorded));
        without.push(await timedTurn(plain));
      }
    }
    const exchanges = await recorder.stop();
    const events = exchanges.filter((e) => e.endpoint === 'chat.completions').map((e) => e.response?.sse?.length ?? 0);
    const ratio = median(withRecorder) / median(without);
    return {
      name: 'capture',
      figures: [
        {
          label: 'time-to-last-token, recorded / not recorded (median)',
          value: ratio,
          unit: 'x',
          goal: '<= 1.10x',
          met: ratio <= 1.1,
        },
        {
          label: 'time-to-last-token, recorded / not recorded (p90)',
          value: percentile(withRecorder, 90) / percentile(without, 90),
          unit: 'x',
        },
        { label: 'time-to-last-token without recording (median, context)', value: median(without), unit: 'ms' },
        { label: 'time-to-last-token with recording (median, context)', value: median(withRecorder), unit: 'ms' },
      ],
      notes: [
        `${ROUNDS} turns per arm (ABBA order) after one warm-up each; ${median(events)} events per answer, ` +
          `${CHUNK_INTERVAL_MS} ms apart; every recorded stream captured live`,
      ],
    };
  } finally {
    await browser.close();
    sim.stop();
  }
}
