import { describe, expect, it } from 'vitest';
import {
  renderWatchHtml,
  renderWatchIndexHtml,
  renderWatchMarkdown,
  type WatchRoundRecord,
} from '../../src/report/index.js';

const hostile = '<img src=x onerror=alert(1)> `code` | pipe';

const record: WatchRoundRecord = {
  schema: 1,
  round: 2,
  startedAt: '2026-12-07T10:15:00.000Z',
  endedAt: '2026-12-07T10:15:01.000Z',
  target: 'http://127.0.0.1:1',
  reachable: true,
  canaries: [{ transport: 'direct', ok: false, outcome: hostile, dual: false, detail: hostile, exchanges: [hostile] }],
  protocolDifferences: [],
  changes: [
    {
      kind: 'canary',
      key: 'canary:direct',
      explanation: `The canary went from answer to ${hostile}.`,
      before: 'answer',
      after: hostile,
      breaks: [hostile],
      firstSeen: '2026-12-07T10:15:00.000Z',
      evidence: [hostile],
    },
  ],
  drift: true,
  report: 'reports/drift-2026-12-07T10-15-00Z-round-2.md',
};

describe('watch reports', () => {
  it('escape captured text in html: no element comes from the page', () => {
    for (const html of [renderWatchHtml(record), renderWatchIndexHtml([record], record.target)]) {
      expect(html).not.toContain('<img');
      expect(html).toContain('&lt;img');
      expect(html).toContain("default-src 'none'");
    }
  });

  it('escape captured text in Markdown and say when the change was first seen', () => {
    const md = renderWatchMarkdown(record);
    // Outside code spans (which are literal) no tag survives.
    expect(md.replace(/``[^\n]*?``|`[^`\n]*`/g, '')).not.toContain('<img');
    expect(md).toContain('&lt;img');
    expect(md).toContain('first seen 2026-12-07T10:15:00.000Z');
  });

  it('the timeline links each drift round to its reports', () => {
    const { report: _report, ...quiet } = record;
    const html = renderWatchIndexHtml([{ ...quiet, round: 1, drift: false, changes: [] }, record], record.target);
    expect(html).toContain('href="reports/drift-2026-12-07T10-15-00Z-round-2.html"');
    expect(html).toContain('2 rounds, 1 with drift');
  });
});
