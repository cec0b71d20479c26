/**
 * Just enough of the zip format to read what capture tools write: Playwright's `recordHar` to a
 * `.zip` (`har.har` and its body files) and a `.har` zipped by hand (`.har.zip`). Entries are found
 * through the central directory (so sizes are known even when the local header defers them to a
 * data descriptor), stored or deflated; no encryption, no zip64, no multi-disk archives.
 */
import { inflateRawSync } from 'node:zlib';

/** The zip's local file header magic, `PK\x03\x04`. */
export const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** One file in the archive; `read()` decompresses it. */
export interface ZipFile {
  readonly name: string;
  readonly size: number;
  read(): Buffer;
}

/** A zip that cannot be read, with why. */
export class ZipError extends Error {
  override readonly name = 'ZipError';
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/** The files of a zip archive (folders left out), in central-directory order. */
export function readZip(bytes: Buffer): ZipFile[] {
  const end = findEndOfCentralDirectory(bytes);
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const files: ZipFile[] = [];
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_FILE_HEADER)
      throw new ZipError(`central directory entry ${i + 1} is damaged (byte ${at})`);
    const flags = bytes.readUInt16LE(at + 8);
    const method = bytes.readUInt16LE(at + 10);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localOffset = bytes.readUInt32LE(at + 42);
    const name = bytes.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    files.push({
      name,
      size,
      read: () => {
        if (flags & 0x1) throw new ZipError(`${name} is encrypted`);
        if (localOffset + 30 > bytes.length || bytes.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER)
          throw new ZipError(`${name}: local header is damaged (byte ${localOffset})`);
        const dataStart =
          localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
        if (dataStart + compressedSize > bytes.length) throw new ZipError(`${name} is cut short`);
        const data = bytes.subarray(dataStart, dataStart + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) {
          try {
            return inflateRawSync(data);
          } catch (error) {
            throw new ZipError(`${name} does not inflate: ${(error as Error).message}`);
          }
        }
        throw new ZipError(`${name} uses compression method ${method} (only stored and deflated are read)`);
      },
    });
  }
  return files;
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at -= 1) {
    if (bytes.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new ZipError('no end of central directory: the zip is cut short or not a zip');
}
