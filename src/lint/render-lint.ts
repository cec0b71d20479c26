/**
 * A lint result as text (terminal), markdown (a CI summary or a pull request comment) or JSON (a
 * documented, versioned schema for scripts). Everything shown was made safe when the issues were
 * built: secrets appear as their kind, never their value.
 */
import { mdCellCode, mdCellText, mdText } from '../common/index.js';
import type { LintIssue } from './lint-issue.js';
import type { LintResult } from './lint-capture.js';

export const LINT_FORMATS = ['text', 'md', 'json'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

/** Version of the JSON output; additive changes keep it, renames and removals bump it. */
export const LINT_JSON_SCHEMA_VERSION = 1;

/** The JSON output: the result as it is, with its schema version. */
export interface LintJsonReport extends LintResult {
  readonly schemaVersion: typeof LINT_JSON_SCHEMA_VERSION;
  readonly tool: 'qwen-probe lint';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function endpointsLine(result: LintResult): string {
  const parts = Object.entries(result.endpoints).map(([name, n]) => `${name} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function againstLine(result: LintResult): string {
  const captures = result.against.captures.length > 0 ? ` of ${result.against.captures.join(', ')}` : '';
  return `against the protocol learnt from ${plural(result.against.exchanges, 'exchange')}${captures}`;
}

/** Word-wraps `text` to `width` columns, each line starting with `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

function field(issue: LintIssue): string {
  return issue.path === '' ? issue.location : `${issue.location} ${issue.path}`;
}

/** The terminal report; lists at most `max` issues (default 40) and counts the rest. */
export function renderLintText(result: LintResult, options: { width?: number; max?: number } = {}): string {
  const width = options.width ?? 100;
  const max = options.max ?? 40;
  const head =
    result.verdict === 'clean'
      ? `qwen-probe lint: clean, ${plural(result.requests, 'request')}${endpointsLine(result)} look like the browser's`
      : `qwen-probe lint: ${plural(result.issues.length, 'issue')} in ${plural(result.requests, 'request')}` +
        endpointsLine(result);
  const lines = [head, ...wrap(againstLine(result), width, '  ')];
  if (result.requests === 0) lines.push('  the capture holds no API requests: nothing to check');
  for (const issue of result.issues.slice(0, max)) {
    lines.push('', `${String(issue.rank).padStart(3)}. ${issue.endpoint}  ${field(issue)}  [${issue.problem}]`);
    lines.push(...wrap(issue.explanation, width, '     '));
  }
  if (result.issues.length > max) lines.push('', `  … ${result.issues.length - max} more (--format json lists all)`);
  return `${lines.join('\n')}\n`;
}

/**
 * The markdown report: a verdict line and a table of every issue. Values come from captures (the
 * client's and the browser's), and the report is read in viewers that render HTML (a pull request
 * comment, a CI summary): they go into code spans or are escaped, as in every Markdown report.
 */
export function renderLintMarkdown(result: LintResult): string {
  const verdict = result.verdict === 'clean' ? 'clean' : 'issues';
  const lines = [
    '# qwen-probe lint',
    '',
    `**Verdict: ${verdict}.** ${mdText(result.explanation.replace(/\.$/, ''))}. Checked ` +
      `${plural(result.requests, 'request')}${mdText(endpointsLine(result))} ${mdText(againstLine(result))}.`,
  ];
  if (result.issues.length > 0) {
    lines.push(
      '',
      '| # | endpoint | field | problem | the browser sends | this client sends | requests | why |',
      '|---:|---|---|---|---|---|---:|---|',
    );
    for (const issue of result.issues)
      lines.push(
        `| ${issue.rank} | ${mdCellText(issue.endpoint)} | ${mdCellCode(field(issue))} | ${issue.problem} | ` +
          `${mdCellText(issue.expected)} | ${mdCellText(issue.actual)} | ${issue.requests.length} of ` +
          `${issue.ofRequests} | ${mdCellText(issue.explanation)} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON report (`LintJsonReport`). */
export function renderLintJson(result: LintResult): string {
  const report: LintJsonReport = { schemaVersion: LINT_JSON_SCHEMA_VERSION, tool: 'qwen-probe lint', ...result };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** A lint result in one of the formats. */
export function renderLint(result: LintResult, format: LintFormat, options: { width?: number } = {}): string {
  if (format === 'md') return renderLintMarkdown(result);
  if (format === 'json') return renderLintJson(result);
  return renderLintText(result, options);
}
