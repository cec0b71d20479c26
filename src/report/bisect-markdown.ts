/**
 * The bisect result in Markdown: the verdict sentence, a culprit table (failing value, working
 * value, the failure without each), how the failure moved as culprits were added, the required
 * fields, and the probe log folded away. `heading` lets the investigation report nest it.
 */
import type { BisectResult } from '../bisect/bisect-result.js';
import type { FindingChange } from '../bisect/bisect-captures.js';
import { displayValue, scrubText } from './format-value.js';
import { mdCellText, mdCode, mdText } from '../common/index.js';

export interface BisectMarkdownOptions {
  /** Heading level of the section titles (default 2). */
  readonly level?: number;
  /** Title of the first heading; default `qwen-probe bisect` at level 1. */
  readonly title?: string;
}

/** Text safe inside a table cell. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export { mdCode };

/** The Markdown text, ending with a newline. */
export function renderBisectMarkdown(result: BisectResult<FindingChange>, options: BisectMarkdownOptions = {}): string {
  const level = options.level ?? 2;
  const h = (n: number) => '#'.repeat(Math.min(6, n));
  const out: string[] = [];
  if (options.title !== undefined || options.level === undefined)
    out.push(`${h(level - 1)} ${options.title ?? 'qwen-probe bisect'}`, '');
  out.push(`**Verdict: ${result.verdict}.** ${mdText(scrubText(result.explanation))}`);
  if (result.culprits.length > 0) {
    out.push('', `${h(level)} ${result.verdict === 'found' ? 'Culprits' : 'Best set so far (unconfirmed)'}`, '');
    out.push('| # | field | failing (BAD) | working (GOOD) | without it | why |', '|---:|---|---|---|---|---|');
    result.culprits.forEach((c, i) => {
      const bad = c.bad === undefined ? 'missing' : mdCode(mdCell(displayValue(c.bad, c.secret, 50)));
      const good = c.good === undefined ? 'absent' : mdCode(mdCell(displayValue(c.good, c.secret, 50)));
      out.push(
        `| ${i + 1} | ${mdCode(mdCell(c.label))} | ${bad} | ${good} | ${mdCellText(result.withoutEach[c.id] ?? '')} | ` +
          `${mdCellText(scrubText(c.explanation))} |`,
      );
    });
  }
  if (result.transitions.length > 0) {
    out.push('', `${h(level)} How the failure moved`, '');
    for (const t of result.transitions) out.push(`1. ${mdCellText(scrubText(t.explanation))}`);
  }
  if (result.requiredStatus !== 'skipped') {
    out.push('', `${h(level)} Fields the working request needs`, '');
    const status =
      result.requiredStatus === 'complete'
        ? `All ${result.requiredCandidates} fields checked.`
        : `${result.requiredChecked} of ${result.requiredCandidates} fields checked before the budget ran out.`;
    out.push(status, '');
    if (result.required.length === 0) out.push('None of the checked fields is needed on its own.');
    for (const r of result.required)
      out.push(`- ${mdCode(r.label)}: without it ${r.failure !== undefined ? mdText(r.failure) : 'it fails'}`);
  }
  out.push('', `${h(level)} Probes`, '');
  out.push(
    `${result.probes} of at most ${result.budget} (${result.culpritProbes} to find and confirm the culprits; one ` +
      `difference at a time would take ${result.naiveProbes}).`,
    '',
  );
  out.push(
    '<details><summary>Probe log</summary>',
    '',
    '| # | purpose | applied / removed | verdict | ms |',
    '|---:|---|---|---|---:|',
  );
  for (const e of result.log) {
    const subset =
      e.subset.length > 4 ? `${e.subset.slice(0, 4).join(', ')} +${e.subset.length - 4}` : e.subset.join(', ');
    out.push(
      `| ${e.n} | ${e.purpose}${e.retry ? ' (retry)' : ''} | ${mdCellText(subset)} | ` +
        `${e.outcome}${e.failure ? `: ${mdCellText(e.failure)}` : ''} | ${e.ms} |`,
    );
  }
  out.push('', '</details>');
  return `${out.join('\n')}\n`;
}
