/**
 * Versions of our `_` extensions to HAR, and the steps that bring an older file up to date. A HAR
 * written by another tool (Chrome DevTools, Playwright `recordHar`, Firefox) has no
 * `log._formatVersion` and counts as version 0; step 0 -> 1 fills our fields from what those tools
 * write. Each future change to the format adds one step here, so old captures keep loading.
 *
 * Steps work entry by entry so that `streamCapture` can migrate a 200 MB file without holding it.
 */
import { ProbeError } from './errors.js';
import type { ExchangeError, ExchangeSource, ExchangeTimings } from './exchange.js';
import type { HarEntry, HarLog } from './har-types.js';
import { adaptForeignEntry, type SideFiles } from './foreign-har-entry.js';

/** The format version this code writes. */
export const CURRENT_FORMAT_VERSION = 1;

/** What an entry step may know about the log around it. */
export interface MigrationContext {
  /** Position of the entry in `log.entries`, from 0. */
  readonly index: number;
  /** Source to give entries that carry none (`log._source`, else `browser`). */
  readonly defaultSource: ExchangeSource;
  /** Where Playwright's `_file` bodies are (the folder or zip of the HAR); unresolved without. */
  readonly sideFiles?: SideFiles | undefined;
}

/** One step: from version `from` to `from + 1`. */
export interface MigrationStep {
  readonly from: number;
  /** One sentence for humans: what the step changes. */
  readonly explain: string;
  readonly entry: (entry: HarEntry, context: MigrationContext) => HarEntry;
}

/** The steps, in order. `MIGRATIONS[n].from === n`. */
export const MIGRATIONS: readonly MigrationStep[] = [
  {
    from: 0,
    explain:
      'a HAR from another tool gets an id from its position, a default source, its timings and its failure text; ' +
      'side-file bodies are read, base64 text bodies decoded, form params become the body',
    entry: (entry, { index, defaultSource, sideFiles }) => {
      if (typeof entry._source === 'string') return entry; // already ours (a v1 entry in an unversioned log)
      const migrated: HarEntry = {
        ...adaptForeignEntry(entry, sideFiles),
        _id: typeof entry._id === 'string' ? entry._id : `har-${index + 1}`,
        _source: defaultSource,
      };
      const timings = timingsFromHar(entry);
      if (timings) migrated._timings = timings;
      const error = errorFromHar(entry);
      if (error && entry._error === undefined) migrated._error = error;
      if (typeof entry.comment === 'string' && entry.comment !== '' && entry._notes === undefined)
        migrated._notes = entry.comment;
      return migrated;
    },
  },
];

/** The version a log declares, 0 when it declares none. Throws for versions this code cannot read. */
export function formatVersionOf(log: { _formatVersion?: unknown }): number {
  const version = log._formatVersion ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new ProbeError(
      'E_CAPTURE_FORMAT',
      `log._formatVersion must be a non-negative integer, got ${JSON.stringify(version)}`,
    );
  }
  if (version > CURRENT_FORMAT_VERSION) {
    throw new ProbeError(
      'E_CAPTURE_FORMAT',
      `capture format version ${version} is newer than this qwen-probe reads (up to ${CURRENT_FORMAT_VERSION})`,
      { hint: 'Update qwen-probe to read this capture.' },
    );
  }
  return version;
}

/** Brings one entry from `fromVersion` to the current version. */
export function migrateHarEntry(entry: HarEntry, fromVersion: number, context: MigrationContext): HarEntry {
  let current = entry;
  for (const step of MIGRATIONS.slice(fromVersion)) current = step.entry(current, context);
  return current;
}

/** Brings a whole log to the current version; returns a new log, the input is not changed. */
export function migrateHar(log: HarLog): HarLog {
  const fromVersion = formatVersionOf(log);
  const defaultSource = log._source ?? 'browser';
  const entries = log.entries.map((entry, index) => migrateHarEntry(entry, fromVersion, { index, defaultSource }));
  return { ...log, entries, _formatVersion: CURRENT_FORMAT_VERSION };
}

/** Exchange timings from HAR timings; -1 and missing values mean unknown and are left out. */
function timingsFromHar(entry: HarEntry): ExchangeTimings | undefined {
  const known = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
  const timings: { wait?: number; receive?: number; total?: number } = {};
  if (known(entry.timings?.wait)) timings.wait = entry.timings.wait;
  if (known(entry.timings?.receive)) timings.receive = entry.timings.receive;
  if (known(entry.time)) timings.total = entry.time;
  return Object.keys(timings).length > 0 ? timings : undefined;
}

/**
 * A failure text as Chrome (`response._error`) or Playwright (`response._failureText`) write it for a
 * request that got no response. `net::ERR_CONNECTION_RESET` becomes code `ERR_CONNECTION_RESET`.
 */
function errorFromHar(entry: HarEntry): ExchangeError | undefined {
  const text = entry.response?._error ?? entry.response?._failureText;
  if (typeof text !== 'string' || text === '') return undefined;
  const code = /(ERR_[A-Z0-9_]+)/.exec(text)?.[1] ?? text.replace(/^net::/, '');
  return { code, message: text };
}
