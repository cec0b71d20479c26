/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, a CSP that forbids any
 * fetch), with the ranked findings of each pair, volatile ones folded away, the two requests side
 * by side with differing fields highlighted, and each response's event-stream timeline.
 */
import type { DiffResult, ExchangeRef, PairDiff } from '../diff/diff-result.js';
import type { Finding } from '../diff/finding.js';
import { describeKindInfo, findingLabel, findingSide, scrubText, shortUrl } from './format-value.js';
import { escapeHtml, highlightIndex, renderRequestView } from './html-request-view.js';
import { renderTimeline } from './html-timeline.js';

/** Options of the HTML report. */
export interface HtmlReportOptions {
  readonly title?: string | undefined;
  /** Pairs drawn in full (findings, requests, timelines); the rest are listed. Default 200. */
  readonly maxPairs?: number | undefined;
  /** Pairs whose request view starts open; default 3. */
  readonly openPairs?: number | undefined;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1c2833;background:#fbfcfc}
header.top{padding:16px 24px;background:#1c2833;color:#fff}header.top h1{margin:0 0 4px;font-size:20px}
.verdict{font-weight:600}.v-match{color:#58d68d}.v-differ{color:#f5b041}.v-nothing-to-compare{color:#ec7063}
main{padding:8px 24px 40px}section.pair{border:1px solid #d5d8dc;border-radius:6px;margin:18px 0;background:#fff}
section.pair>h2{margin:0;padding:10px 14px;font-size:16px;background:#f2f4f4;border-bottom:1px solid #d5d8dc}
.pairbody{padding:10px 14px}.outcome{display:inline-block;padding:1px 6px;border-radius:4px;font-size:12px}
.ok{background:#d5f5e3;color:#145a32}.fail{background:#fadbd8;color:#78281f}
table.findings{border-collapse:collapse;width:100%;margin:8px 0}table.findings td,table.findings th{border-bottom:1px solid #eaeded;padding:4px 6px;text-align:left;vertical-align:top}
table.findings th{font-size:12px;color:#566573}td.rank{text-align:right;font-weight:600;width:2em}
code,pre,.fields td,.fields th,.reqline,.origin{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.cat{font-size:11px;padding:1px 5px;border-radius:3px;background:#eaeded;white-space:nowrap}
.cat.cat-request-line,.cat.cat-enum-changed,.cat.cat-required-missing,.cat.cat-shared-mismatch{background:#fadbd8}
.cat.cat-kind-mismatch,.cat.cat-type-changed,.cat.cat-extra-field,.cat.cat-value-changed{background:#fdebd0}.cat.cat-header{background:#d6eaf8}
tr.finding.cat-request-line td.rank,tr.finding.cat-enum-changed td.rank,tr.finding.cat-required-missing td.rank,tr.finding.cat-shared-mismatch td.rank{color:#c0392b}
.why{color:#424949}.fact{color:#78281f}.good{color:#145a32}.bad{color:#922b21}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:12px}.side{min-width:0;border:1px solid #eaeded;border-radius:4px;padding:6px 8px}
.side h3{margin:2px 0 6px;font-size:13px}.side h4{margin:8px 0 2px;font-size:12px;color:#566573}
table.fields{border-collapse:collapse;width:100%;table-layout:fixed}table.fields th{width:32%;text-align:left;font-weight:500;padding:1px 4px;overflow-wrap:anywhere}
table.fields td{padding:1px 4px;overflow-wrap:anywhere}pre.body{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;max-height:640px;overflow:auto}
.jl{display:block}.hl-changed{background:#fdebd0;outline:1px solid #f0b27a}.hl-missing{background:#d5f5e3;outline:1px solid #82e0aa}
.hl-extra{background:#fadbd8;outline:1px solid #f1948a}.hl-volatile{color:#909497}
details{margin:8px 0}summary{cursor:pointer;color:#2471a3}.timeline{margin:4px 0}.timeline.none{color:#566573;font-size:12px}
figcaption{font-size:11px;color:#566573}.legend{margin-left:6px}.diffins{background:#fadbd8}.diffdel{background:#d5f5e3;text-decoration:line-through}
.key{font-size:12px;color:#566573}
`;

function outcome(ref: ExchangeRef): string {
  const r = ref.response;
  const text = `${r.status ?? '—'} ${r.outcome}${r.events ? ` · ${r.events} events` : ''}`;
  return `<span class="outcome ${r.ok ? 'ok' : 'fail'}">${escapeHtml(text)}</span>`;
}

function findingRow(f: Finding): string {
  const values =
    f.change === 'missing'
      ? `<span class="good">${escapeHtml(findingSide(f, 'good', 80))}</span>`
      : f.change === 'extra'
        ? `<span class="bad">${escapeHtml(findingSide(f, 'bad', 80))}</span>`
        : `<span class="good">${escapeHtml(findingSide(f, 'good', 60))}</span> → <span ` +
          `class="bad">${escapeHtml(findingSide(f, 'bad', 60))}</span>`;
  const kinds =
    f.kinds.good?.kind !== f.kinds.bad?.kind || f.secret
      ? `<div class="key">${escapeHtml(`${describeKindInfo(f.kinds.good)} → ${describeKindInfo(f.kinds.bad)}`)}</div>`
      : '';
  const diff = f.textDiff
    ? `<div><code>${f.textDiff.map((p) => (p.op === 'same' ? escapeHtml(scrubText(p.text)) : `<span class="${p.op === 'added' ? 'diffins' : 'diffdel'}">${escapeHtml(scrubText(p.text))}</span>`)).join('')}</code></div>`
    : '';
  return (
    `<tr class="finding cat-${f.category}${f.volatile ? ' volatile' : ''}" data-id="${escapeHtml(f.id)}" ` +
    `data-rank="${f.rank}">` +
    `<td class="rank">${f.rank}</td><td><code>${escapeHtml(findingLabel(f))}</code><br><span class="cat ` +
    `cat-${f.category}">${f.category}</span> ${f.change}</td>` +
    `<td>${values}${kinds}${diff}</td><td class="why">${escapeHtml(scrubText(f.explanation))}</td></tr>`
  );
}

function findingsTable(findings: readonly Finding[]): string {
  return (
    `<table class="findings"><thead><tr><th>#</th><th>field</th><th>working → ` +
    `failing</th><th>why</th></tr></thead><tbody>${findings.map(findingRow).join('')}</tbody></table>`
  );
}

function pairSection(pair: PairDiff, open: boolean): string {
  const main = pair.findings.filter((f) => !f.volatile);
  const volatile = pair.findings.filter((f) => f.volatile);
  const index = highlightIndex(pair.findings);
  const side = (which: 'good' | 'bad', ref: ExchangeRef) =>
    `<div class="side side-${which}"><h3>${which === 'good' ? 'Working (GOOD)' : 'Failing (BAD)'} · ` +
    `${escapeHtml(ref.source)} ${outcome(ref)}</h3>` +
    `${renderTimeline(ref.exchange)}${renderRequestView(pair.requests[which], which, index)}</div>`;
  return (
    `<section class="pair" id="pair-${pair.index}" data-key="${escapeHtml(pair.key)}"><h2>Pair ${pair.index}: ` +
    `${escapeHtml(pair.good.label)}${pair.forced ? ` ↔ ${escapeHtml(pair.bad.label)} (forced)` : ''}</h2><div ` +
    `class="pairbody">` +
    `<p>${escapeHtml(scrubText(pair.explanation))}</p>` +
    `<p class="key">GOOD <code>${escapeHtml(`${pair.good.method} ${shortUrl(pair.good.url, 100)}`)}</code> ` +
    `${outcome(pair.good)}<br>BAD <code>${escapeHtml(`${pair.bad.method} ${shortUrl(pair.bad.url, 100)}`)}</code> ` +
    `${outcome(pair.bad)}</p>` +
    (main.length > 0 ? findingsTable(main) : '<p>No differences but volatile values.</p>') +
    (volatile.length > 0
      ? `<details class="volatile-findings"><summary>${volatile.length} volatile ` +
        `value${volatile.length === 1 ? ' differs' : 's differ'} as ` +
        `expected</summary>${findingsTable(volatile)}</details>`
      : '') +
    `<details class="requests"${open ? ' open' : ''}><summary>Requests side by side</summary><div ` +
    `class="sides">${side('good', pair.good)}${side('bad', pair.bad)}</div></details>` +
    '</div></section>'
  );
}

/** The HTML report of a diff: one self-contained page. */
export function renderDiffHtml(result: DiffResult, options: HtmlReportOptions = {}): string {
  const title = options.title ?? 'qwen-probe diff';
  const maxPairs = options.maxPairs ?? 200;
  const openPairs = options.openPairs ?? 3;
  const s = result.summary;
  const pairs = result.pairs
    .slice(0, maxPairs)
    .map((p, i) => pairSection(p, i < openPairs))
    .join('');
  const more =
    result.pairs.length > maxPairs
      ? `<p>… and ${result.pairs.length - maxPairs} more pairs (see the JSON report).</p>`
      : '';
  const unpaired = [
    ...result.unpaired.good.map((r) => ['GOOD', r] as const),
    ...result.unpaired.bad.map((r) => ['BAD', r] as const),
  ];
  const unpairedHtml =
    unpaired.length === 0
      ? ''
      : `<section class="pair"><h2>Unpaired</h2><div class="pairbody"><ul>${unpaired
          .slice(0, 200)
          .map(
            ([side, r]) =>
              `<li>${side} <code>${escapeHtml(r.label)}</code> ` +
              `<code>${escapeHtml(`${r.method} ${shortUrl(r.url, 100)}`)}</code></li>`,
          )
          .join('')}</ul></div></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><header class="top"><h1>${escapeHtml(title)}</h1><div class="verdict v-${result.verdict}">${escapeHtml(result.verdict)}</div><div>${escapeHtml(scrubText(result.explanation))}</div>
<div class="key" style="color:#d5d8dc">${s.pairs} pairs · ${s.findings} findings · ${s.volatile} volatile · unpaired ${s.unpairedGood} GOOD / ${s.unpairedBad} BAD · ${s.ignored} ignored</div></header>
<main>${pairs}${more}${unpairedHtml}</main></body></html>
`;
}
