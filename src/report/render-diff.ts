/**
 * One entry point for the four diff report formats, and the rule that picks a format from a file
 * name (`--out reports/x.html`). Pure: the caller writes the text wherever it wants.
 */
import type { DiffResult } from '../diff/diff-result.js';
import { renderDiffHtml } from './diff-html.js';
import { renderDiffJson } from './diff-json.js';
import { renderDiffMarkdown } from './diff-markdown.js';
import { renderDiffText } from './diff-text.js';

/** The formats `--format` accepts. */
export const REPORT_FORMATS = ['text', 'md', 'json', 'html'] as const;
/** One of REPORT_FORMATS. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Options passed to whichever renderer the format picks. */
export interface RenderOptions {
  readonly color?: boolean | undefined;
  readonly showVolatile?: boolean | undefined;
  readonly width?: number | undefined;
  readonly title?: string | undefined;
}

/** The format a file name asks for, or undefined for an unknown extension. */
export function reportFormatFor(fileName: string): ReportFormat | undefined {
  const ext = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  switch (ext) {
    case 'html':
    case 'htm':
      return 'html';
    case 'md':
    case 'markdown':
      return 'md';
    case 'json':
      return 'json';
    case 'txt':
    case 'text':
    case 'log':
      return 'text';
    default:
      return undefined;
  }
}

/** A diff report in the given format. */
export function renderDiff(result: DiffResult, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderDiffText(result, { color: options.color, showVolatile: options.showVolatile, width: options.width });
    case 'md':
      return renderDiffMarkdown(result, { showVolatile: options.showVolatile });
    case 'json':
      return renderDiffJson(result);
    case 'html':
      return renderDiffHtml(result, { title: options.title });
  }
}
