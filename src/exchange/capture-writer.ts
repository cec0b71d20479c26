/**
 * Writes a capture incrementally and crash-safely (layout and guarantees in `capture-file.ts`).
 * A process killed at any moment leaves a file that holds every exchange whose `append()` had
 * resolved; after every completed write the file is complete, valid HAR. Appends that queue up
 * while a write is in flight go out together in the next one (group commit), so a busy proxy pays
 * one write per batch rather than one per exchange.
 */
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ProbeError } from './errors.js';
import type { Exchange, ExchangeSource } from './exchange.js';
import type { HarCreator } from './har-types.js';
import { createHarLog, exchangeToHarEntry } from './har-codec.js';
import { CAPTURE_TRAILER, SECRET_FILE_MODE, SHAREABLE_FILE_MODE } from './capture-file.js';
import { createCredentialRedactor, createRedactor, type RedactOptions, type Redactor } from './redact.js';

/** How to open a capture for writing. */
export interface CaptureWriterOptions {
  /** Stored as `log._source`: the default source of the capture's entries. */
  readonly source?: ExchangeSource;
  readonly creator?: HarCreator;
  readonly comment?: string;
  /**
   * Redact every exchange before it is written (one redactor for the whole capture, so a token
   * learnt from one exchange's header is also caught in a later body), and mark `log._redacted`.
   */
  readonly redacted?: boolean;
  readonly redactOptions?: RedactOptions;
  /**
   * The file may hold secrets: create it 0600 and force that mode even against a loose umask.
   * Default: true unless `redacted`.
   */
  readonly secret?: boolean;
  /** File mode, overriding what `secret` / `redacted` choose. */
  readonly mode?: number;
  /** Replace an existing file. Default: refuse with `E_INPUT`, a capture is not lightly thrown away. */
  readonly overwrite?: boolean;
  /** `fdatasync` after every write, before its appends resolve (default true): they then also survive a power cut. */
  readonly sync?: boolean;
}

/**
 * An open capture. Exchanges land in the file in call order, whatever the caller awaits; appends
 * made while a write is in flight share the next write.
 */
export interface CaptureWriter {
  readonly path: string;
  /** Exchanges written so far (appends that resolved). */
  readonly count: number;
  /** Resolves once the exchange is on disk and the file is valid HAR again. */
  append(ex: Exchange): Promise<void>;
  /** Waits for pending appends, then closes the file. Calling it twice is harmless. */
  close(): Promise<void>;
}

/** Creates the capture file with an empty entries array and returns a writer for it. */
export async function openCaptureWriter(path: string, options: CaptureWriterOptions = {}): Promise<CaptureWriter> {
  const redacted = options.redacted === true;
  const secret = options.secret ?? !redacted;
  const mode = options.mode ?? (secret ? SECRET_FILE_MODE : SHAREABLE_FILE_MODE);
  if (options.overwrite === true) {
    // `w` would happily write into a device or a FIFO: only a regular file is ever replaced.
    const existing = await lstat(path).catch(() => undefined);
    if (existing && !existing.isFile())
      throw new ProbeError('E_INPUT', `cannot create capture ${path}: it exists and is not a regular file`);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, options.overwrite === true ? 'w' : 'wx', mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new ProbeError('E_INPUT', `capture ${path} already exists`, {
        hint: 'choose another file name, or add --overwrite to replace it',
        cause: error,
      });
    }
    throw new ProbeError('E_INPUT', `cannot create capture ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    // `open` applies the umask and keeps the mode of a file it truncates; a file that may hold
    // secrets must end up owner-only regardless.
    if (secret || options.mode !== undefined) await handle.chmod(mode);
    const document = JSON.stringify({ log: createHarLog({ ...options, redacted }) });
    // `{"log":{...,"entries":[]}}` minus its last `]}}` is the header the entries follow.
    const header = document.slice(0, -']}}'.length);
    await writeAll(handle, Buffer.from(header + CAPTURE_TRAILER), 0);
    await handle.sync();
    await syncDirectory(dirname(path));
    // A capture that keeps secrets still drops the password (hash) and fresh tokens of a sign-in.
    const redactor = redacted ? createRedactor(options.redactOptions) : createCredentialRedactor(options.redactOptions);
    return new FileCaptureWriter(path, handle, Buffer.byteLength(header), redactor, options.sync ?? true);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error instanceof ProbeError
      ? error
      : new ProbeError('E_INPUT', `cannot write capture ${path}: ${(error as Error).message}`, { cause: error });
  }
}

const TRAILER_BYTES = Buffer.byteLength(CAPTURE_TRAILER);

/**
 * Most characters one write gathers before it goes out; appends beyond it wait for the next write.
 * Large enough that a busy proxy's backlog drains in a few writes, small enough that one write
 * does not hold a burst of big bodies twice in memory (as strings and as bytes).
 */
const MAX_BATCH_CHARS = 1 << 20;

/** An append waiting for its bytes to be written. */
interface QueuedAppend {
  readonly exchange: Exchange;
  readonly done: () => void;
  readonly fail: (error: unknown) => void;
}

/**
 * Group commit: appends that arrive while a write is in flight (or in the same tick as the first)
 * go out together in the next write, over the old trailer, so the file goes from "valid, n
 * entries" to "valid, n+k entries" in one step. A busy proxy then pays one write (and one sync)
 * per batch instead of one per exchange, and every append still resolves only once its own bytes
 * are down.
 */
class FileCaptureWriter implements CaptureWriter {
  private queued: QueuedAppend[] = [];
  /** The running flush loop, while there is one. */
  private flushing: Promise<void> | undefined;
  private written = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Set by a failed write: the tail of the file is then unknown, so no further append may run. */
  private failure: ProbeError | undefined;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    /** Byte offset where the trailer starts, i.e. where the next entry goes. */
    private trailerOffset: number,
    private readonly redactor: Redactor | undefined,
    private readonly sync: boolean,
  ) {}

  get count(): number {
    return this.written;
  }

  append(ex: Exchange): Promise<void> {
    if (this.closed)
      return Promise.reject(new ProbeError('E_INTERNAL', `capture ${this.path} is closed; cannot append ${ex.id}`));
    return new Promise<void>((done, fail) => {
      this.queued.push({ exchange: ex, done, fail });
      this.flushing ??= this.flush();
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return (this.closing ??= (async () => {
      await this.flushing;
      await this.handle.close();
    })());
  }

  private async flush(): Promise<void> {
    // One microtask first: appends made in the same synchronous run (a batch from a worker) join the first write.
    await undefined;
    try {
      while (this.queued.length > 0) await this.writeBatch();
    } finally {
      this.flushing = undefined;
    }
  }

  /** Encodes queued appends in call order (up to MAX_BATCH_CHARS) and writes them in one go. */
  private async writeBatch(): Promise<void> {
    const parts: string[] = [];
    const batch: QueuedAppend[] = [];
    let chars = 0;
    while (this.queued.length > 0 && chars < MAX_BATCH_CHARS) {
      const item = this.queued.shift()!;
      if (this.failure) {
        item.fail(this.failure);
        continue;
      }
      let json: string;
      try {
        // Redacted here, in append order, by the one redactor: a token learnt from one exchange's
        // header is then also caught in a later body. Encoding errors reject this append only.
        json = JSON.stringify(exchangeToHarEntry(this.redactor ? this.redactor.redact(item.exchange) : item.exchange));
      } catch (error) {
        item.fail(error);
        continue;
      }
      const part = `${this.written === 0 && batch.length === 0 ? '\n' : ',\n'}${json}`;
      parts.push(part);
      chars += part.length;
      batch.push(item);
    }
    if (batch.length === 0) return;
    parts.push(CAPTURE_TRAILER);
    const bytes = Buffer.from(parts.join(''));
    try {
      // One write over the old trailer: the file goes from "valid, n entries" to "valid, n+k entries".
      await writeAll(this.handle, bytes, this.trailerOffset);
      if (this.sync) await this.handle.datasync();
    } catch (error) {
      const message =
        `writing capture ${this.path} failed (${(error as Error).message}); it holds the first ` +
        `${this.written} exchanges`;
      this.failure = new ProbeError('E_INTERNAL', message, { cause: error });
      for (const item of batch) item.fail(this.failure);
      return;
    }
    this.trailerOffset += bytes.length - TRAILER_BYTES;
    this.written += batch.length;
    for (const item of batch) item.done();
  }
}

/** `write` may write less than asked (signals, quotas); loop until all bytes are down. */
async function writeAll(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten === 0) throw new Error('write made no progress');
    done += bytesWritten;
  }
}

/** Makes the new file's directory entry durable too; best effort (not every platform allows it). */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const dir = await open(directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Windows and some file systems refuse fsync on directories; the data itself is synced.
  }
}
