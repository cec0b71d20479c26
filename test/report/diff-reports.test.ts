import { describe, expect, it } from 'vitest';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import { joinPath } from '../../src/common/index.js';
import { renderDiffHtml } from '../../src/report/diff-html.js';
import { DIFF_JSON_SCHEMA_VERSION, toDiffJson } from '../../src/report/diff-json.js';
import { renderDiffMarkdown } from '../../src/report/diff-markdown.js';
import { renderDiffText } from '../../src/report/diff-text.js';
import { joinBodyPath } from '../../src/report/html-request-view.js';
import { renderDiff, reportFormatFor } from '../../src/report/render-diff.js';
import { compressToken } from '../../src/upstream/shapes.js';
import { browserWebCapture, FIXTURE_COOKIES, FIXTURE_TOKEN, shapeCapture } from '../diff/support/fixture-captures.js';

const seed = (shape: 'seed-v1' | 'seed-v4') =>
  shapeCapture(shape, { startMs: 1_760_000_000_000, chatId: '9a8b7c6d-1111-4222-8333-444455556666' });
const seedV4 = diffCaptures(browserWebCapture(), seed('seed-v4'));
const seedV1 = diffCaptures(browserWebCapture(), seed('seed-v1'));
const SECRETS = [
  FIXTURE_TOKEN,
  compressToken(FIXTURE_TOKEN),
  ...Object.values(FIXTURE_COOKIES),
  FIXTURE_TOKEN.split('.')[1]!,
];

describe('diff reports', () => {
  it('never print a raw token or cookie, in any format, even from unredacted captures', () => {
    for (const result of [seedV1, seedV4]) {
      for (const format of ['text', 'md', 'json', 'html'] as const) {
        const text = renderDiff(result, format, { showVolatile: true });
        for (const secret of SECRETS)
          expect(text.includes(secret), `${format} holds ${secret.slice(0, 12)}…`).toBe(false);
      }
    }
  });

  it('text: fits 100 columns, groups by pair, ranks, and folds volatile values unless asked', () => {
    const text = renderDiffText(seedV4);
    for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(100);
    expect(text).toMatch(/▸ pair 2: chat\.completions #1\n.*\n.*\n\s+1 {2}body messages\[0\]\.chat_type/);
    expect(text).toContain('volatile values differ as expected (--show-volatile lists them)');
    expect(text).not.toContain('\x1b[');
    expect(renderDiffText(seedV4, { showVolatile: true, maxPerPair: 100 })).toContain('header x-request-id');
    expect(renderDiffText(seedV4, { color: true })).toContain('\x1b[31m');
  });

  it('text: wraps to a narrower width when asked', () => {
    for (const line of renderDiffText(seedV4, { width: 72 }).split('\n'))
      expect([...line].length, line).toBeLessThanOrEqual(72);
  });

  it('markdown: a table per pair, explanations in cells, volatile values in a details block', () => {
    const md = renderDiffMarkdown(seedV4);
    expect(md).toContain(
      "| 1 | `body messages[0].chat_type` | changed | `'t2t'` | `'text'` | Body messages[0].chat_type is 'text'",
    );
    expect(md).toMatch(/<details><summary>\d+ volatile values differ as expected<\/summary>/);
  });

  it('json: carries the documented fields for every finding and a schemaVersion', () => {
    const report = toDiffJson(seedV4);
    expect(report.schemaVersion).toBe(DIFF_JSON_SCHEMA_VERSION);
    const f = report.pairs[1]!.findings[0]!;
    expect(Object.keys(f)).toEqual(
      expect.arrayContaining([
        'id',
        'location',
        'path',
        'change',
        'good',
        'bad',
        'kinds',
        'volatile',
        'rank',
        'explanation',
      ]),
    );
    expect(f).toMatchObject({
      id: 'body:messages[0].chat_type',
      location: 'body',
      path: 'messages[0].chat_type',
      rank: 1,
      fact: { id: 'message-chat-type-unknown', likelihood: 'high' },
    });
    // Stable: rendering twice gives the same text (no timestamps, no random ids).
    expect(renderDiff(seedV4, 'json')).toBe(renderDiff(diffCaptures(browserWebCapture(), seed('seed-v4')), 'json'));
  });

  it('html: one self-contained file that loads nothing from the network', () => {
    const html = renderDiffHtml(seedV4);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(/i);
  });

  it('html: highlights the differing fields on both sides and ranks the findings', () => {
    const html = renderDiffHtml(seedV4);
    expect(html).toContain('<tr class="finding cat-enum-changed" data-id="body:messages[0].chat_type" data-rank="1">');
    expect(html).toMatch(
      /class="jl hl-changed" data-id="body:messages\[0\]\.chat_type"[^>]*>\s*&quot;chat_type&quot;: &quot;t2t&quot;/,
    );
    expect(html).toMatch(
      /class="jl hl-changed" data-id="body:messages\[0\]\.chat_type"[^>]*>\s*&quot;chat_type&quot;: &quot;text&quot;/,
    );
    expect(html).toMatch(/class="jl hl-missing" data-id="body:messages\[0\]\.feature_config"/);
    expect(html).toMatch(/class="jl hl-extra" data-id="body:max_tokens"/);
    expect(html).toContain('<details class="volatile-findings">');
  });

  it('html: draws the event-stream timeline of the working response and says the failing one had none', () => {
    const html = renderDiffHtml(seedV4);
    expect(html).toMatch(/<figure class="timeline"><svg[^>]*aria-label="7 events over \d+ ms"/);
    expect(html).toContain('no event stream: HTTP 200');
  });

  it('html: writes body paths exactly as the diff does', () => {
    for (const key of ['a', 'odd key', '__proto__', '0x', 'x-y', '"q"'])
      expect(joinBodyPath('p', key)).toBe(joinPath('p', key));
    expect(joinBodyPath('', 3)).toBe(joinPath('', 3));
  });

  it('picks the format from a file name', () => {
    expect(['x.html', 'x.md', 'x.json', 'x.txt', 'x.pdf'].map(reportFormatFor)).toEqual([
      'html',
      'md',
      'json',
      'text',
      undefined,
    ]);
  });
});
