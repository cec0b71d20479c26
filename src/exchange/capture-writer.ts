/**
 * Writes a capture incrementally and crash-safely (layout and guarantees in `capture-file.ts`).
 * A process killed at any moment leaves a file that holds every exchange whose `append()` had
 * resolved; after every completed append the file is complete, valid HAR.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ProbeError } from './errors.js';
import type { Exchange, ExchangeSource } from './exchange.js';
import type { HarCreator } from './har-types.js';
import { createHarLog, exchangeToHarEntry } from './har-codec.js';
import { CAPTURE_TRAILER, SECRET_FILE_MODE, SHAREABLE_FILE_MODE } from './capture-file.js';
import { createRedactor, type RedactOptions, type Redactor } from './redact.js';

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
  /** `fdatasync` after every append (default true): the append then also survives a power cut. */
  readonly sync?: boolean;
}

/** An open capture. Appends run one at a time in call order, whatever the caller awaits. */
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
  let handle: FileHandle;
  try {
    handle = await open(path, options.overwrite === true ? 'w' : 'wx', mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new ProbeError('E_INPUT', `capture ${path} already exists`, { hint: 'Choose another file name, or overwrite it explicitly.', cause: error });
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
    const redactor = redacted ? createRedactor(options.redactOptions) : undefined;
    return new FileCaptureWriter(path, handle, Buffer.byteLength(header), redactor, options.sync ?? true);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error instanceof ProbeError ? error : new ProbeError('E_INPUT', `cannot write capture ${path}: ${(error as Error).message}`, { cause: error });
  }
}

const TRAILER_BYTES = Buffer.byteLength(CAPTURE_TRAILER);

class FileCaptureWriter implements CaptureWriter {
  private queue: Promise<void> = Promise.resolve();
  private written = 0;
  private closed = false;
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
    if (this.closed) return Promise.reject(new ProbeError('E_INTERNAL', `capture ${this.path} is closed; cannot append ${ex.id}`));
    const task = this.queue.then(() => this.write(ex));
    this.queue = task.catch(() => undefined); // one failed append must not stall the ones queued after it
    return task;
  }

  async close(): Promise<void> {
    if (this.closed) return this.queue;
    this.closed = true;
    await this.queue;
    await this.handle.close();
  }

  private async write(ex: Exchange): Promise<void> {
    if (this.failure) throw this.failure;
    // Encoding errors reject this append only: nothing has touched the file yet.
    const entry = exchangeToHarEntry(this.redactor ? this.redactor.redact(ex) : ex);
    const bytes = Buffer.from(`${this.written === 0 ? '\n' : ',\n'}${JSON.stringify(entry)}${CAPTURE_TRAILER}`);
    try {
      // One write over the old trailer: the file goes from "valid, n entries" to "valid, n+1 entries".
      await writeAll(this.handle, bytes, this.trailerOffset);
      if (this.sync) await this.handle.datasync();
    } catch (error) {
      const message = `writing capture ${this.path} failed (${(error as Error).message}); it holds the first ${this.written} exchanges`;
      this.failure = new ProbeError('E_INTERNAL', message, { cause: error });
      throw this.failure;
    }
    this.trailerOffset += bytes.length - TRAILER_BYTES;
    this.written += 1;
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
