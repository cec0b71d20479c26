/**
 * Where commands write their results, checked before the work starts and written atomically at the
 * end. A result that took 48 live probes must not be lost to a typo in `--out`, and `--out` must
 * never replace a device, a directory or a file the user did not mean to lose:
 * - `checkOutputPath` runs first: the path is a regular file or nothing yet (a device, a directory,
 *   a path through a file is `E_INPUT`), it exists only with `overwrite`, and the nearest existing
 *   folder accepts a new file (a probe file is created and removed, which also catches read-only
 *   file systems where root's `access` says yes). It creates nothing that stays.
 * - `writeFileAtomic` writes a temporary file beside the target and renames it over: a reader never
 *   sees half a report, and a crash leaves the old file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ProbeError } from './errors.js';

/** What `checkOutputPath` checks against. */
export interface OutputPathOptions {
  /** The flag that named the path, for messages: `--out`, `--session`. */
  readonly flag: string;
  /** Replace an existing file (or fill an existing non-empty folder). Default: refuse. */
  readonly overwrite?: boolean | undefined;
  /** A file (default) or a folder the command fills. */
  readonly kind?: 'file' | 'folder' | undefined;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function statOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    if (errnoOf(error) === 'ENOTDIR') return 'through-a-file' as const;
    throw error;
  }
}

function whatItIs(s: {
  isDirectory(): boolean;
  isFile(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isFIFO()) return 'a named pipe';
  if (s.isSocket()) return 'a socket';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** The nearest folder of `path` that exists; E_INPUT when a file stands where a folder should. */
async function nearestFolder(path: string, flag: string, shown: string): Promise<string> {
  let dir = dirname(resolve(path));
  for (;;) {
    const found = await stat(dir).catch((error: unknown) => {
      if (errnoOf(error) === 'ENOENT') return undefined;
      if (errnoOf(error) === 'ENOTDIR') return 'through-a-file' as const;
      throw error;
    });
    if (found === 'through-a-file' || (found && !found.isDirectory()))
      throw new ProbeError(
        'E_INPUT',
        `${flag} ${shown}: ${found === 'through-a-file' ? 'a part of the path' : dir} is not a folder`,
      );
    if (found) return dir;
    const up = dirname(dir);
    if (up === dir) return dir;
    dir = up;
  }
}

/** Creates and removes a file in `dir`: the one test of "may I write here" that root cannot fool. */
async function probeWritable(dir: string, flag: string, shown: string): Promise<void> {
  const probe = join(dir, `.qwen-probe-write-check-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
  } catch (error) {
    throw new ProbeError(
      'E_INPUT',
      `${flag} ${shown}: cannot write in ${dir} (${errnoOf(error) ?? (error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  await rm(probe, { force: true });
}

/** Checks an output path before the work starts; see the module comment. Creates nothing. */
export async function checkOutputPath(path: string, options: OutputPathOptions): Promise<void> {
  const { flag } = options;
  const shown = path;
  if (path.trim() === '') throw new ProbeError('E_USAGE', `${flag} needs a path; it was given empty`);
  const kind = options.kind ?? 'file';
  const existing = await statOrUndefined(path);
  if (existing === 'through-a-file')
    throw new ProbeError('E_INPUT', `${flag} ${shown}: a part of the path is a file, not a folder`);
  if (existing) {
    const right = kind === 'file' ? existing.isFile() : existing.isDirectory();
    if (!right)
      throw new ProbeError(
        'E_INPUT',
        `${flag} ${shown} is ${whatItIs(existing)}; ${kind === 'file' ? 'give the path of a file' : 'give a folder'}`,
      );
    if (!options.overwrite) {
      const empty = kind === 'folder' && (await readdir(path)).length === 0;
      if (!empty)
        throw new ProbeError('E_INPUT', `${flag} ${shown} already exists`, {
          hint: 'choose another name, or add --overwrite to replace it',
        });
    }
    await probeWritable(kind === 'file' ? dirname(resolve(path)) : resolve(path), flag, shown);
    return;
  }
  await probeWritable(await nearestFolder(path, flag, shown), flag, shown);
}

/** How `writeFileAtomic` writes. */
export interface AtomicWriteOptions {
  /** File mode; 0600 for anything that may hold a secret. Default 0644 (less the umask). */
  readonly mode?: number | undefined;
  /** Replace an existing regular file (default: refuse with E_INPUT). */
  readonly overwrite?: boolean | undefined;
}

/**
 * Writes `data` to `path` through a temporary file and a rename, creating the folders on the way.
 * Only a regular file is ever replaced: a device, a directory or a socket at `path` is E_INPUT.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const existing = await statOrUndefined(path);
  if (existing === 'through-a-file')
    throw new ProbeError('E_INPUT', `cannot write ${path}: a part of the path is a file`);
  if (existing && !existing.isFile())
    throw new ProbeError('E_INPUT', `cannot write ${path}: it is ${whatItIs(existing)}, not a regular file`);
  if (existing && !options.overwrite)
    throw new ProbeError('E_INPUT', `${path} already exists`, { hint: 'choose another name, or add --overwrite' });
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'wx', options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      if (options.mode !== undefined) await handle.chmod(options.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    if (options.mode !== undefined) await chmod(path, options.mode);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    if (error instanceof ProbeError) throw error;
    throw new ProbeError('E_INPUT', `cannot write ${path}: ${errnoOf(error) ?? (error as Error).message}`, {
      cause: error,
    });
  }
}
