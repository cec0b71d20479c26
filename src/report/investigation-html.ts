/**
 * `report.html` of an investigation: one self-contained page (inline CSS, no script, a CSP that
 * forbids every fetch) telling the story in order: what failed, what differs, which change fixed
 * it, the working request as curl, and the answer it got. Culprit rows carry `data-id` so a test
 * (or a person's browser search) finds them; secrets appear only as stand-ins and variables.
 */
import { displayValue, findingLabel, scrubText } from './format-value.js';
import { escapeHtml } from './html-request-view.js';
import type { InvestigationReport } from './investigation-model.js';
import { topFindings } from './investigation-markdown.js';

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1c2833;background:#fbfcfc}
header{padding:18px 28px;background:#1c2833;color:#fff}header h1{margin:0 0 6px;font-size:21px}
.solved{color:#58d68d;font-weight:600}.unsolved{color:#f5b041;font-weight:600}.meta{color:#d5d8dc;font-size:13px}
main{padding:6px 28px 48px;max-width:1100px}section{margin:22px 0}h2{font-size:17px;border-bottom:1px solid #d5d8dc;padding-bottom:4px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eaeded;padding:4px 8px;text-align:left;vertical-align:top}
th{font-size:12px;color:#566573}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{background:#f2f4f4;border:1px solid #d5d8dc;border-radius:4px;padding:10px;white-space:pre-wrap;overflow-wrap:anywhere}
.good{color:#145a32}.bad{color:#922b21}.step-done{color:#145a32}.step-failed{color:#922b21}.step-skipped{color:#909497}
tr.culprit{background:#fdf2e9}tr.culprit td:first-child{font-weight:700;color:#c0392b}.answer{background:#eafaf1;border-color:#abebc6}
ol.moves li{margin:2px 0}details summary{cursor:pointer;color:#2471a3}.note{color:#566573;font-size:13px}
`;

const e = (text: string) => escapeHtml(scrubText(text));

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

function stepsTable(report: InvestigationReport): string {
  const rows = report.steps.map(
    (s) =>
      `<tr><td>${e(s.name)}</td><td ` +
      `class="step-${s.status}">${s.status}</td><td>${e(s.detail)}</td><td>${(s.ms / 1000).toFixed(1)} s</td></tr>`,
  );
  return `<table><thead><tr><th>step</th><th>status</th><th>detail</th><th>time</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function failedSection(report: InvestigationReport): string {
  const parts: string[] = [];
  if (report.browserAnswer !== undefined)
    parts.push(
      `<p>The browser's request <span class="good">worked</span>: it answered ` +
        `<q>${e(report.browserAnswer.slice(0, 160))}</q>.</p>`,
    );
  const f = report.libraryFailure;
  if (f)
    parts.push(
      `<p>The library's request (<code>${e(report.library)}</code>) ` +
        `${f.name === 'works' ? '<span class="good">worked</span>' : `failed with <strong class="bad">${e(f.name)}</strong>`}${f.status !== undefined ? ` (HTTP ${f.status})` : ''}. ${e(f.explanation)}</p>`,
    );
  return section('failed', 'What failed', parts.join('') || '<p>Nothing was sent.</p>');
}

function differsSection(report: InvestigationReport): string {
  if (!report.diff) return '';
  const findings = topFindings(report);
  const culprits = new Set(report.bisect?.verdict === 'found' ? report.bisect.culprits.map((c) => c.id) : []);
  const rows = findings.map((f) => {
    const good = f.good === undefined ? '—' : displayValue(f.good, f.secret, 50);
    const bad = f.bad === undefined ? '—' : displayValue(f.bad, f.secret, 50);
    return `<tr${culprits.has(f.id) ? ' class="culprit"' : ''}><td>${f.rank}</td><td><code>${e(findingLabel(f))}</code></td><td>${f.change}</td><td class="good"><code>${e(good)}</code></td><td class="bad"><code>${e(bad)}</code></td></tr>`;
  });
  const table = rows.length
    ? `<table><thead><tr><th>#</th><th>field</th><th>change</th><th>working</th><th>failing</th></tr></thead><tbody>${rows.join('')}</tbody></table><p class="note">Highest ranked differences; the full comparison is in diff.json.</p>`
    : '';
  return section('differs', 'What differs', `<p>${e(report.diff.explanation)}</p>${table}`);
}

function fixedSection(report: InvestigationReport): string {
  const b = report.bisect;
  if (!b) return '';
  const rows = b.culprits.map((c) => {
    const bad = c.bad === undefined ? 'missing' : displayValue(c.bad, c.secret, 60);
    const good = c.good === undefined ? 'absent' : displayValue(c.good, c.secret, 60);
    return (
      `<tr class="culprit" data-id="${escapeHtml(c.id)}"><td><code>${e(c.label)}</code></td><td ` +
      `class="bad"><code>${e(bad)}</code></td><td ` +
      `class="good"><code>${e(good)}</code></td><td>${e(b.withoutEach[c.id] ?? '')}</td><td>${e(c.explanation)}</td></tr>`
    );
  });
  const table = rows.length
    ? `<table class="culprits"><thead><tr><th>culprit</th><th>failing</th><th>working</th><th>without ` +
      `it</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '';
  const moves = b.transitions.length
    ? `<h3>How the failure moved as each culprit was added</h3><ol ` +
      `class="moves">${b.transitions.map((t) => `<li>${e(t.explanation)}</li>`).join('')}</ol>`
    : '';
  const required =
    b.requiredStatus === 'skipped'
      ? ''
      : `<h3>Fields the working request ` +
        `needs</h3><p>${b.required.length ? b.required.map((r) => `<code>${e(r.label)}</code>`).join(', ') : 'none on its own'} <span class="note">(${b.requiredStatus === 'complete' ? `all ${b.requiredCandidates} fields checked` : `${b.requiredChecked} of ${b.requiredCandidates} checked before the budget ran out`})</span></p>`;
  const log = `<details><summary>Probe log (${b.probes} probes of at most ${b.budget})</summary><table><thead><tr><th>#</th><th>purpose</th><th>fields</th><th>verdict</th><th>ms</th></tr></thead><tbody>${b.log
    .map(
      (l) =>
        `<tr><td>${l.n}</td><td>${l.purpose}${l.retry ? ' (retry)' : ''}</td><td><code>${e(l.subset.length > 4 ? `${l.subset.slice(0, 4).join(', ')} +${l.subset.length - 4}` : l.subset.join(', '))}</code></td><td>${l.outcome}${l.failure ? `: ${e(l.failure)}` : ''}</td><td>${l.ms}</td></tr>`,
    )
    .join('')}</tbody></table></details>`;
  const verdict = `<p><strong>${escapeHtml(b.verdict)}</strong>: ${e(b.explanation)}</p>`;
  return section('fixed', 'Which change fixed it', `${verdict}${table}${moves}${required}${log}`);
}

function workingSection(report: InvestigationReport): string {
  const r = report.repaired;
  if (!r) return '';
  const state =
    r.outcome === 'works'
      ? '<span class="good">works</span>'
      : `<span class="bad">${r.outcome}${r.failure ? `: ${e(r.failure)}` : ''}</span>`;
  const curl = section(
    'curl',
    'The working request',
    `<p>The failing request with the culprits applied ${state}. ${e(r.explanation)}</p><p class="note">Export the ` +
      `variables the script names (the token as <code>$QWEN_TOKEN</code>), then run it:</p><pre ` +
      `class="curl">${e(r.curl)}</pre>`,
  );
  const reasoning = r.reasoning ? `<details><summary>Reasoning</summary><pre>${e(r.reasoning)}</pre></details>` : '';
  const answer = section(
    'answer',
    'The answer it got',
    `${reasoning}<pre class="answer">${r.answer ? e(r.answer) : '(no answer text)'}</pre>`,
  );
  return curl + answer;
}

/** The page, as one string. */
export function renderInvestigationHtml(report: InvestigationReport): string {
  const title = `Why does ${report.library} fail?`;
  const files = report.files.length
    ? section(
        'files',
        'Files',
        `<ul>${report.files.map((f) => `<li><code>${e(f.name)}</code>: ${e(f.description)}</li>`).join('')}</ul>`,
      )
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>qwen-probe investigation: ${e(title)}</title><style>${CSS}</style></head>
<body><header><h1>${e(title)}</h1><div class="${report.solved ? 'solved' : 'unsolved'}">${report.solved ? 'Solved' : 'Not solved'}</div><div>${e(report.summary)}</div>
<div class="meta">target ${e(report.target)}${
    report.simulatorProfile ? ` (bundled simulator, profile ` + `${e(report.simulatorProfile)})` : ''
  } · prompt <q>${e(report.prompt)}</q> · ${e(report.startedAt)}</div></header>
<main>${section('steps', 'Steps', stepsTable(report))}${failedSection(report)}${differsSection(report)}${fixedSection(report)}${workingSection(report)}${files}</main></body></html>
`;
}
