/**
 * Side files of a Playwright `content: 'attach'` capture: the body files next to the HAR in its
 * folder, or beside `har.har` in its zip. Only plain file names are followed: a `_file` is a sha1 and
 * an extension, and a name with a path in it (`../secret`) is never read.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SideFiles } from '../foreign-har-entry.js';
import type { ZipFile } from './zip-archive.js';

function plainName(name: string): boolean {
  return name !== '' && basename(name) === name && name !== '.' && name !== '..' && !name.includes('\\');
}

/** Side files in a folder (the folder a HAR was read from). */
export function folderSideFiles(folder: string): SideFiles {
  return {
    read: (name) => {
      if (!plainName(name)) return undefined;
      try {
        return readFileSync(join(folder, name));
      } catch {
        return undefined;
      }
    },
  };
}

/** Side files in a zip, beside the HAR (same folder inside the zip). */
export function zipSideFiles(files: readonly ZipFile[], harName: string): SideFiles {
  const prefix = harName.includes('/') ? harName.slice(0, harName.lastIndexOf('/') + 1) : '';
  const byName = new Map(files.map((f) => [f.name, f]));
  return {
    read: (name) => (plainName(name) ? byName.get(prefix + name)?.read() : undefined),
  };
}
