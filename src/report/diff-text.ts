/**
 * The terminal report: compact, grouped by pair, findings ranked, optional ANSI colour, every line
 * within `width` columns (100 by default). Volatile noise is counted, and listed only on request.
 */
import type { DiffResult, ExchangeRef, PairDiff } from '../diff/diff-result.js';
import type { Finding, FindingCategory } from '../diff/finding.js';
import { findingLabel, findingSide, scrubText, shortUrl } from './format-value.js';

/** Options of the terminal report. */
export interface TextReportOptions {
  /** ANSI colours (the CLI turns them off for NO_COLOR and non-TTY output). */
  readonly color?: boolean | undefined;
  /** List volatile findings too. */
  readonly showVolatile?: boolean | undefined;
  /** Maximum line width; default 100. */
  readonly width?: number | undefined;
  /** Findings listed per pair before "… N more"; default 30. */
  readonly maxPerPair?: number | undefined;
}

const ANSI = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
} as const;
type Style = keyof typeof ANSI;

const CATEGORY_STYLE: Readonly<Record<FindingCategory, Style>> = {
  'request-line': 'red',
  'enum-changed': 'red',
  'required-missing': 'red',
  'shared-mismatch': 'red',
  'kind-mismatch': 'yellow',
  'type-changed': 'yellow',
  'extra-field': 'yellow',
  'value-changed': 'yellow',
  header: 'cyan',
  cosmetic: 'dim',
  volatile: 'dim',
};

/** Word-wraps a sentence to `width`, each line prefixed with `indent`. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const room = width - indent.length;
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(indent + line);
      line = '';
    }
    // A single word longer than the room (a long URL) is cut rather than overflowing.
    line = line === '' ? (word.length > room ? `${word.slice(0, room - 1)}…` : word) : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** The terminal report of a diff. */
export function renderDiffText(result: DiffResult, options: TextReportOptions = {}): string {
  const width = options.width ?? 100;
  const paint = (style: Style, text: string) => (options.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const out: string[] = [];
  out.push(...wrap(`qwen-probe diff: ${result.explanation}`, width, '').map((l) => paint('bold', l)));
  for (const pair of result.pairs) {
    out.push('');
    out.push(...pairLines(pair, width, options, paint));
  }
  const unpaired = [
    ...result.unpaired.good.map((r) => ['good', r] as const),
    ...result.unpaired.bad.map((r) => ['bad', r] as const),
  ];
  if (unpaired.length > 0) {
    out.push('', paint('bold', 'unpaired (no request of the same endpoint on the other side):'));
    for (const [side, ref] of unpaired.slice(0, 50))
      out.push(fit(`  ${side.padEnd(4)} ${ref.label}  ${ref.method} ${shortUrl(ref.url)}`, width));
    if (unpaired.length > 50) out.push(`  … and ${unpaired.length - 50} more`);
  }
  if (result.skipped.good + result.skipped.bad > 0) {
    out.push(
      '',
      paint(
        'dim',
        fit(
          `skipped (not API traffic or another endpoint): ${result.skipped.good} good, ${result.skipped.bad} bad`,
          width,
        ),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

function sideLine(
  side: 'good' | 'bad',
  ref: ExchangeRef,
  width: number,
  paint: (s: Style, t: string) => string,
): string {
  const outcome =
    `${ref.response.status ?? '—'} ` +
    `${ref.response.outcome}${ref.response.events ? ` (${ref.response.events} events)` : ''}`;
  const head = `  ${side.padEnd(4)} ${ref.source.padEnd(9)} ${ref.method} `;
  const room = Math.max(10, width - head.length - outcome.length - 3);
  const line = `${head}${shortUrl(ref.url, room)}`;
  return `${line} → ${paint(ref.response.ok ? 'green' : 'red', outcome)}`;
}

function pairLines(
  pair: PairDiff,
  width: number,
  options: TextReportOptions,
  paint: (s: Style, t: string) => string,
): string[] {
  const lines: string[] = [];
  lines.push(
    paint(
      'bold',
      fit(`▸ pair ${pair.index}: ${pair.good.label}${pair.forced ? ` ↔ ${pair.bad.label} (forced)` : ''}`, width),
    ),
  );
  lines.push(sideLine('good', pair.good, width, paint), sideLine('bad', pair.bad, width, paint));
  const shown = pair.findings.filter((f) => options.showVolatile || !f.volatile);
  const hiddenVolatile = pair.findings.length - shown.length;
  if (shown.length === 0) lines.push(paint('green', '  no differences but volatile values'));
  const max = options.maxPerPair ?? 30;
  for (const f of shown.slice(0, max)) lines.push(...findingLines(f, width, paint));
  if (shown.length > max) lines.push(paint('dim', `  … and ${shown.length - max} more (see --format json)`));
  if (hiddenVolatile > 0)
    lines.push(
      paint(
        'dim',
        `  + ${hiddenVolatile} volatile value${hiddenVolatile === 1 ? ' differs' : 's differ'} as expected ` +
          `(--show-volatile lists them)`,
      ),
    );
  return lines;
}

function findingLines(f: Finding, width: number, paint: (s: Style, t: string) => string): string[] {
  const rank = String(f.rank).padStart(3);
  const label = findingLabel(f);
  const change = f.change.padEnd(12);
  const head = `${rank}  ${label.padEnd(Math.min(34, Math.max(label.length, 20)))} ${change}`;
  const room = width - head.length - 4;
  let values = '';
  if (f.id !== 'header-order' && room > 12) {
    const half = Math.floor((room - 3) / 2);
    values =
      f.change === 'missing'
        ? findingSide(f, 'good', room)
        : f.change === 'extra'
          ? findingSide(f, 'bad', room)
          : `${findingSide(f, 'good', half)} → ${findingSide(f, 'bad', half)}`;
  }
  const first = `${paint(CATEGORY_STYLE[f.category], fit(head, width))}${values ? ` ${values}` : ''}`;
  const lines = [first, ...wrap(scrubText(f.explanation), width, '       ').map((l) => paint('dim', l))];
  if (f.textDiff) {
    // Markers rather than colour alone, so the diff survives NO_COLOR and copy-paste.
    const plain = f.textDiff
      .map((p) => (p.op === 'added' ? `[+${p.text}]` : p.op === 'removed' ? `[-${p.text}]` : p.text))
      .join('');
    lines.push(...wrap(scrubText(plain), width, '       | '));
  }
  return lines;
}
