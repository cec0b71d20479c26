import { readFileSync } from 'node:fs';

/** The version in package.json, read once; the CLI's `--version`. */
export function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'qwen-probe' && pkg.version) return pkg.version;
    } catch {
      // try the next location: src/cli and dist/cli sit at different depths
    }
  }
  return '0.0.0';
}
