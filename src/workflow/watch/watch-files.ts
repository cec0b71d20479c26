/**
 * What `watch` keeps in OUT: `rounds.jsonl` (one record per round, appended and flushed to disk
 * before the round is over, so a crash loses nothing finished), dated drift reports in
 * `reports/` (md and html), the timeline `index.html` (rewritten whole, by rename, so a reader
 * never sees half of it), the rounds' browser captures in `captures/` (redacted) and the baseline
 * protocol in `baseline/` when no --baseline was given.
 */
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exchange } from '../../exchange/exchange.js';
import {
  renderWatchHtml,
  renderWatchIndexHtml,
  renderWatchMarkdown,
  type WatchRoundRecord,
} from '../../report/index.js';
import { writeRedactedCapture } from '../investigation-files.js';

export const WATCH_FILES = {
  rounds: 'rounds.jsonl',
  index: 'index.html',
  reports: 'reports',
  captures: 'captures',
  baseline: 'baseline',
} as const;

/** `2026-12-07T15-04-05Z`: a time safe in file names, sortable. */
export function fileStamp(iso: string): string {
  return `${iso.slice(0, 19).replace(/:/g, '-')}Z`;
}

/** The records so far, oldest first; a torn last line (a crash mid-write) is skipped. */
export async function readRounds(out: string): Promise<WatchRoundRecord[]> {
  let text: string;
  try {
    text = await readFile(join(out, WATCH_FILES.rounds), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const records: WatchRoundRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as WatchRoundRecord);
    } catch {
      // A line a crash cut short: the round it belonged to never finished.
    }
  }
  return records;
}

/** Appends one record and flushes it to disk before returning. */
export async function appendRound(out: string, record: WatchRoundRecord): Promise<void> {
  await mkdir(out, { recursive: true });
  const file = await open(join(out, WATCH_FILES.rounds), 'a');
  try {
    await file.write(`${JSON.stringify(record)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Writes the round's drift report (md and html); returns the md's path relative to OUT. */
export async function writeDriftReport(out: string, record: WatchRoundRecord): Promise<string> {
  const dir = join(out, WATCH_FILES.reports);
  await mkdir(dir, { recursive: true });
  const name = `drift-${fileStamp(record.startedAt)}-round-${record.round}`;
  await writeFile(join(dir, `${name}.html`), renderWatchHtml(record));
  await writeFile(join(dir, `${name}.md`), renderWatchMarkdown(record));
  return `${WATCH_FILES.reports}/${name}.md`;
}

/** Rewrites OUT/index.html from the records. */
export async function writeIndex(out: string, records: readonly WatchRoundRecord[], target: string): Promise<void> {
  const path = join(out, WATCH_FILES.index);
  await writeFile(`${path}.tmp`, renderWatchIndexHtml(records, target));
  await rename(`${path}.tmp`, path);
}

/** Writes the round's browser capture (redacted); returns its path relative to OUT. */
export async function writeRoundCapture(
  out: string,
  round: number,
  startedAt: string,
  exchanges: readonly Exchange[],
): Promise<string> {
  await mkdir(join(out, WATCH_FILES.captures), { recursive: true });
  const relative = `${WATCH_FILES.captures}/round-${round}-${fileStamp(startedAt)}.har`;
  await writeRedactedCapture(join(out, relative), exchanges, `qwen-probe watch round ${round}`);
  return relative;
}
