/**
 * `qwen-probe simulate --profile qwen-2026-09 --tls` as a user runs it: it prints its CA like
 * `intercept` does (path, SPKI hash), serves HTTPS, and tells a Node client by its JA4.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/common/index.js';
import { spkiHash } from '../../src/simulator/index.js';
import { shapeFor, systemIdClock } from '../../src/upstream/shapes.js';
import { spawnCli } from '../support/spawn-cli.js';

describe('qwen-probe simulate --tls', () => {
  it('prints the CA, serves HTTPS, and soft-blocks undici by its TLS fingerprint', async () => {
    const caDir = await mkdtemp(join(tmpdir(), 'qp-sim-tls-'));
    const cli = spawnCli(['simulate', '--port', '0', '--profile', 'qwen-2026-09', '--tls', '--tls-ca-dir', caDir]);
    try {
      const [, url] = await cli.waitForLine(/^listening on (https:\/\/127\.0\.0\.1:\d+)$/);
      const [, caPath] = await cli.waitForLine(/^CA certificate: (\S+)$/);
      const [, spki] = await cli.waitForLine(/^CA SPKI \(sha256\): (\S+)$/);
      expect(caPath).toBe(join(caDir, 'ca-cert.pem'));
      const ca = await readFile(caPath!, 'utf8');
      expect(spki).toBe(spkiHash(ca));
      await cli.waitForLine(/^profile: qwen-2026-09 /);
      const agent = new Agent({ connect: { ca } });

      // A Node client with the whole cookie jar: the first thing the server holds against it is its JA4.
      const acw = /acw_tc=([^;]+)/.exec(
        (await undiciFetch(`${url}/`, { dispatcher: agent })).headers.getSetCookie().join(),
      )?.[1];
      const signin = await undiciFetch(`${url}/api/v2/auths/signin`, {
        dispatcher: agent,
        method: 'POST',
        body: JSON.stringify({ email: 'demo@qwen-probe.test', password: sha256Hex('demo-password') }),
      });
      const token = ((await signin.json()) as { token: string }).token;
      const web = shapeFor('web', 'qwen-2026-09');
      const ctx = {
        baseUrl: url!,
        token,
        cookies: { acw_tc: acw!, cna: 'c', isg: 'B', tfstk: 'f', ssxmod_itna: '1-x' },
        idClock: systemIdClock,
      };
      const send = (req: ReturnType<typeof web.completion>) =>
        undiciFetch(req.url, {
          dispatcher: agent,
          method: req.method,
          headers: Object.fromEntries(req.headers.map((h) => [h.name, h.value])),
          body: req.body ?? null,
        });
      const chatId = ((await (await send(web.createChat!(ctx))).json()) as { data: { id: string } }).data.id;
      const res = await send(web.completion(ctx, { chatId }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await res.text();
      const state = (await (await undiciFetch(`${url}/__simulator/state`, { dispatcher: agent })).json()) as {
        recent: { outcome: string }[];
      };
      expect(state.recent.at(-1)?.outcome).toBe('rule:soft-block-tls-fingerprint');
    } finally {
      cli.child.kill('SIGINT');
    }
    expect((await cli.exit).code).toBe(0);
  });
});
