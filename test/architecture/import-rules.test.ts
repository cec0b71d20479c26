/**
 * The import rules of the design, checked on every test run: who may import what (docs/architecture.md).
 * A plain scan of import specifiers is enough here; it catches static, re-export and dynamic imports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
const CAPABILITIES = ['capture', 'diff', 'bisect', 'replay', 'report', 'proxy'];
const BASE = ['common', 'exchange', 'upstream', 'net', 'client'];

/**
 * Folder → folders it may import (besides itself). `cli` and the root index may import anything but cli.
 * `workflow` chains capabilities, so it may import all of them; no folder lists it, so only `cli` and the
 * root index may import it.
 */
export const ALLOWED: Record<string, readonly string[]> = {
  common: [],
  exchange: ['common'],
  upstream: ['common', 'exchange'],
  net: ['common', 'exchange'],
  client: ['common', 'exchange', 'upstream', 'net'],
  simulator: ['common', 'exchange', 'upstream'],
  ...Object.fromEntries(CAPABILITIES.map((c) => [c, BASE])),
  bisect: [...BASE, 'diff'],
  // "every folder above" (docs/architecture.md): learn and lint too, which came after workflow (watch learns).
  workflow: [...BASE, ...CAPABILITIES, 'simulator', 'learn', 'lint'],
  // learn reads values with the diff's value kinds (as bisect uses diff's findings); lint checks
  // against what learn learnt and ranks with the diff's category scores.
  learn: [...BASE, 'diff'],
  lint: [...BASE, 'diff', 'learn'],
  // The msw entry runs the simulator in a client's own tests and judges answers with the reader.
  msw: ['common', 'exchange', 'upstream', 'simulator'],
};
/** Imports allowed only as `import type`. */
const TYPE_ONLY: Record<string, readonly string[]> = { report: ['diff', 'bisect'] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

interface ImportUse {
  readonly specifier: string;
  readonly typeOnly: boolean;
}

function importsOf(text: string): ImportUse[] {
  const uses: ImportUse[] = [];
  const staticImport = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(staticImport)) uses.push({ specifier: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) uses.push({ specifier: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) uses.push({ specifier: m[1]!, typeOnly: false });
  return uses;
}

function folderOf(path: string): string {
  const rel = relative(SRC, path);
  return rel.includes(sep) ? rel.split(sep)[0]! : '(root)';
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    for (const use of importsOf(readFileSync(file, 'utf8'))) {
      if (!use.specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), use.specifier);
      if (!target.startsWith(SRC)) continue;
      const to = folderOf(target);
      if (to === from) continue;
      const where = `${relative(SRC, file)} imports ${use.specifier}`;
      if (to === 'cli') found.push(`${where}: nothing may import cli`);
      else if (from === 'cli' || from === '(root)') continue;
      else if (TYPE_ONLY[from]?.includes(to)) {
        if (!use.typeOnly) found.push(`${where}: ${from} may import only types from ${to}`);
      } else if (!(ALLOWED[from] ?? []).includes(to)) found.push(`${where}: ${from} may not import ${to}`);
    }
  }
  return found;
}

describe('import rules', () => {
  it('every folder imports only what the design allows', () => {
    expect(violations()).toEqual([]);
  });

  it('the scan sees the imports it is meant to check', () => {
    const uses = importsOf(
      "import { a } from '../x.js';\nimport type { B } from '../y.js';\nexport * from './z.js';\nconst m = await " +
        "import('../w.js');",
    );
    expect(uses).toEqual([
      { specifier: '../x.js', typeOnly: false },
      { specifier: '../y.js', typeOnly: true },
      { specifier: './z.js', typeOnly: false },
      { specifier: '../w.js', typeOnly: false },
    ]);
  });
});
