/**
 * `report.md` of an investigation: the story in order (what failed, what differs, which change
 * fixed it, the working request as curl, the answer it got), built from the same sentences as the
 * other reports. No secrets: values go through the report's stand-ins and the curl uses variables.
 */
import type { Finding } from '../diff/finding.js';
import { renderBisectMarkdown, mdCell, mdCode } from './bisect-markdown.js';
import { displayValue, findingLabel, scrubText } from './format-value.js';
import { mdCellText, mdFenced, mdText } from '../common/index.js';
import type { InvestigationReport } from './investigation-model.js';

/** The differences worth showing: not volatile, highest ranked first, at most `max`. */
export function topFindings(report: InvestigationReport, max = 12): Finding[] {
  const pair =
    report.diff?.pairs.find((p) => p.key === report.bisectedPair) ??
    report.diff?.pairs.find((p) => !p.bad.response.ok) ??
    report.diff?.pairs[0];
  return (pair?.findings ?? []).filter((f) => !f.volatile).slice(0, max);
}

const fenced = mdFenced;

/** The Markdown text, ending with a newline. */
export function renderInvestigationMarkdown(report: InvestigationReport): string {
  const out = [`# qwen-probe investigation: why does ${mdCode(report.library)} fail?`, ''];
  out.push(`**${report.solved ? 'Solved' : 'Not solved'}.** ${mdText(scrubText(report.summary))}`, '');
  out.push(
    `- target: ${mdCode(report.target)}${
      report.simulatorProfile ? ` (bundled simulator, profile ` + `${mdCode(report.simulatorProfile)})` : ''
    }`,
  );
  out.push(`- started: ${report.startedAt}`, `- prompt: ${mdCode(mdCell(report.prompt))}`, '');
  out.push('## Steps', '', '| step | status | detail | time |', '|---|---|---|---:|');
  for (const s of report.steps)
    out.push(
      `| ${mdCellText(s.name)} | ${s.status} | ${mdCellText(scrubText(s.detail))} | ${(s.ms / 1000).toFixed(1)} s |`,
    );

  out.push('', '## What failed', '');
  if (report.browserAnswer !== undefined)
    out.push(`The browser's request worked: it answered ${mdCode(mdCell(report.browserAnswer.slice(0, 120)))}.`, '');
  if (report.libraryFailure) {
    const f = report.libraryFailure;
    out.push(
      `The library's request (${mdCode(report.library)}) ` +
        `${f.name === 'works' ? 'worked' : `failed with **${mdCellText(f.name)}**`}${f.status !== undefined ? ` (HTTP ${f.status})` : ''}: ${mdText(scrubText(f.explanation))}`,
    );
  }

  const findings = topFindings(report);
  if (report.diff) {
    out.push('', '## What differs', '', mdText(scrubText(report.diff.explanation)), '');
    if (findings.length > 0) {
      out.push('| # | field | change | working | failing |', '|---:|---|---|---|---|');
      for (const f of findings) {
        const good = f.good === undefined ? '' : mdCode(mdCell(displayValue(f.good, f.secret, 40)));
        const bad = f.bad === undefined ? '' : mdCode(mdCell(displayValue(f.bad, f.secret, 40)));
        out.push(`| ${f.rank} | ${mdCode(mdCell(findingLabel(f)))} | ${f.change} | ${good} | ${bad} |`);
      }
      out.push('', `The full comparison is in ${mdCode('diff.json')}.`);
    }
  }

  if (report.bisect) {
    out.push('', '## Which change fixed it', '');
    out.push(renderBisectMarkdown(report.bisect, { level: 3 }).replace(/\n$/, ''));
  }
  if (report.repaired) {
    const r = report.repaired;
    out.push('', '## The working request', '');
    out.push(
      `The failing request with the culprits applied ` +
        `${
          r.outcome === 'works'
            ? 'works'
            : `still ${r.outcome === 'fails' ? 'fails' : 'could not be judged'} ` + `(${mdCellText(r.failure ?? '')})`
        }: ${mdText(scrubText(r.explanation))}`,
      '',
    );
    out.push('Export the variables it names, then run:', '', ...fenced(r.curl, 'sh'));
    out.push('', '## The answer it got', '');
    if (r.reasoning) out.push('Reasoning:', '', ...fenced(scrubText(r.reasoning)), '');
    out.push(...(r.answer ? fenced(scrubText(r.answer)) : ['(no answer text)']));
  }
  if (report.files.length > 0) {
    out.push('', '## Files', '');
    for (const f of report.files) out.push(`- ${mdCode(f.name)}: ${mdText(f.description)}`);
  }
  return `${out.join('\n')}\n`;
}
