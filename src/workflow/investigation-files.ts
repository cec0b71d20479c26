/**
 * The files an investigation leaves in its folder. Captures are written redacted, since the folder
 * is meant to be attached to an issue; the reports never hold a secret's value in the first place.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openCaptureWriter } from '../exchange/capture-writer.js';
import type { Exchange } from '../exchange/exchange.js';
import type { InvestigationFile, InvestigationReport } from '../report/investigation-model.js';
import { renderInvestigationHtml } from '../report/investigation-html.js';
import { renderInvestigationMarkdown } from '../report/investigation-markdown.js';

/** Writes exchanges as a redacted (shareable) capture. */
export async function writeRedactedCapture(
  path: string,
  exchanges: readonly Exchange[],
  comment: string,
): Promise<void> {
  const writer = await openCaptureWriter(path, { redacted: true, overwrite: true, comment });
  try {
    for (const exchange of exchanges) await writer.append(exchange);
  } finally {
    await writer.close();
  }
}

/** The two reports every investigation ends with, as the report's file list names them. */
export const REPORT_FILES: readonly InvestigationFile[] = [
  { name: 'report.md', description: 'this story in Markdown' },
  { name: 'report.html', description: 'this story as one self-contained page' },
];

/** Writes report.md and report.html into `dir`. */
export async function writeReports(dir: string, report: InvestigationReport): Promise<void> {
  await writeFile(join(dir, 'report.md'), renderInvestigationMarkdown(report));
  await writeFile(join(dir, 'report.html'), renderInvestigationHtml(report));
}
