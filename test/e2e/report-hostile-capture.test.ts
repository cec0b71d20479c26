/**
 * A hostile capture rendered as every report format, opened in Chromium, runs no script. Captures
 * are attacker-controlled (a prompt, an answer, a header, a model name, an upstream error), and
 * reports are read in viewers that render HTML: the Markdown reports are rendered here by markdown-it
 * with `html: true`, the HTML reports are opened as files, text and JSON as files too.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import MarkdownIt from 'markdown-it';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bisectPlan, planBisect } from '../../src/bisect/bisect-captures.js';
import type { ProbeVerdict } from '../../src/bisect/bisect-result.js';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import type { ExchangeRequest } from '../../src/exchange/exchange.js';
import { learnProtocol, renderProtocolReadme } from '../../src/learn/index.js';
import { LINT_FORMATS, lintExchanges, renderLint } from '../../src/lint/index.js';
import { renderBisectJson } from '../../src/report/bisect-json.js';
import { renderBisectMarkdown } from '../../src/report/bisect-markdown.js';
import { renderBisectText } from '../../src/report/bisect-text.js';
import { renderInvestigationHtml } from '../../src/report/investigation-html.js';
import { renderInvestigationMarkdown } from '../../src/report/investigation-markdown.js';
import type { InvestigationReport } from '../../src/report/investigation-model.js';
import { REPORT_FORMATS, renderDiff } from '../../src/report/render-diff.js';
import { makeExchange } from '../support/make-exchange.js';
import { launchChromium } from '../support/chromium.js';

/** Each payload, if it ever ran, would count itself on `window.__pwned` (or open a dialog). */
const PAYLOADS = [
  '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  '<script>window.__pwned=(window.__pwned||0)+1</script>',
  '<svg onload="window.__pwned=(window.__pwned||0)+1"></svg>',
  '[click](javascript:window.__pwned=(window.__pwned||0)+1)',
  '``` <img src=x onerror=alert(1)> ```',
  '</code></pre><img src=x onerror=alert(2)>',
  '"><img src=x onerror=alert(3)>',
  '&lt;img src=x onerror=alert(4)&gt;',
];
const HOSTILE = PAYLOADS.join(' | ');

const good = makeExchange({
  request: {
    headers: [
      { name: 'source', value: 'web' },
      { name: 'x-note', value: HOSTILE },
    ],
    body: JSON.stringify({ stream: true, model: 'qwen3-max', messages: [{ role: 'user', content: HOSTILE }] }),
  },
});
const bad = makeExchange({
  request: {
    url: `https://chat.qwen.ai/api/v2/chat/completions?x=${encodeURIComponent(PAYLOADS[0]!)}`,
    headers: [
      { name: 'source', value: PAYLOADS[2]! },
      { name: 'x-note', value: `${HOSTILE} (library)` },
    ],
    body: JSON.stringify({
      stream: true,
      model: PAYLOADS[0],
      [PAYLOADS[1]!]: PAYLOADS[3],
      messages: [{ role: 'user', content: `${HOSTILE}\n${PAYLOADS[4]}` }],
    }),
  },
  response: {
    status: 200,
    headers: [{ name: 'content-type', value: 'application/json' }],
    body: JSON.stringify({ success: false, data: { code: PAYLOADS[0], details: HOSTILE } }),
    sse: undefined,
  },
});

/** An answer whose content type is a payload: learn lists content types in its README. */
const hostileContentType = makeExchange({
  response: { status: 200, headers: [{ name: 'content-type', value: PAYLOADS[0]! }], body: '{}', sse: undefined },
});

/** Works once the model is qwen3-max; the failure text is hostile too. */
async function oracle(request: ExchangeRequest): Promise<ProbeVerdict> {
  if (!request.body?.includes('"qwen3-max"'))
    return { outcome: 'fails', failure: PAYLOADS[0]!, explanation: `The server said ${HOSTILE}.` };
  return { outcome: 'works', explanation: 'It answered.' };
}

let browser: Browser;
let dir: string;
/** name → file to open in Chromium. */
const files = new Map<string, string>();

beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'qp-hostile-'));
  const diff = diffCaptures([good], [bad]);
  const plan = planBisect(diff);
  const bisect = await bisectPlan(plan, { probe: oracle });
  const report: InvestigationReport = {
    startedAt: '2026-01-01T00:00:00.000Z',
    target: 'http://127.0.0.1:8787',
    library: PAYLOADS[1]!,
    prompt: HOSTILE,
    steps: [{ name: PAYLOADS[2]!, status: 'failed', detail: HOSTILE, ms: 10 }],
    browserAnswer: HOSTILE,
    libraryFailure: { status: 500, name: PAYLOADS[0]!, explanation: HOSTILE },
    diff,
    bisectedPair: plan.pair.key,
    bisect,
    repaired: {
      outcome: 'fails',
      failure: PAYLOADS[0]!,
      explanation: HOSTILE,
      answer: HOSTILE,
      reasoning: HOSTILE,
      curl: `curl -d '${HOSTILE}'`,
    },
    files: [{ name: PAYLOADS[0]!, description: HOSTILE }],
    solved: false,
    summary: HOSTILE,
  };
  const md = new MarkdownIt({ html: true, linkify: true });
  const asPage = (markdown: string) => `<!doctype html><meta charset="utf-8"><body>${md.render(markdown)}</body>`;
  const outputs: [string, string][] = [
    ...REPORT_FORMATS.map((format): [string, string] => {
      const text = renderDiff(diff, format, { showVolatile: true });
      return format === 'md' ? ['diff.md.html', asPage(text)] : [`diff.${format}`, text];
    }),
    ['bisect.md.html', asPage(renderBisectMarkdown(bisect))],
    ['bisect.txt', renderBisectText(bisect)],
    ['bisect.json', renderBisectJson(bisect)],
    ['investigation.md.html', asPage(renderInvestigationMarkdown(report))],
    ['investigation.html', renderInvestigationHtml(report)],
    // learn's README describes the browser's capture; lint's reports hold both sides' values.
    ['learn-readme.md.html', asPage(renderProtocolReadme(learnProtocol([good, bad, hostileContentType], [HOSTILE])))],
    ...LINT_FORMATS.map((format): [string, string] => {
      const text = renderLint(lintExchanges(learnProtocol([good], [PAYLOADS[1]!]), [bad]), format);
      return format === 'md' ? ['lint.md.html', asPage(text)] : [`lint.${format}`, text];
    }),
  ];
  for (const [name, text] of outputs) {
    const file = join(dir, name);
    await writeFile(file, text);
    files.set(name, file);
  }
});

afterAll(async () => {
  await browser?.close();
});

describe('a hostile capture in every report format', () => {
  it('covers every format the CLI writes', () => {
    expect([...files.keys()].sort()).toEqual(
      [
        'bisect.json',
        'bisect.md.html',
        'bisect.txt',
        'diff.html',
        'diff.json',
        'diff.md.html',
        'diff.text',
        'investigation.html',
        'investigation.md.html',
        'learn-readme.md.html',
        'lint.json',
        'lint.md.html',
        'lint.text',
      ].sort(),
    );
  });

  it('runs no script in Chromium, and the captured text is shown as text', async () => {
    for (const [name, file] of files) {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // Every image has loaded or failed (an onerror handler would have run by then), and every link is inert.
      await page.waitForFunction(() => [...document.images].every((img) => img.complete));
      const outcome = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? 0,
        scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__pwned')).length,
        handlers: [...document.querySelectorAll('*')].filter((el) =>
          [...el.attributes].some((a) => /^on/i.test(a.name)),
        ).length,
        jsLinks: [...document.querySelectorAll('a[href]')].filter((a) =>
          /^\s*javascript:/i.test(a.getAttribute('href') ?? ''),
        ).length,
        text: document.body?.innerText ?? document.documentElement.textContent ?? '',
      }));
      expect({ name, ...outcome, text: undefined }).toEqual({
        name,
        pwned: 0,
        scripts: 0,
        handlers: 0,
        jsLinks: 0,
        text: undefined,
      });
      expect(dialogs, name).toEqual([]);
      // The payload is there for the reader to see, as text (shortened in tables, so its head).
      expect(outcome.text, name).toContain('onerror');
      await page.close();
    }
  });
});
