/**
 * A protocol folder on disk: protocol.json (what a later learn merges with and lint reads),
 * protocol.ts (the zod module) and README.md. Each file is written to a temporary name and renamed,
 * so an interrupted learn leaves the previous protocol whole.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProbeError } from '../exchange/errors.js';
import { parseProtocolJson, renderProtocolJson } from './protocol-json.js';
import type { LearntProtocol } from './protocol-model.js';
import { renderProtocolReadme } from './protocol-readme.js';
import { renderProtocolZod } from './protocol-zod.js';

/** The files of a protocol folder. */
export const PROTOCOL_FILES = { json: 'protocol.json', zod: 'protocol.ts', readme: 'README.md' } as const;

function readError(path: string, error: unknown): ProbeError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(error);
  return new ProbeError('E_INPUT', `cannot read ${path}: ${reason}`, { cause: error });
}

/** Reads a protocol.json file. Throws ProbeError `E_INPUT` when it is missing or not a protocol. */
export async function readProtocolFile(path: string): Promise<LearntProtocol> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ProbeError('E_INPUT', `${path}: no such file`, { cause: error });
    throw readError(path, error);
  }
  return parseProtocolJson(text, path);
}

/** The protocol of a folder, or undefined when it has no protocol.json yet. */
export async function readProtocolDir(dir: string): Promise<LearntProtocol | undefined> {
  const path = join(dir, PROTOCOL_FILES.json);
  try {
    await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw readError(path, error);
  }
  return readProtocolFile(path);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    throw new ProbeError('E_INPUT', `cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes protocol.json, protocol.ts and README.md into `dir` (made if missing); returns their paths. */
export async function writeProtocolDir(dir: string, protocol: LearntProtocol): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new ProbeError('E_INPUT', `cannot make ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const files: [string, string][] = [
    [PROTOCOL_FILES.json, renderProtocolJson(protocol)],
    [PROTOCOL_FILES.zod, renderProtocolZod(protocol)],
    [PROTOCOL_FILES.readme, renderProtocolReadme(protocol)],
  ];
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    await writeAtomically(path, text);
    written.push(path);
  }
  return written;
}
