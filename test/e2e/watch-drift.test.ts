/**
 * The done-when of `watch`, without the browser: against one real simulator on port 0, each kind of
 * drift the simulator can apply is seen in the first round after it happens (by the round's page
 * constants, model list or canary), a hundred rounds without drift raise no alarm, and the webhook
 * gets the drift's JSON on a real local HTTP server.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/client/credentials.js';
import { DRIFT_NAMES, startSimulator, type DriftName, type RunningSimulator } from '../../src/simulator/index.js';
import { readRounds, runWatchRound, type WatchAuth, type WebhookSummary } from '../../src/workflow/index.js';
import type { WatchChangeKind } from '../../src/report/index.js';

let sim: RunningSimulator;
let auth: WatchAuth;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 1 });
  const creds = await resolveCredentials({ target: sim.url, user: `${sim.demoUser.email}:${sim.demoUser.password}` });
  auth = { token: creds.token, cookies: creds.cookies };
});
afterAll(() => sim.close());
beforeEach(() => sim.drift.reset());

async function roundIn(out: string, extra: { webhook?: string } = {}) {
  return runWatchRound({ target: sim.url, era: 'qwen-2025-10', out, auth: async () => auth, browser: false, ...extra });
}

/** Where each drift shows without a browser. */
const EXPECTED: Readonly<Record<DriftName, WatchChangeKind>> = {
  'version-bump': 'front-end-version',
  'new-required-header': 'canary',
  'renamed-body-field': 'canary',
  'endpoint-moved': 'canary',
  'dual-responses': 'canary',
  'model-list-change': 'models',
  'anti-bot-tightening': 'canary',
};

describe('watch against a drifting simulator', () => {
  it.each(DRIFT_NAMES.map((name) => [name]))('sees %s in the first round after it happens', async (name) => {
    const out = await mkdtemp(join(tmpdir(), `qp-watch-${name}-`));
    const first = await roundIn(out);
    expect(first.drift).toBe(false);
    expect(first.canaries[0]?.outcome).toBe('answer');
    sim.drift.apply(name);
    const second = await roundIn(out);
    expect(second.drift, JSON.stringify(second.canaries)).toBe(true);
    expect(second.changes.map((c) => c.kind)).toContain(EXPECTED[name]);
    expect(second.report).toMatch(/^reports\/drift-.*\.md$/);
    const html = await readFile(join(out, second.report!.replace(/\.md$/, '.html')), 'utf8');
    expect(html).toContain(second.changes[0]!.explanation.replace(/"/g, '&quot;').replace(/'/g, '&#39;').slice(0, 20));
    // The drift stays: the round after reports nothing new.
    expect((await roundIn(out)).drift).toBe(false);
  });

  it('names what a version bump changed and what it breaks', async () => {
    const out = await mkdtemp(join(tmpdir(), 'qp-watch-version-'));
    await roundIn(out);
    sim.drift.apply('version-bump');
    const change = (await roundIn(out)).changes.find((c) => c.key === 'front-end:version');
    expect(change).toMatchObject({ before: '0.2.63', after: '0.2.64' });
    expect(change?.breaks.join(' ')).toContain('version header');
  });

  it('raises no alarm in 100 rounds without drift', async () => {
    const out = await mkdtemp(join(tmpdir(), 'qp-watch-quiet-'));
    for (let i = 0; i < 100; i++) await roundIn(out);
    const rounds = await readRounds(out);
    expect(rounds).toHaveLength(100);
    expect(rounds.filter((r) => r.drift)).toEqual([]);
    expect(rounds.every((r) => r.reachable && r.canaries[0]?.ok)).toBe(true);
    const index = await readFile(join(out, 'index.html'), 'utf8');
    expect(index).toContain('100 rounds, 0 with drift');
  }, 120_000);

  it('posts the drift summary to the webhook as JSON', async () => {
    const received: { body: string; type: string | undefined }[] = [];
    const server: Server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ body, type: req.headers['content-type'] });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const out = await mkdtemp(join(tmpdir(), 'qp-watch-webhook-'));
      await roundIn(out, { webhook });
      expect(received).toEqual([]);
      sim.drift.apply('model-list-change');
      const record = await roundIn(out, { webhook });
      expect(received).toHaveLength(1);
      expect(received[0]?.type).toBe('application/json');
      const summary = JSON.parse(received[0]!.body) as WebhookSummary;
      expect(summary).toMatchObject({
        kind: 'qwen-probe.watch.drift',
        target: sim.url,
        round: 2,
        report: record.report,
      });
      expect(summary.changes[0]?.explanation).toContain('qwen3.9-preview');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('records an unreachable target as such and compares the next round with the last reachable one', async () => {
    const out = await mkdtemp(join(tmpdir(), 'qp-watch-down-'));
    await roundIn(out);
    const closed = await startSimulator({ port: 0 });
    const deadUrl = closed.url;
    await closed.close();
    const down = await runWatchRound({
      target: deadUrl,
      era: 'qwen-2025-10',
      out,
      auth: async () => auth,
      browser: false,
    });
    expect(down).toMatchObject({ reachable: false, drift: false });
    expect(down.unreachable).toMatch(/ECONNREFUSED/);
    expect((await roundIn(out)).drift).toBe(false);
  });
});
