import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntercept } from '../../src/capture/intercept/intercept-proxy.js';
import type { CaMaterial } from '../../src/capture/intercept/ca-store.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { proxyAgent, sharedTestCa, startUpstream } from './intercept-support.js';

const TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6InVzZXItMSIsImV4cCI6MTg5MzQ1NjAwMH0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let ca: CaMaterial;

beforeAll(async () => {
  ca = await sharedTestCa();
  upstream = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'set-cookie': `token=${TOKEN}; Path=/` })
        .end(JSON.stringify({ token: TOKEN })),
    );
  });
});
afterAll(async () => {
  await upstream?.close();
});

describe('startIntercept with redact', () => {
  it('keeps tokens, cookies and passwords out of the capture file, which is then shareable (0644)', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'qp-intercept-redact-')), 'redacted.har');
    const seen: string[] = [];
    const proxy = await startIntercept({
      port: 0,
      ca,
      map: [`chat.qwen.ai=${upstream.url}`],
      out,
      redact: true,
      onExchange: (e) => seen.push(e.id),
    });
    const agent = proxyAgent(proxy.url, ca.cert);
    const res = await request('https://chat.qwen.ai/api/v1/auths/signin', {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${TOKEN}`, cookie: `token=${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'demo@example.com', password: 'a'.repeat(64) }),
    });
    await res.body.text();
    await agent.close();
    await proxy.close();
    const text = await readFile(out, 'utf8');
    expect(seen).toHaveLength(1);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('a'.repeat(64));
    const capture = await readCapture(out);
    expect(capture.meta.redacted).toBe(true);
    expect(capture.exchanges[0]!.tags).toEqual(expect.arrayContaining(['redacted:authorization']));
    expect((await stat(out)).mode & 0o777).toBe(0o644);
  });
});
