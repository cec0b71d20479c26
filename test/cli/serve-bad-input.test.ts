/**
 * `serve`'s bad input about pools and Redis: one line naming what is wrong, exit 2, before any
 * account signs in or any port is opened.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qwen-probe-serve-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const serve = (...args: string[]) =>
  runCli(['serve', '--target', 'http://127.0.0.1:9', ...args], { timeoutMs: 60_000 });

describe('serve --accounts and --redis with bad input', () => {
  it('names the accounts file when it does not parse', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'accounts:\n  - email: [unclosed\n');
    const run = await serve('--accounts', file);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^error \\[E_INPUT\\]: accounts file ${file}: does not parse: `));
  });

  it('names the file, the entry and the field of an entry without credentials', async () => {
    const file = join(dir, 'team.json');
    await writeFile(file, JSON.stringify({ accounts: [{ email: 'a@x.test', password: 'p' }, { email: 'b@x.test' }] }));
    const run = await serve('--accounts', file);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `error [E_INPUT]: accounts file ${file}: entry 2 (b@x.test): password: missing (give email and password, or session)`,
    );
  });

  it('refuses a wrong --redis URL on one line', async () => {
    const run = await serve('--token', 'x', '--redis', 'http://127.0.0.1:6379');
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('error [E_USAGE]: --redis takes a redis:// or rediss:// URL, not http://');
    const garbled = await serve('--token', 'x', '--redis', 'not a url');
    expect(garbled.code).toBe(2);
    expect(garbled.stderr.trim()).toBe(
      'error [E_USAGE]: --redis takes a URL like redis://127.0.0.1:6379/0, not "not a url"',
    );
  });
});
