import { mkdtemp, readFile, stat, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeJwt } from './make-jwt.js';
import { jwtExpiry, readSessionFile, writeSessionFile, type SessionFile } from '../../src/client/session-file.js';

const session = (overrides: Partial<SessionFile> = {}): SessionFile => ({
  version: 1,
  target: 'https://chat.qwen.ai',
  createdAt: '2026-06-15T12:00:00.000Z',
  token: makeJwt({ id: 'u1', exp: 1_900_000_000 }),
  cookies: { ssxmod_itna: 'abc', ssxmod_itna2: 'def' },
  user: { id: 'u1', email: 'a@b.test', name: 'A' },
  ...overrides,
});

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'qwen-probe-session-'));
}

describe('session files', () => {
  it('round-trips a session through a 0600 file in a folder it creates', async () => {
    const path = join(await tempDir(), 'nested', 'dir', 'session.json');
    await writeSessionFile(path, session());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readSessionFile(path)).toEqual(session());
  });

  it('leaves no temp file behind and replaces an existing session atomically', async () => {
    const dir = await tempDir();
    const path = join(dir, 'session.json');
    await writeSessionFile(path, session());
    await writeSessionFile(path, session({ cookies: {} }));
    expect(await readdir(dir)).toEqual(['session.json']);
    expect((await readSessionFile(path)).cookies).toEqual({});
  });

  it('keeps a Playwright storage state', async () => {
    const path = join(await tempDir(), 's.json');
    const storageState = {
      cookies: [{ name: 'token', value: 'x', domain: 'chat.qwen.ai', path: '/' }],
      origins: [{ origin: 'https://chat.qwen.ai', localStorage: [{ name: 'token', value: 'x' }] }],
    };
    await writeSessionFile(path, session({ storageState }));
    expect((await readSessionFile(path)).storageState).toEqual(storageState);
  });

  it('reports a missing file as E_INPUT with a hint to log in', async () => {
    await expect(readSessionFile(join(await tempDir(), 'nope.json'))).rejects.toMatchObject({
      code: 'E_INPUT',
      hint: expect.stringContaining('login'),
    });
  });

  it('names the bad field of an invalid session without quoting any value', async () => {
    const path = join(await tempDir(), 'bad.json');
    await writeFile(path, JSON.stringify({ version: 1, target: 'x', createdAt: 'y', cookies: { secret: 42 } }));
    const error = await readSessionFile(path).then(
      () => new Error('expected a rejection'),
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'E_INPUT' });
    expect(error.message).toContain('token');
    expect(error.message).not.toContain('42');
    await writeFile(path, 'not json');
    await expect(readSessionFile(path)).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('not JSON'),
    });
  });

  it('writes pretty JSON with a trailing newline', async () => {
    const path = join(await tempDir(), 's.json');
    await writeSessionFile(path, session());
    expect(await readFile(path, 'utf8')).toMatch(/^\{\n {2}"version": 1,[\s\S]*\}\n$/);
  });
});

describe('jwtExpiry', () => {
  it('reads exp from a JWT, with or without a Bearer prefix', () => {
    const token = makeJwt({ exp: 1_900_000_000 });
    expect(jwtExpiry(token)?.toISOString()).toBe('2030-03-17T17:46:40.000Z');
    expect(jwtExpiry(`Bearer ${token}`)?.getTime()).toBe(1_900_000_000_000);
  });

  it('is undefined for tokens without a readable numeric exp', () => {
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
    expect(jwtExpiry('a.%%%.c')).toBeUndefined();
    expect(jwtExpiry(makeJwt({ exp: 'soon' }))).toBeUndefined();
    expect(jwtExpiry(makeJwt({ id: 'x' }))).toBeUndefined();
  });
});
