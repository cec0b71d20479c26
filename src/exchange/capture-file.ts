/**
 * The on-disk capture format. A capture is a HAR 1.2 file (`*.har`) laid out so that it can be
 * written incrementally, survive a crash, and be read as a stream:
 *
 *     {"log":{"version":"1.2","creator":{...},"_formatVersion":1,"_source":"browser","entries":[
 *     {...entry 1 on one line...},
 *     {...entry 2 on one line...}
 *     ]}}
 *
 * - The log fields come first and `entries` last, so a streaming reader knows the format version
 *   before the first entry.
 * - One entry per line keeps captures greppable and diffs of captures readable.
 * - The closing `\n]}}\n` (the trailer) is rewritten after every write: a write carries
 *   `,\n<entry>` for each append queued since the last one (group commit), then `\n]}}\n`, over
 *   the old trailer, and then syncs, so after every completed write the file is valid HAR that any
 *   tool opens. A crash in the middle of a write can leave a torn last entry, which no append had
 *   reported as done; `readCapture` drops it and says so (entries of that write that are whole stay).
 *
 * Permissions: a capture may hold tokens and cookies, so files are created 0600 (owner only),
 * unless the writer redacts every entry (`redacted: true`), in which case they are 0644.
 */
import type { Exchange, ExchangeSource } from './exchange.js';
import type { HarCreator } from './har-types.js';

/** Closes the entries array, the log and the document. Overwritten by the next append. */
export const CAPTURE_TRAILER = '\n]}}\n';

/** Mode of a capture that may hold secrets. */
export const SECRET_FILE_MODE = 0o600;

/** Mode of a redacted capture, which is meant to be shared. */
export const SHAREABLE_FILE_MODE = 0o644;

/** Facts about a capture file beyond its exchanges. */
export interface CaptureMeta {
  readonly path: string;
  /** Format version on disk: 0 for a HAR written by another tool. Entries are migrated on read. */
  readonly formatVersion: number;
  readonly creator?: HarCreator;
  readonly comment?: string;
  /** Default source of the capture's entries (`log._source`). */
  readonly source?: ExchangeSource;
  /** True when the writer redacted every entry (`log._redacted`). */
  readonly redacted: boolean;
  /**
   * True when the file was not complete HAR (a crash, a partial copy) and was read up to its last
   * complete entry. `problems` says what was wrong.
   */
  readonly repaired: boolean;
  /** One sentence per problem met while reading, e.g. a torn last entry that was dropped. */
  readonly problems: readonly string[];
  /** Number of exchanges read. */
  readonly entryCount: number;
}

/** A capture read whole. */
export interface Capture {
  readonly exchanges: Exchange[];
  readonly meta: CaptureMeta;
}
