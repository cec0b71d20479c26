/**
 * The Markdown report, for an issue or a pull request: a summary, then per pair a ranked table of
 * findings with one explaining sentence each, text diffs as ```diff blocks, and the volatile
 * values folded into a <details> block. Deterministic, so golden files can hold it.
 */
import type { DiffResult, ExchangeRef, PairDiff } from '../diff/diff-result.js';
import type { Finding } from '../diff/finding.js';
import { findingLabel, findingSide, scrubText, shortUrl } from './format-value.js';
import { mdCellCode, mdCellText, mdCode, mdText } from '../common/index.js';

/** Options of the Markdown report. */
export interface MarkdownReportOptions {
  /** List volatile findings in the main table instead of a folded block. */
  readonly showVolatile?: boolean | undefined;
  /** Findings listed per pair; default 60. */
  readonly maxPerPair?: number | undefined;
  /** Pairs listed; default 100. */
  readonly maxPairs?: number | undefined;
}

const code = mdCode;

function exchangeLine(side: string, ref: ExchangeRef): string {
  const r = ref.response;
  const outcome =
    r.status === undefined
      ? mdCellText(r.outcome)
      : `${r.status} ${r.ok ? '✅' : '❌'} ${mdCellText(r.outcome)}${r.events ? ` (${r.events} events)` : ''}`;
  return `- **${side}** (${ref.source}): ${code(`${ref.method} ${shortUrl(ref.url, 90)}`)} → ${outcome}`;
}

function findingRow(f: Finding): string {
  const good = f.change === 'extra' ? '' : mdCellCode(findingSide(f, 'good', 50));
  const bad = f.change === 'missing' ? '' : mdCellCode(findingSide(f, 'bad', 50));
  return (
    `| ${f.rank} | ${mdCellCode(findingLabel(f))} | ${f.change} | ${good} | ${bad} | ` +
    `${mdCellText(scrubText(f.explanation))} |`
  );
}

const TABLE_HEAD = ['| # | field | change | working (GOOD) | failing (BAD) | why |', '|---:|---|---|---|---|---|'];

function textDiffBlock(f: Finding): string[] {
  if (!f.textDiff) return [];
  const lines = ['', `Text diff of ${code(findingLabel(f))} (\`-\` working, \`+\` failing):`, '', '```diff'];
  for (const part of f.textDiff) {
    const prefix = part.op === 'added' ? '+ ' : part.op === 'removed' ? '- ' : '  ';
    for (const line of scrubText(part.text).split('\n'))
      if (line.trim() !== '') lines.push(`${prefix}${line.replace(/```/g, '`\u200b``')}`);
  }
  lines.push('```');
  return lines;
}

function pairSection(pair: PairDiff, options: MarkdownReportOptions): string[] {
  const out = [
    '',
    `## Pair ${pair.index}: ${mdCellText(pair.good.label)}${pair.forced ? ` ↔ ${mdCellText(pair.bad.label)} (forced)` : ''}`,
    '',
  ];
  out.push(exchangeLine('GOOD', pair.good), exchangeLine('BAD', pair.bad), '', mdText(scrubText(pair.explanation)));
  const main = pair.findings.filter((f) => options.showVolatile || !f.volatile);
  const volatile = options.showVolatile ? [] : pair.findings.filter((f) => f.volatile);
  const max = options.maxPerPair ?? 60;
  if (main.length > 0) {
    out.push('', ...TABLE_HEAD, ...main.slice(0, max).map(findingRow));
    if (main.length > max) out.push('', `… and ${main.length - max} more findings (see the JSON report).`);
    for (const f of main.slice(0, max)) out.push(...textDiffBlock(f));
  }
  if (volatile.length > 0) {
    out.push(
      '',
      `<details><summary>${volatile.length} volatile value${volatile.length === 1 ? ' differs' : 's differ'} as ` +
        `expected</summary>`,
      '',
    );
    out.push(...TABLE_HEAD, ...volatile.map(findingRow), '', '</details>');
  }
  return out;
}

/** The Markdown report of a diff. */
export function renderDiffMarkdown(result: DiffResult, options: MarkdownReportOptions = {}): string {
  const s = result.summary;
  const out = ['# qwen-probe diff', '', `**Verdict: ${result.verdict}.** ${mdText(scrubText(result.explanation))}`, ''];
  out.push('| pairs | findings | volatile | unpaired (GOOD / BAD) | ignored |', '|---:|---:|---:|---|---:|');
  out.push(`| ${s.pairs} | ${s.findings} | ${s.volatile} | ${s.unpairedGood} / ${s.unpairedBad} | ${s.ignored} |`);
  const maxPairs = options.maxPairs ?? 100;
  for (const pair of result.pairs.slice(0, maxPairs)) out.push(...pairSection(pair, options));
  if (result.pairs.length > maxPairs)
    out.push('', `… and ${result.pairs.length - maxPairs} more pairs (see the JSON report).`);
  const unpaired = [
    ...result.unpaired.good.map((r) => ['GOOD', r] as const),
    ...result.unpaired.bad.map((r) => ['BAD', r] as const),
  ];
  if (unpaired.length > 0) {
    out.push('', '## Unpaired', '', 'No request of the same endpoint on the other side:', '');
    for (const [side, ref] of unpaired.slice(0, 100))
      out.push(`- ${side} ${code(ref.label)}: ${code(`${ref.method} ${shortUrl(ref.url, 90)}`)}`);
    if (unpaired.length > 100) out.push(`- … and ${unpaired.length - 100} more`);
  }
  if (result.skipped.good + result.skipped.bad > 0) {
    out.push(
      '',
      `_Skipped before pairing (not API traffic, or another endpoint): ${result.skipped.good} GOOD, ` +
        `${result.skipped.bad} BAD._`,
    );
  }
  return `${out.join('\n')}\n`;
}
