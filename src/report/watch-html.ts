/**
 * `watch`'s pages, self-contained (inline CSS, no script, a CSP that forbids every fetch): a dated
 * drift report, and OUT/index.html, the rounds as a timeline, newest first, drift rounds marked and
 * linked to their reports. Captured text goes through scrubText and escapeHtml, as in every report.
 */
import { scrubText } from './format-value.js';
import { escapeHtml } from './html-request-view.js';
import { roundSummary } from './watch-markdown.js';
import type { WatchChange, WatchRoundRecord } from './watch-model.js';

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1c2833;background:#fbfcfc}
header{padding:18px 28px;background:#1c2833;color:#fff}header h1{margin:0 0 6px;font-size:21px}
main{padding:6px 28px 48px;max-width:1100px}h2{font-size:17px;border-bottom:1px solid #d5d8dc;padding-bottom:4px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eaeded;padding:4px 8px;text-align:left;vertical-align:top}
th{font-size:12px;color:#566573}code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.change{border-left:4px solid #c0392b;padding:4px 12px;margin:12px 0;background:#fdf2e9}.meta{color:#d5d8dc;font-size:13px}
ol.timeline{list-style:none;padding:0}ol.timeline li{border-left:3px solid #abb2b9;padding:4px 12px;margin:0}
ol.timeline li.drift{border-left-color:#c0392b;background:#fdf2e9}ol.timeline li.unreachable{border-left-color:#f5b041}
.when{color:#566573;font-size:13px}
`;

const e = (text: string) => escapeHtml(scrubText(text));

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><style>${CSS}</style></head>
<body>${body}</body></html>
`;
}

function list(items: readonly string[], code = false): string {
  return `<ul>${items.map((i) => `<li>${code ? `<code>${e(i)}</code>` : e(i)}</li>`).join('')}</ul>`;
}

function changeBlock(change: WatchChange): string {
  const rows = [
    `<div class="when">${e(change.kind)} · first seen ${e(change.firstSeen)}</div>`,
    change.before !== undefined ? `<div>before: <code>${e(change.before)}</code></div>` : '',
    change.after !== undefined ? `<div>after: <code>${e(change.after)}</code></div>` : '',
    change.breaks.length ? `<div>breaks in a client built before it:</div>${list(change.breaks)}` : '',
    change.evidence.length ? `<div>evidence:</div>${list(change.evidence, true)}` : '',
  ];
  return `<div class="change" data-kind="${e(change.kind)}"><strong>${e(change.explanation)}</strong>${rows.join('')}</div>`;
}

/** A dated drift report as one page. */
export function renderWatchHtml(record: WatchRoundRecord): string {
  const canaries = record.canaries.length
    ? `<h2>Canary completions</h2><table><thead><tr><th>transport</th><th>answered</th><th>outcome</th><th>dual</th>` +
      `<th>verdict</th></tr></thead><tbody>${record.canaries
        .map(
          (c) =>
            `<tr><td>${e(c.transport)}</td><td>${c.ok ? 'yes' : 'no'}</td><td>${e(c.outcome)}</td>` +
            `<td>${c.dual ? 'yes' : 'no'}</td><td>${e(c.detail)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const capture = record.browser?.capture
    ? `<p>The browser's capture of this round: <code>${e(record.browser.capture)}</code>.</p>`
    : '';
  return page(
    `qwen-probe watch: drift of ${record.target}`,
    `<header><h1>Drift of ${e(record.target)}</h1><div class="meta">round ${record.round} · seen ${e(record.startedAt)} · ` +
      `${e(roundSummary(record))}</div></header><main><h2>What changed</h2>${record.changes
        .map(changeBlock)
        .join('')}${canaries}${capture}</main>`,
  );
}

/** OUT/index.html: every round, newest first; drift rounds name their changes and link their reports. */
export function renderWatchIndexHtml(records: readonly WatchRoundRecord[], target: string): string {
  const items = [...records].reverse().map((r) => {
    const cls = !r.reachable ? 'unreachable' : r.drift ? 'drift' : 'quiet';
    const report = r.report
      ? ` · <a href="${e(r.report.replace(/\.md$/, '.html'))}">report</a> (<a href="${e(r.report)}">md</a>)`
      : '';
    const changes = r.drift ? list(r.changes.map((c) => c.explanation)) : '';
    return (
      `<li class="${cls}" data-round="${r.round}"><span class="when">round ${r.round} · ${e(r.startedAt)}</span> ` +
      `${r.drift ? '<strong>drift</strong> · ' : ''}${e(roundSummary(r))}${report}${changes}</li>`
    );
  });
  const drifts = records.filter((r) => r.drift).length;
  return page(
    `qwen-probe watch: ${target}`,
    `<header><h1>Watching ${e(target)}</h1><div class="meta">${records.length} rounds, ${drifts} with drift</div></header>` +
      `<main><ol class="timeline">${items.join('')}</ol></main>`,
  );
}
