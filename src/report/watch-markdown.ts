/**
 * A dated drift report of `watch` in Markdown: what changed, when it was first seen, what it breaks
 * in a client, and the evidence. Captured text is escaped as in every report (scrubText, mdCell,
 * mdCode), so a hostile page or answer cannot inject markup.
 */
import { mdCell, mdCode } from './bisect-markdown.js';
import { scrubText } from './format-value.js';
import type { WatchCanary, WatchChange, WatchRoundRecord } from './watch-model.js';

/**
 * Captured text as inert Markdown: table-safe, and `<`, `>`, `&` as entities so no renderer that
 * allows HTML makes an element of it. (Code spans are literal already.)
 */
const cell = (text: string) =>
  mdCell(scrubText(text)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round's state in one line: versions, model count, canaries. */
export function roundSummary(record: WatchRoundRecord): string {
  if (!record.reachable) return `unreachable: ${record.unreachable ?? 'no answer'}`;
  const parts: string[] = [];
  if (record.frontEnd) parts.push(`version ${record.frontEnd.version ?? '?'}, bx-v ${record.frontEnd.bxV ?? '?'}`);
  if (record.models) parts.push(`${record.models.length} models`);
  for (const c of record.canaries) parts.push(`canary (${c.transport}) ${c.outcome}${c.dual ? ', dual' : ''}`);
  if (record.pageCheck)
    parts.push(
      record.pageCheck.missing.length ? `page check: ${record.pageCheck.missing.join(', ')} missing` : 'page ok',
    );
  if (record.browser) parts.push(record.browser.ok ? 'browser chat ok' : `browser chat failed`);
  return parts.join('; ');
}

function changeSection(change: WatchChange): string[] {
  const out = [`### ${cell(change.explanation)}`, ''];
  out.push(`- kind: ${mdCode(change.kind)}; first seen ${change.firstSeen}`);
  if (change.before !== undefined) out.push(`- before: ${mdCode(scrubText(change.before))}`);
  if (change.after !== undefined) out.push(`- after: ${mdCode(scrubText(change.after))}`);
  if (change.breaks.length > 0) {
    out.push('- breaks in a client built before it:');
    for (const b of change.breaks) out.push(`  - ${cell(b)}`);
  }
  if (change.evidence.length > 0) {
    out.push('- evidence:');
    for (const e of change.evidence) out.push(`  - ${mdCode(scrubText(e))}`);
  }
  out.push('');
  return out;
}

function canaryRow(c: WatchCanary): string {
  return `| ${cell(c.transport)} | ${c.ok ? 'yes' : 'no'} | ${cell(c.outcome)} | ${c.dual ? 'yes' : 'no'} | ${cell(c.detail)} |`;
}

/** The report, ending with a newline. */
export function renderWatchMarkdown(record: WatchRoundRecord): string {
  const out = [
    `# Drift of ${cell(record.target)} seen ${record.startedAt}`,
    '',
    `Round ${record.round}: ${record.changes.length} change${record.changes.length === 1 ? '' : 's'} since the round before. ` +
      cell(roundSummary(record)),
    '',
    '## What changed',
    '',
  ];
  for (const change of record.changes) out.push(...changeSection(change));
  if (record.canaries.length > 0) {
    out.push(
      '## Canary completions',
      '',
      '| transport | answered | outcome | dual | verdict |',
      '|---|---|---|---|---|',
    );
    out.push(...record.canaries.map(canaryRow), '');
  }
  if (record.browser?.capture) out.push(`The browser's capture of this round: ${mdCode(record.browser.capture)}.`, '');
  return `${out.join('\n')}\n`;
}
