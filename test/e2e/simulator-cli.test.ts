/** `qwen-probe simulate` as a user runs it: a child process on a real port, stopped with SIGINT. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../support/spawn-cli.js';
import { signin, overHttp } from '../simulator/support.js';

describe('qwen-probe simulate', () => {
  it('prints the real port for --port 0 first, serves the API, and exits 0 on SIGINT', async () => {
    const cli = spawnCli(['simulate', '--port', '0', '--chunk-interval', '1']);
    try {
      const [, url] = await cli.waitForLine(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/);
      expect(cli.stdout().split('\n')[0]).toBe(`listening on ${url}`);
      expect(url).not.toMatch(/:0$/);
      await cli.waitForLine(/^profile: qwen-2025-10 /);
      expect(cli.stdout()).toContain('account: demo@qwen-probe.test / demo-password');
      const models = (await (await fetch(`${url}/api/models`)).json()) as { data: { id: string }[] };
      expect(models.data.map((m) => m.id)).toContain('qwen3-max');
      expect((await signin(overHttp, url ?? '')).token).toMatch(/^eyJ/);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exit).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toContain('simulator stopped');
  });

  it('takes a profile file, extra users and faults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qp-sim-cli-'));
    const profile = join(dir, 'p.json');
    await writeFile(profile, JSON.stringify({ name: 'from-file', description: 'a file profile', rules: [] }));
    const cli = spawnCli([
      'simulate',
      '--port',
      '0',
      '--profile',
      profile,
      '--user',
      'me@example.test:pa:ss',
      '--fault',
      'rate-limited:times=1:endpoint=models',
    ]);
    try {
      const [, url] = await cli.waitForLine(/^listening on (\S+)$/);
      await cli.waitForLine(/^profile: from-file /);
      expect((await fetch(`${url}/api/models`)).status).toBe(429);
      expect((await fetch(`${url}/api/models`)).status).toBe(200);
      expect((await signin(overHttp, url ?? '', { email: 'me@example.test', password: 'pa:ss' })).token).toMatch(
        /^eyJ/,
      );
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect((await cli.exit).code).toBe(0);
  });

  it.each([
    [['--profile', 'qwen-1999'], /unknown profile "qwen-1999"/],
    [['--fault', 'explode'], /unknown fault "explode"/],
  ])('refuses bad flags %j with one E_USAGE line and exit 2', async (flags, message) => {
    const cli = spawnCli(['simulate', ...flags]);
    expect((await cli.exit).code).toBe(2);
    const lines = cli.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error \[E_USAGE\]: /);
    expect(lines[0]).toMatch(message);
    expect(cli.stdout()).toBe('');
  });

  it('warns when it binds a non-loopback address', async () => {
    const cli = spawnCli(['simulate', '--port', '0', '--host', '0.0.0.0']);
    try {
      await cli.waitForLine(/^listening on http:\/\/0\.0\.0\.0:\d+$/);
      await expect.poll(() => cli.stderr()).toMatch(/^warning: listening on 0\.0\.0\.0/);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect((await cli.exit).code).toBe(0);
  });
});
