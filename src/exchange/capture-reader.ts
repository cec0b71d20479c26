/**
 * Reading captures: ours of any format version, or HAR files from other tools. `streamCapture`
 * hands out exchanges one at a time from a file read in chunks, so memory stays flat however large
 * the capture; `readCapture` collects them.
 *
 * Repair: a file that ends early or breaks off (a writer killed mid-write, a partial copy) is read
 * up to its last complete entry and reported with `meta.repaired`. The last entry before the break
 * is checked with care: a torn write can leave something that looks complete but is not an entry,
 * and that one is dropped (no writer reported it as written).
 */
import { createReadStream } from 'node:fs';
import { ProbeError, isProbeError } from './errors.js';
import type { Exchange, ExchangeSource } from './exchange.js';
import type { HarCreator, HarEntry } from './har-types.js';
import { CURRENT_FORMAT_VERSION, formatVersionOf, migrateHarEntry } from './har-migrate.js';
import { decodeHarEntry } from './har-entry-decoder.js';
import { HarScanner, type ScanEvent } from './har-scanner.js';
import type { Capture, CaptureMeta } from './capture-file.js';
import type { SideFiles } from './foreign-har-entry.js';

/** How to read a HAR capture. */
export interface CaptureReadOptions {
  /** Where Playwright `content: 'attach'` bodies (`_file`) are: the HAR's folder, or its zip. */
  readonly sideFiles?: SideFiles | undefined;
}

/** Log fields worth keeping; others (pages, browser) are skipped without being held in memory. */
const LOG_FIELDS = new Set(['version', 'creator', 'comment', '_formatVersion', '_source', '_redacted']);

/** Chunk size: large enough that per-chunk overhead vanishes, small enough to be irrelevant in RSS. */
const CHUNK_BYTES = 256 * 1024;

/** Exchanges of a capture as an async iterable; `meta` is complete once iteration has finished. */
export interface CaptureStream extends AsyncIterable<Exchange> {
  readonly meta: CaptureMeta;
}

/** Reads a whole capture into memory. Throws ProbeError `E_CAPTURE_FORMAT` for non-HAR input. */
export async function readCapture(path: string, options: CaptureReadOptions = {}): Promise<Capture> {
  const stream = streamCapture(path, options);
  const exchanges: Exchange[] = [];
  for await (const ex of stream) exchanges.push(ex);
  return { exchanges, meta: stream.meta };
}

/** Streams the exchanges of a capture, reading the file in chunks (see `HarScanner`). */
export function streamCapture(path: string, options: CaptureReadOptions = {}): CaptureStream {
  return new CaptureReader(path, () => createReadStream(path, { highWaterMark: CHUNK_BYTES }), options);
}

/**
 * Streams the exchanges of a capture that arrives in chunks from anywhere (a socket, a gunzip
 * stream, a test). Chunks are UTF-8 bytes, or strings that do not split a surrogate pair. `label`
 * stands for the file path in messages and in `meta.path`.
 */
export function streamCaptureChunks(
  chunks: Iterable<Chunkish> | AsyncIterable<Chunkish>,
  label: string,
  options: CaptureReadOptions = {},
): CaptureStream {
  return new CaptureReader(label, () => chunks, options);
}

type Chunkish = string | Uint8Array;

function toBuffer(chunk: Chunkish): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

class CaptureReader implements CaptureStream {
  private fields = new Map<string, unknown>();
  private declaredVersion: number | undefined;
  private problems: string[] = [];
  private count = 0;
  private repaired = false;
  private pending: { json: Buffer; index: number } | undefined;

  constructor(
    private readonly path: string,
    private readonly open: () => Iterable<Chunkish> | AsyncIterable<Chunkish>,
    private readonly options: CaptureReadOptions = {},
  ) {}

  get meta(): CaptureMeta {
    const creator = this.fields.get('creator') as HarCreator | undefined;
    const comment = this.fields.get('comment');
    const source = this.fields.get('_source');
    return {
      path: this.path,
      formatVersion: this.declaredVersion ?? 0,
      ...(creator !== undefined && { creator }),
      ...(typeof comment === 'string' && { comment }),
      ...(typeof source === 'string' && { source: source as ExchangeSource }),
      redacted: this.fields.get('_redacted') === true,
      repaired: this.repaired,
      problems: [...this.problems],
      entryCount: this.count,
    };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Exchange> {
    this.fields.clear();
    this.declaredVersion = undefined;
    this.problems = [];
    this.count = 0;
    this.repaired = false;
    this.pending = undefined;
    const scanner = new HarScanner(LOG_FIELDS);
    let sawEntries = false;
    try {
      for await (const chunk of this.open()) {
        for (const event of scanner.push(toBuffer(chunk as Chunkish))) {
          if (event.kind === 'entries-start') sawEntries = true;
          const ready = this.take(event);
          if (ready) {
            this.count += 1;
            yield ready;
          }
        }
      }
    } catch (error) {
      throw isProbeError(error) ? error : fileError(this.path, error);
    }
    const outcome = scanner.end();
    if (!sawEntries) {
      const why = outcome.kind === 'complete' ? 'it has no log.entries array' : outcome.problem;
      throw new ProbeError('E_CAPTURE_FORMAT', `${this.path} is not a HAR capture: ${why}`);
    }
    if (outcome.kind === 'complete') return;
    this.repaired = true;
    // (Read through a method: TS would narrow `this.pending` to the `undefined` assigned above.)
    const last = this.takePending();
    if (last) {
      try {
        const ex = this.decode(last);
        this.count += 1;
        yield ex;
      } catch (error) {
        this.problems.push(
          `dropped entry ${last.index + 1}, the last one before the damage: ${(error as Error).message}`,
        );
      }
    }
    this.problems.push(`${outcome.problem}; kept the ${this.count} complete entries before it`);
  }

  /** Handles one scanner event; returns an exchange when one is ready to hand out. */
  private take(event: ScanEvent): Exchange | undefined {
    switch (event.kind) {
      case 'log-field': {
        const value = this.parse(event.json, `log.${event.name}`);
        this.fields.set(event.name, value);
        if (event.name === '_formatVersion') {
          const version = this.withPath(() => formatVersionOf({ _formatVersion: value }));
          // A version written after the entries (never by our writer) only feeds the meta.
          if (this.declaredVersion === undefined) this.declaredVersion = version;
        }
        return undefined;
      }
      case 'entries-start':
        return undefined;
      case 'entry': {
        // Hold each entry back until the next one starts: if the file breaks off, the last complete
        // entry is the one a torn write may have damaged, and it is checked leniently at the end.
        const previous = this.pending;
        this.pending = { json: event.json, index: event.index };
        return previous ? this.decode(previous) : undefined;
      }
      case 'entries-end': {
        const last = this.takePending();
        return last ? this.decode(last) : undefined;
      }
    }
  }

  private takePending(): { json: Buffer; index: number } | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }

  private decode({ json, index }: { json: Buffer; index: number }): Exchange {
    const entry = this.parse(json, `entry ${index + 1}`) as HarEntry;
    const source = this.fields.get('_source');
    const defaultSource = typeof source === 'string' ? (source as ExchangeSource) : 'browser';
    // Without a declared version, an entry with `_source` is ours and one without is foreign.
    const version = this.declaredVersion ?? (typeof entry?._source === 'string' ? CURRENT_FORMAT_VERSION : 0);
    return this.withPath(() =>
      decodeHarEntry(
        migrateHarEntry(entry, version, { index, defaultSource, sideFiles: this.options.sideFiles }),
        index,
      ),
    );
  }

  private parse(json: Buffer, what: string): unknown {
    try {
      return JSON.parse(json.toString('utf8'));
    } catch (error) {
      throw new ProbeError('E_CAPTURE_FORMAT', `${this.path}: ${what} is not valid JSON (${(error as Error).message})`);
    }
  }

  /** Runs `fn`, prefixing the file path to a ProbeError's message so the user knows which file. */
  private withPath<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (isProbeError(error) && !error.message.startsWith(this.path)) {
        throw new ProbeError(error.code, `${this.path}: ${error.message}`, {
          cause: error,
          ...(error.hint !== undefined && { hint: error.hint }),
        });
      }
      throw error;
    }
  }
}

function fileError(path: string, error: unknown): ProbeError {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
  };
  const reason = (code !== undefined ? reasons[code] : undefined) ?? (error as Error).message;
  return new ProbeError('E_INPUT', `cannot read capture ${path}: ${reason}`, { cause: error });
}
