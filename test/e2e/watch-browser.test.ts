/**
 * `watch --once` as a user runs it, with Chromium, against one qwen-2026-09 simulator on port 0:
 * the first round learns the baseline from the browser's chat and runs the page self-check (exit
 * 0); a newly required header is seen in the next round by the canary and in the browser's learnt
 * protocol (exit 3), with a dated report and the timeline; the anti-bot layer tightening is seen by
 * the canary; an unreachable target exits 1; a bad --every is one line and exit 2. Each account
 * sends at most two unsigned canaries, below the era's escalation to the captcha.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/client/credentials.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { readRounds, runWatchRound } from '../../src/workflow/index.js';
import { runCli } from '../support/run-cli.js';

const SECOND = { email: 'second@qwen-probe.test', password: 'second-password' };
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    profile: 'qwen-2026-09',
    chunkIntervalMs: 5,
    users: [{ email: 'demo@qwen-probe.test', password: 'demo-password' }, SECOND],
  });
});
afterAll(() => sim.close());

describe('watch --once with the browser', () => {
  it('learns a baseline, then sees a newly required header in the canary and the browser protocol', async () => {
    const out = await mkdtemp(join(tmpdir(), 'qp-watch-browser-'));
    const args = ['watch', '--once', '--target', sim.url, '--era', 'qwen-2026-09', '--out', out, '--timeout', '30s'];
    const env = { QWEN_PROBE_EMAIL: sim.demoUser.email, QWEN_PROBE_PASSWORD: sim.demoUser.password };
    const first = await runCli(args, { env, timeoutMs: 120_000 });
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toContain('round 1: no change');
    expect(first.stdout).toContain('page ok');
    expect(first.stdout).toContain('browser chat ok');

    sim.drift.apply('new-required-header');
    const second = await runCli(args, { env, timeoutMs: 120_000 });
    expect(second.code, second.stderr + second.stdout).toBe(3);
    const [, record] = await readRounds(out);
    expect(record?.drift).toBe(true);
    expect(record?.browser?.ok).toBe(true);
    const kinds = record!.changes.map((c) => c.kind);
    expect(kinds).toContain('canary');
    const header = record!.changes.find((c) => c.kind === 'protocol' && c.key.includes('header x-platform'));
    expect(header?.explanation).toMatch(/x-platform appeared/);
    const reports = await readdir(join(out, 'reports'));
    expect(reports.filter((f) => f.endsWith('.html'))).toHaveLength(1);
    const index = await readFile(join(out, 'index.html'), 'utf8');
    expect(index).toContain('2 rounds, 1 with drift');
    // The capture of each round is redacted: no token of the account in it.
    const capture = await readFile(join(out, record!.browser!.capture!), 'utf8');
    const creds = await resolveCredentials({ target: sim.url, user: `${sim.demoUser.email}:${sim.demoUser.password}` });
    expect(capture).not.toContain(creds.token);
    sim.drift.reset();
  }, 300_000);

  it('sees the anti-bot layer tightening through the canary', async () => {
    const out = await mkdtemp(join(tmpdir(), 'qp-watch-antibot-'));
    const creds = await resolveCredentials({ target: sim.url, user: `${SECOND.email}:${SECOND.password}` });
    const options = {
      target: sim.url,
      era: 'qwen-2026-09' as const,
      out,
      auth: async () => ({ token: creds.token, cookies: creds.cookies }),
      browser: false as const,
    };
    const first = await runWatchRound(options);
    expect(first.canaries[0]?.outcome).toBe('empty');
    sim.drift.apply('anti-bot-tightening');
    const second = await runWatchRound(options);
    expect(second.changes.map((c) => c.explanation)).toEqual([
      'The canary through the direct transport went from empty to waf.',
    ]);
    sim.drift.reset();
  });

  it('exits 1 when the target does not answer, and 2 with one line for a bad --every', async () => {
    const closed = await startSimulator({ port: 0 });
    const deadUrl = closed.url;
    await closed.close();
    const out = await mkdtemp(join(tmpdir(), 'qp-watch-cli-'));
    const user = ['--user', `${sim.demoUser.email}:${sim.demoUser.password}`];
    const down = await runCli(['watch', '--once', '--no-browser', '--target', deadUrl, ...user, '--out', out]);
    expect(down.code, down.stderr).toBe(1);
    expect(down.stdout).toMatch(/unreachable/);
    const bad = await runCli(['watch', '--target', sim.url, ...user, '--every', '15', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^error \[E_USAGE\]: --every "15": give a duration with a unit/);
  });
});
