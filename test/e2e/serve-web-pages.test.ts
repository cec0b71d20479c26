/**
 * `serve` against web pages, in a real Chromium: a page from another loopback origin
 * (http://127.0.0.2) tries every way a page has to reach http://127.0.0.1 (a no-cors text/plain
 * fetch, a CORS JSON fetch, a form post, a beacon) and spends no completion; a DNS-rebinding name
 * (Chromium told that rebind.test is 127.0.0.1) is refused by its Host; an origin allowed with
 * --cors-origin gets proper CORS answers; and the openai SDK keeps working unchanged.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/client/credentials.js';
import { startProxyServer, type ProxyServer } from '../../src/proxy/index.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { launchChromium } from '../support/chromium.js';

let sim: RunningSimulator;
let guarded: ProxyServer;
let open: ProxyServer;
let pages: Server;
let browser: Browser;
let pageOrigin = '';
const accessLog: string[] = [];

/** The attacker's page: every way it has to make the browser POST a completion to `target`. */
function attackPage(target: string): string {
  const body = JSON.stringify({ model: 'qwen3-max', messages: [{ role: 'user', content: 'spend my quota' }] });
  return `<!doctype html><meta charset="utf-8"><body>
<form id="f" method="POST" action="${target}/v1/chat/completions" enctype="text/plain" target="sink">
  <input name='${body.slice(0, -2)}' value='"}]}'>
</form>
<iframe name="sink"></iframe>
<script>
window.results = [];
const url = ${JSON.stringify(`${target}/v1/chat/completions`)};
const body = ${JSON.stringify(body)};
const tries = [
  () => fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body }),
  () => fetch(url, { method: 'POST', mode: 'no-cors', body }),
  () => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }),
  () => fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body }),
];
(async () => {
  for (const t of tries) {
    try { const r = await t(); window.results.push(r.type + ':' + r.status); } catch (e) { window.results.push('error'); }
  }
  navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' }));
  document.getElementById('f').submit();
  window.done = true;
})();
</script></body>`;
}

function completions(): number {
  return sim.state.requests['chat.completions'] ?? 0;
}

/** A raw request with the given Host header (what a rebinding page's requests carry). */
function withHost(url: string, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 2 });
  const user = `${sim.demoUser.email}:${sim.demoUser.password}`;
  const credentials = await resolveCredentials({ target: sim.url, user });
  const sessions = [{ label: 'demo', credentials }];
  guarded = await startProxyServer({ target: sim.url, port: 0, sessions, accessLog: (l) => accessLog.push(l) });
  pages = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(attackPage(req.url === '/allowed' ? open.url : guarded.url));
  });
  await new Promise<void>((done) => pages.listen(0, '127.0.0.2', done));
  pageOrigin = `http://127.0.0.2:${(pages.address() as AddressInfo).port}`;
  open = await startProxyServer({ target: sim.url, port: 0, sessions, allowedOrigins: [pageOrigin] });
  const servePort = new URL(guarded.url).port;
  browser = await launchChromium({ args: [`--host-resolver-rules=MAP rebind.test 127.0.0.1`] });
  expect(servePort).not.toBe('');
});

afterAll(async () => {
  await browser?.close();
  await guarded?.close();
  await open?.close();
  await new Promise<void>((done) => (pages ? pages.close(() => done()) : done()));
  await sim?.close();
});

describe('serve and web pages', () => {
  it('lets a page on another origin spend no completion, whatever it tries', async () => {
    const before = completions();
    const page = await browser.newPage();
    await page.goto(`${pageOrigin}/`);
    await page.waitForFunction(() => (window as unknown as { done?: boolean }).done === true);
    // Wait until serve has answered every attempt that reaches it: three no-cors fetches, the beacon and the
    // form post (the JSON fetch stops at its preflight).
    await expect
      .poll(() => accessLog.filter((l) => l.startsWith('POST /v1/chat/completions')).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(5);
    expect(completions()).toBe(before);
    const statuses = accessLog.filter((l) => l.startsWith('POST /v1/chat/completions')).map((l) => l.split(' ')[2]);
    expect(new Set(statuses)).toEqual(new Set(['403']));
    // The CORS attempt was preflighted and refused too: nothing the page can read.
    expect(accessLog.some((l) => l.startsWith('OPTIONS /v1/chat/completions 403'))).toBe(true);
    await page.close();
  });

  it('refuses a DNS-rebinding name by its Host, in Chromium and on the wire', async () => {
    const port = new URL(guarded.url).port;
    const page = await browser.newPage();
    const response = await page.goto(`http://rebind.test:${port}/v1/models`);
    expect(response?.status()).toBe(421);
    expect(await page.textContent('body')).toContain('host_not_allowed');
    await page.close();
    expect(await withHost(guarded.url, `rebind.test:${port}`, '/health')).toBe(421);
    expect(await withHost(guarded.url, `127.0.0.1:${port}`, '/health')).toBe(200);
    expect(await withHost(guarded.url, `localhost:${port}`, '/health')).toBe(200);
  });

  it('answers an origin allowed with --cors-origin with CORS headers, preflight included', async () => {
    const before = completions();
    const page = await browser.newPage();
    await page.goto(`${pageOrigin}/allowed`);
    await page.waitForFunction(() => (window as unknown as { done?: boolean }).done === true);
    const results = await page.evaluate(() => (window as unknown as { results: string[] }).results);
    // The JSON fetch is a readable CORS answer; the text/plain ones are refused (415) even for an allowed page.
    expect(results[2]).toBe('cors:200');
    expect(completions()).toBe(before + 1);
    await page.close();
  });

  it('keeps the openai SDK working unchanged, and /health names no account without a key', async () => {
    const client = new OpenAI({ baseURL: `${guarded.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: 'qwen3-max',
      messages: [{ role: 'user', content: 'Hello!' }],
    });
    expect(answer.choices[0]?.message.content).not.toBe('');
    const health = (await (await fetch(`${guarded.url}/health`)).json()) as { sessions: { label: string }[] };
    expect(health.sessions.map((s) => s.label)).toEqual(['session-1']);
  });
});
