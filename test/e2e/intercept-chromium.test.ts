/**
 * Chromium through `intercept` (`--proxy-server` and the CA's SPKI hash, no certificate store), with
 * chat.qwen.ai mapped to the simulator's web page; then a library speaking the `web` shape through
 * the same proxy, and the two captures compared with `diffCaptures`.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeQuietly, launchBrowser } from '../../src/capture/browser-launch.js';
import { startIntercept } from '../../src/capture/intercept/intercept-proxy.js';
import type { CaMaterial } from '../../src/capture/intercept/ca-store.js';
import { signinRequest } from '../../src/client/credentials.js';
import { runShapeTurn, shapeSender } from '../../src/client/run-shape.js';
import { diffCaptures } from '../../src/diff/index.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { sendRequest } from '../../src/net/index.js';
import { PAGE_SELECTORS, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { SHAPES, systemIdClock } from '../../src/upstream/shapes.js';
import { proxyAgent, sharedTestCa } from '../capture/intercept-support.js';

const INTERVAL_MS = 40;
const PROMPT = 'Tell me a short story, please.';
/** Fields a proxy could leak into a capture (HTTP/2 pseudo-headers, hop-by-hop headers): never a finding. */
const TRANSPORT_FIELDS = [
  ':method',
  ':path',
  ':authority',
  ':scheme',
  'host',
  'connection',
  'content-length',
  'keep-alive',
];
let sim: RunningSimulator;
let ca: CaMaterial;
let dir: string;
let browser: Browser | undefined;

beforeAll(async () => {
  ca = await sharedTestCa();
  dir = await mkdtemp(join(tmpdir(), 'qp-e2e-intercept-chromium-'));
  sim = await startSimulator({ port: 0, chunkIntervalMs: INTERVAL_MS });
});
afterAll(async () => {
  await closeQuietly(browser);
  await sim?.close();
});

/** Logs in on the simulator's page at https://chat.qwen.ai through the proxy and sends one prompt. */
async function chatInChromium(proxyUrl: string): Promise<{ firstDeltaAt: number; doneAt: number }> {
  ({ browser } = await launchBrowser({
    extraArgs: [
      `--proxy-server=${proxyUrl}`,
      `--ignore-certificate-errors-spki-list=${ca.spki}`,
      '--proxy-bypass-list=<-loopback>',
    ],
  }));
  const page = await browser.newPage();
  await page.goto('https://chat.qwen.ai/');
  await page.fill(PAGE_SELECTORS.loginEmail, sim.demoUser.email);
  await page.fill(PAGE_SELECTORS.loginPassword, sim.demoUser.password);
  await page.click(PAGE_SELECTORS.loginSubmit);
  await page.waitForSelector(PAGE_SELECTORS.chatReady);
  await page.fill(PAGE_SELECTORS.chatInput, PROMPT);
  await page.click(PAGE_SELECTORS.sendButton);
  // The answer grows on the page while the stream is still open: the browser is fed event by event.
  const answer = `${PAGE_SELECTORS.assistantMessage} ${PAGE_SELECTORS.answer}`;
  await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').length > 0, answer);
  const firstDeltaAt = Date.now();
  await page.waitForSelector(`${PAGE_SELECTORS.assistantMessage}[data-status="done"]`, { timeout: 60_000 });
  const doneAt = Date.now();
  await closeQuietly(browser);
  browser = undefined;
  return { firstDeltaAt, doneAt };
}

/** The library side: sign in and run one turn of the `web` shape through a proxy. */
async function chatFromLibrary(proxyUrl: string): Promise<void> {
  const dispatcher = proxyAgent(proxyUrl, ca.cert);
  const signin = await sendRequest(signinRequest('https://chat.qwen.ai', sim.demoUser.email, sim.demoUser.password), {
    source: 'library',
    dispatcher,
  });
  const token = (JSON.parse(signin.response!.body!) as { token: string }).token;
  const turn = await runShapeTurn(
    SHAPES.web,
    { baseUrl: 'https://chat.qwen.ai', token, idClock: systemIdClock, prompt: PROMPT },
    {},
    { send: shapeSender({ dispatcher }) },
  );
  expect(turn.result.ok).toBe(true);
  await dispatcher.close();
}

async function captureWith(name: string, drive: (proxyUrl: string) => Promise<unknown>): Promise<Exchange[]> {
  const proxy = await startIntercept({ port: 0, ca, map: [`chat.qwen.ai=${sim.url}`], out: join(dir, `${name}.har`) });
  try {
    await drive(proxy.url);
  } finally {
    await proxy.close();
  }
  return (await readCapture(proxy.capturePath!)).exchanges;
}

describe('intercept with Chromium', () => {
  let browserCapture: Exchange[];

  it('captures the web page through --proxy-server and the SPKI flag, the answer streaming in', async () => {
    let timing = { firstDeltaAt: 0, doneAt: 0 };
    browserCapture = await captureWith('browser', async (url) => (timing = await chatInChromium(url)));
    expect(timing.doneAt - timing.firstDeltaAt).toBeGreaterThan(INTERVAL_MS);
    const endpoints = browserCapture.map((e) => e.endpoint).filter(Boolean);
    expect(endpoints).toEqual(expect.arrayContaining(['auths.signin', 'chats.new', 'chat.completions']));
    const completion = browserCapture.find((e) => e.endpoint === 'chat.completions')!;
    expect(completion.request.url).toMatch(/^https:\/\/chat\.qwen\.ai\//);
    const times = completion.response!.sse!.map((e) => e.t);
    expect(times.length).toBeGreaterThan(3);
    expect(times.at(-1)! - times[0]!).toBeGreaterThan((times.length - 1) * INTERVAL_MS * 0.5);
    // Nothing the browser does in the background reaches the capture: only the mapped host is recorded.
    expect(browserCapture.every((e) => e.request.url.startsWith('https://chat.qwen.ai/'))).toBe(true);
  });

  // "Cleanly": the two captures pair up, every volatile value is recognised as such, the bodies agree,
  // and nothing the proxy or the HTTP version adds shows up. What remains are the headers and cookies a
  // real browser adds on its own (fetch metadata, its user agent, the WAF cookies the page sets).
  it('diffs the library capture cleanly against the browser capture', async () => {
    const libraryCapture = await captureWith('library', chatFromLibrary);
    for (const endpoint of ['chats.new', 'chat.completions']) {
      const result = diffCaptures(browserCapture, libraryCapture, { endpoint });
      expect(result.summary.pairs, endpoint).toBe(1);
      expect(result.pairs[0]!.good.response.ok && result.pairs[0]!.bad.response.ok, endpoint).toBe(true);
      const real = result.pairs[0]!.findings.filter((f) => !f.volatile);
      expect(
        real.filter((f) => ['body', 'query', 'method', 'path', 'url'].includes(f.location)).map((f) => f.explanation),
        endpoint,
      ).toEqual([]);
      expect(
        real.filter((f) => TRANSPORT_FIELDS.includes(f.path.toLowerCase())).map((f) => f.explanation),
        endpoint,
      ).toEqual([]);
    }
  });
});
