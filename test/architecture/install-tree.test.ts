/**
 * A fresh `npm ci` prints no warning (.ci/run checks its output too): every package it installs
 * supports the Node the README names (no EBADENGINE; package.json `overrides` pin mockttp's graphql
 * tools to versions without `@whatwg-node/promise-helpers` 2, which wants Node >= 22.15), and every
 * install script is approved or denied in package.json's `allowScripts`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  readonly engines?: { readonly node?: string } | string[];
  readonly optional?: boolean;
  readonly hasInstallScript?: boolean;
}

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, LockPackage>;
};

type Version = readonly [number, number, number];

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** One comparator of an npm range (`>=16`, `^20.19.0`, `~1.2`, `8.*`, `*`) against a version. */
function comparatorHolds(version: Version, comparator: string): boolean {
  const m = /^(>=|<=|>|<|\^|~|=)?v?(\d+|\*|x)(?:\.(\d+|\*|x))?(?:\.(\d+|\*|x))?$/i.exec(comparator);
  if (!m) throw new Error(`cannot read the engines comparator ${JSON.stringify(comparator)}`);
  const parts = [m[2], m[3], m[4]].map((p) => (p === undefined || p === '*' || /x/i.test(p) ? undefined : Number(p)));
  const given = parts.filter((p) => p !== undefined).length;
  const bound: Version = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
  switch (m[1]) {
    case '>=':
      return compare(version, bound) >= 0;
    case '>':
      return compare(version, bound) > 0;
    case '<':
      return compare(version, bound) < 0;
    case '<=':
      return compare(version, bound) <= 0;
    case '^':
      return compare(version, bound) >= 0 && version[0] === bound[0];
    case '~':
      return compare(version, bound) >= 0 && version[0] === bound[0] && (given < 2 || version[1] === bound[1]);
    default:
      return parts.every((p, i) => p === undefined || p === version[i]);
  }
}

/** True when `version` is in the npm range `range` (the subset package engines use). */
export function inRange(version: Version, range: string): boolean {
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .filter((t) => t !== '')
      .every((t) => comparatorHolds(version, t)),
  );
}

/** The oldest Node the project supports: package.json's `engines.node` (`>=20.19`). */
const OLDEST_NODE: Version = (() => {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(pkg.engines.node.trim());
  if (!m) throw new Error(`engines.node ${pkg.engines.node} is not a >= range`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
})();

const installed = Object.entries(lock.packages).filter(([path, p]) => path !== '' && !p.optional);

describe('the install tree', () => {
  it('reads npm ranges as npm does', () => {
    expect(inRange([20, 19, 0], '>=22.15.0')).toBe(false);
    expect(inRange([20, 19, 0], '^20.19.0 || ^22.13.0 || >=24')).toBe(true);
    expect(inRange([20, 19, 0], '6.* || 8.* || >= 10.*')).toBe(true);
    expect(inRange([20, 19, 0], '>=v18.0.0')).toBe(true);
    expect(inRange([20, 19, 0], '^20.19.1')).toBe(false);
  });

  it(`holds only packages that support Node ${OLDEST_NODE.join('.')}, the oldest the README names`, () => {
    const unsupported = installed
      .filter(([, p]) => !Array.isArray(p.engines) && p.engines?.node !== undefined)
      .filter(([, p]) => !inRange(OLDEST_NODE, (p.engines as { node: string }).node))
      .map(([path, p]) => `${path} (node ${(p.engines as { node: string }).node})`);
    expect(unsupported).toEqual([]);
  });

  it('has every install script approved or denied in allowScripts', () => {
    const allow = pkg.allowScripts ?? {};
    const unreviewed = installed
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''))
      .filter((name) => !(name in allow));
    expect(unreviewed).toEqual([]);
  });
});
