/**
 * `login` and `whoami` as a person runs them, against the simulator on port 0: the session file
 * (mode 0600, raw JWT, expiry, anti-bot cookies, storage state), the check of it, and bad input.
 */
import { mkdtempSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtExpiry, readSessionFile, writeSessionFile } from '../../src/client/session-file.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-capture-login-'));
let sim: RunningSimulator;
const sessionPath = join(dir, 'nested', 'session.json');

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await sim?.close();
});

describe('qwen-probe login', () => {
  it(
    'logs in with --user and saves the raw token, its expiry, the cookies and the storage state, mode ' + '0600',
    async () => {
      const r = await runCli(
        [
          'login',
          '--target',
          sim.url,
          '--user',
          `${sim.demoUser.email}:${sim.demoUser.password}`,
          '--session',
          sessionPath,
        ],
        { timeoutMs: 120_000 },
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/logged in to .* as demo <demo@qwen-probe\.test>/);
      expect(r.stdout).toMatch(/token: jwt, \d+ chars, expires .* \(in 29 d|30 d/);
      const session = await readSessionFile(sessionPath);
      expect(session.token.split('.')).toHaveLength(3);
      expect(session.tokenExpiresAt).toBe(jwtExpiry(session.token)?.toISOString());
      expect(Object.keys(session.cookies)).toEqual(expect.arrayContaining(['ssxmod_itna', 'ssxmod_itna2']));
      expect(session.storageState?.origins.flatMap((o) => o.localStorage.map((e) => e.name))).toContain('token');
      expect((await stat(sessionPath)).mode & 0o777).toBe(0o600);
      expect(`${r.stdout}${r.stderr}`).not.toContain(session.token);
      expect(`${r.stdout}${r.stderr}`).not.toContain(sim.demoUser.password);
      // The password was on the command line: said once, without quoting it.
      expect(r.stderr).toMatch(/^warning: a password given in --user is visible to other local users/m);
    },
  );

  it('takes --user EMAIL with the password from QWEN_PROBE_PASSWORD, the README form, without a warning', async () => {
    const path = join(dir, 'safe.json');
    const r = await runCli(['login', '--target', sim.url, '--user', sim.demoUser.email, '--session', path], {
      env: { QWEN_PROBE_EMAIL: '', QWEN_PROBE_PASSWORD: sim.demoUser.password },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    // Logging in again replaces the session it saved, and says so.
    const again = await runCli(['login', '--target', sim.url, '--user', sim.demoUser.email, '--session', path], {
      env: { QWEN_PROBE_EMAIL: '', QWEN_PROBE_PASSWORD: sim.demoUser.password },
      timeoutMs: 120_000,
    });
    expect(again.stdout).toContain(`session saved to ${path} (mode 0600, replacing the previous session)`);
  });

  it('leaves no capture behind when recording never started (the login failed)', async () => {
    const out = join(dir, 'never.har');
    const r = await runCli(
      ['capture', '--target', sim.url, '--user', sim.demoUser.email, '--prompt', 'hi', '--out', out],
      { env: { QWEN_PROBE_EMAIL: '', QWEN_PROBE_PASSWORD: 'wrong-password' }, timeoutMs: 120_000 },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no capture written: recording never started');
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes the account from QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD', async () => {
    const path = join(dir, 'env.json');
    const r = await runCli(['login', '--target', sim.url, '--session', path], {
      env: { QWEN_PROBE_EMAIL: sim.demoUser.email, QWEN_PROBE_PASSWORD: sim.demoUser.password },
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(0);
    expect((await readSessionFile(path)).user?.email).toBe(sim.demoUser.email);
  });

  it('asks for an account instead of hanging when there is no terminal to prompt on', async () => {
    const r = await runCli(['login', '--target', sim.url, '--session', join(dir, 'none.json')], {
      env: { QWEN_PROBE_EMAIL: '', QWEN_PROBE_PASSWORD: '' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[E_USAGE\]: no account/);
  });
});

describe('qwen-probe whoami', () => {
  it("prints the user and the token's remaining life for a good session", async () => {
    const r = await runCli(['whoami', '--target', sim.url, '--session', sessionPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^user: demo <demo@qwen-probe\.test> \(id [\w-]+, role user\)$/m);
    expect(r.stdout).toMatch(/^token: jwt, \d+ chars, expires \S+ \(in \d+ d \d+ h\)$/m);
  });

  it('says the session was refused when the token is no good', async () => {
    const path = join(dir, 'bad.json');
    const good = await readSessionFile(sessionPath);
    await writeSessionFile(path, { ...good, token: `${good.token.slice(0, -4)}AAAA` });
    const r = await runCli(['whoami', '--target', sim.url, '--session', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[E_UPSTREAM_AUTH\]: .* refused the session \(HTTP 401\)/);
    expect(r.stderr).toMatch(/hint: log in again/);
  });

  it('names an unreachable target', async () => {
    const r = await runCli(['whoami', '--target', 'http://127.0.0.1:9', '--session', sessionPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[E_UPSTREAM_UNREACHABLE\]: cannot reach http:\/\/127\.0\.0\.1:9/m);
  });
});
