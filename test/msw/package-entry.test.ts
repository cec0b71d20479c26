import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the package entries', () => {
  it('keep the main entry as it was and add ./msw, both pointing where tsc writes them', () => {
    expect(pkg.exports['.']).toEqual({ types: `./${pkg.types}`, default: `./${pkg.main}` });
    // tsconfig.build.json compiles src/ into dist/: src/msw/index.ts becomes dist/msw/index.js.
    expect(pkg.exports['./msw']).toEqual({ types: './dist/msw/index.d.ts', default: './dist/msw/index.js' });
    expect(statSync(join(ROOT, 'src/msw/index.ts')).isFile()).toBe(true);
  });

  it('need msw only for ./msw: it is an optional peer, and nothing outside src/msw imports it', () => {
    expect(pkg.peerDependencies.msw).toMatch(/^\^2\./);
    expect(pkg.peerDependenciesMeta.msw.optional).toBe(true);
    const importers = sourceFiles(join(ROOT, 'src'))
      .filter((file) => /from ['"]msw(\/[^'"]*)?['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(importers.every((file) => file.startsWith('src/msw/'))).toBe(true);
    expect(importers.length).toBeGreaterThan(0);
  });
});
