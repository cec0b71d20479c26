import { mkdtemp, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateCa } from '../../src/capture/intercept/ca-store.js';

describe('loadOrCreateCa', () => {
  it('generates a CA once with an owner-only key, then reuses the same one', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'qp-ca-')), 'nested', 'ca');
    const first = await loadOrCreateCa(dir);
    expect(first.created).toBe(true);
    expect(first.cert).toContain('BEGIN CERTIFICATE');
    expect((await stat(first.keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const second = await loadOrCreateCa(dir);
    expect(second.created).toBe(false);
    expect(second.cert).toBe(first.cert);
    expect(second.spki).toBe(first.spki);
    expect(second.spki).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await rm(dir, { recursive: true });
  }, 30_000);

  it('refuses a directory that holds only half a CA rather than replacing it', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'qp-ca-')), 'ca');
    await mkdir(dir);
    await writeFile(join(dir, 'ca-cert.pem'), '-----BEGIN CERTIFICATE-----\n');
    await expect(loadOrCreateCa(dir)).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('only ca-cert.pem'),
    });
  });

  it('lets two proxies started at once end up with one CA', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'qp-ca-')), 'ca');
    const [a, b] = await Promise.all([loadOrCreateCa(dir), loadOrCreateCa(dir)]);
    expect(a.cert).toBe(b.cert);
  }, 30_000);
});
