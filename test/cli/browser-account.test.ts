import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountFromUserFlag, PASSWORD_ON_COMMAND_LINE, resolveAccount } from '../../src/cli/browser-account.js';

const noTerminal = { prompt: false, env: {} };

describe('--user and its password', () => {
  it('reads the password of --user EMAIL from QWEN_PROBE_PASSWORD', async () => {
    expect(await accountFromUserFlag('me@example.test', { prompt: true, env: { QWEN_PROBE_PASSWORD: 'pw' } })).toEqual({
      email: 'me@example.test',
      password: 'pw',
    });
  });

  it('reads it from the first line of --password-file, before the environment', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'qp-pw-')), 'pw');
    await writeFile(file, 'from:file\nsecond line\n');
    const account = await accountFromUserFlag('me@example.test', {
      prompt: false,
      passwordFile: file,
      env: { QWEN_PROBE_PASSWORD: 'env' },
    });
    expect(account?.password).toBe('from:file');
  });

  it('still takes EMAIL:PASSWORD, with a warning that never quotes the password', async () => {
    const warnings: string[] = [];
    const account = await accountFromUserFlag('me@example.test:s3cret', {
      ...noTerminal,
      warn: (l) => warnings.push(l),
    });
    expect(account).toEqual({ email: 'me@example.test', password: 's3cret' });
    expect(warnings).toEqual([`warning: ${PASSWORD_ON_COMMAND_LINE}`]);
    expect(warnings.join('')).not.toContain('s3cret');
  });

  it('refuses a missing password without a terminal, --password-file without --user, and both forms at once', async () => {
    await expect(accountFromUserFlag('me@example.test', noTerminal)).rejects.toMatchObject({
      code: 'E_USAGE',
      message: '--user me@example.test needs a password',
    });
    await expect(accountFromUserFlag(undefined, { ...noTerminal, passwordFile: 'x' })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    await expect(
      accountFromUserFlag('me@example.test:pw', { ...noTerminal, passwordFile: 'x', warn: () => undefined }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(
      accountFromUserFlag('me@example.test', { ...noTerminal, passwordFile: '/nonexistent' }),
    ).rejects.toMatchObject({ code: 'E_INPUT', message: '--password-file /nonexistent: no such file' });
  });

  it('falls back to QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD without --user', async () => {
    const env = { QWEN_PROBE_EMAIL: 'env@example.test', QWEN_PROBE_PASSWORD: 'pw' };
    expect(await resolveAccount(undefined, { prompt: false, env })).toEqual({
      email: 'env@example.test',
      password: 'pw',
    });
  });
});
