/**
 * `qwen-probe investigate` with no target, as a fresh clone runs it: the bundled simulator, the real
 * browser capture, seed-v4, and a report whose page is checked in Chromium.
 */
import { mkdtempSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { launchChromium } from '../support/chromium.js';
import { runCli, type CliRun } from '../support/run-cli.js';

const dir = join(mkdtempSync(join(tmpdir(), 'qp-investigate-')), 'report');
let run: CliRun;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
});

describe('qwen-probe investigate', () => {
  it('runs end to end with nothing configured and exits 0', async () => {
    run = await runCli(['investigate', '--out', dir], { timeoutMs: 200_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\[1\] start the bundled simulator: http:\/\/127\.0\.0\.1:\d+, profile qwen-2025-10/);
    expect(run.stdout).toMatch(/^ {2}body messages\[0\]\.chat_type: 'text' → 't2t'$/m);
    expect(run.stdout).toMatch(/^ {2}body model: 'qwen-turbo' → 'qwen3-max'$/m);
  });

  it('finds exactly the culprits the profile encodes, against the real browser capture', async () => {
    const browserHar = await readCapture(join(dir, 'browser.har'));
    expect(new Set(browserHar.exchanges.map((e) => e.source))).toEqual(new Set(['browser']));
    const bisect = JSON.parse(await readFile(join(dir, 'bisect.json'), 'utf8'));
    expect(bisect.verdict).toBe('found');
    expect(bisect.culprits.map((c: { id: string }) => c.id).sort()).toEqual([
      'body:messages[0].chat_type',
      'body:model',
    ]);
  });

  it('writes the captures, diff.json, bisect.json and both reports, with no token in them', async () => {
    const files = await readdir(dir);
    expect(files.sort()).toEqual([
      'bisect.json',
      'browser.har',
      'diff.json',
      'library.har',
      'repaired.har',
      'report.html',
      'report.md',
    ]);
    for (const name of files)
      expect(await readFile(join(dir, name), 'utf8'), name).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/);
  });

  it('tells the story in a page Chromium renders, culprits and answer visible', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`file://${join(dir, 'report.html')}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Why does seed-v4 fail?');
    for (const id of ['body:messages[0].chat_type', 'body:model'])
      expect(await page.locator(`#fixed tr.culprit[data-id="${id}"]`).isVisible()).toBe(true);
    expect(await page.locator('#curl pre').textContent()).toContain('Bearer ${QWEN_TOKEN}');
    expect(await page.locator('#answer pre.answer').textContent()).toMatch(/^You said: "Hello!"/);
    await page.screenshot({ path: join(dir, '..', 'report.png'), fullPage: true });
  });
});
