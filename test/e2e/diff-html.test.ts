/**
 * The HTML diff report in a real Chromium: it opens from a file without any network request, the
 * highlighted fields are visible on both sides, volatile findings are folded, and a screenshot is
 * written (reports/diff-seed-v4.png when QWEN_PROBE_KEEP_SCREENSHOT is set, else a temp dir).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import { renderDiffHtml } from '../../src/report/diff-html.js';
import { browserWebCapture, FIXTURE_TOKEN, shapeCapture } from '../diff/support/fixture-captures.js';
import { launchChromium } from '../support/chromium.js';

let browser: Browser;
let file: string;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'qp-diff-html-'));
  file = join(dir, 'seed-v4.html');
  const result = diffCaptures(
    browserWebCapture(),
    shapeCapture('seed-v4', { startMs: 1_760_000_000_000, chatId: '9a8b7c6d-1111-4222-8333-444455556666' }),
  );
  await writeFile(file, renderDiffHtml(result, { title: 'seed-v4 vs browser (web)' }));
});

afterAll(async () => {
  await browser?.close();
});

describe('the HTML diff report in Chromium', () => {
  it('opens offline, shows the culprits highlighted on both sides, and screenshots cleanly', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);

    const pair = page.locator('section#pair-2');
    await expect
      .poll(() => pair.locator('tr.finding').first().getAttribute('data-id'))
      .toBe('body:messages[0].chat_type');
    expect(await pair.locator('tr.finding').nth(1).getAttribute('data-id')).toBe('body:model');

    // The changed field is highlighted on both sides, and visible (its details block is open).
    const sides = pair.locator('.side');
    for (const side of ['good', 'bad']) {
      const row = pair.locator(`.side-${side} .jl.hl-changed[data-id="body:messages[0].chat_type"]`);
      await expect.poll(() => row.isVisible()).toBe(true);
      const background = await row.evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(background).not.toBe('rgba(0, 0, 0, 0)');
    }
    expect(await sides.count()).toBe(2);
    expect(
      await pair.locator('.side-good .jl.hl-missing[data-id="body:messages[0].feature_config"]').first().isVisible(),
    ).toBe(true);
    expect(await pair.locator('.side-bad .jl.hl-extra[data-id="body:max_tokens"]').isVisible()).toBe(true);

    // Volatile findings are folded away until opened.
    const volatile = pair.locator('details.volatile-findings tr.finding').first();
    expect(await volatile.isVisible()).toBe(false);
    await pair.locator('details.volatile-findings summary').click();
    expect(await volatile.isVisible()).toBe(true);

    // The working response's timeline is drawn; secrets show as kind and length only.
    expect(await pair.locator('.side-good figure.timeline svg line').count()).toBeGreaterThan(5);
    const text = await page.locator('body').innerText();
    expect(text).not.toContain(FIXTURE_TOKEN);
    expect(text).toMatch(/Bearer «jwt \d+ chars exp 2026-09-21»/);

    const shot = process.env.QWEN_PROBE_KEEP_SCREENSHOT ? 'reports/diff-seed-v4.png' : join(dir, 'seed-v4.png');
    const png = await page.screenshot({ path: shot, fullPage: false });
    expect(png.length).toBeGreaterThan(10_000);
    await page.close();
  });
});
