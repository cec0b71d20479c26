import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/common/index.js';
import { resolveCredentials } from '../../src/client/credentials.js';
import { type ProbeError } from '../../src/exchange/errors.js';
import { writeSessionFile } from '../../src/client/session-file.js';
import { freePort, readBody, startLoopbackServer, type LoopbackServer } from '../net/loopback-server.js';
import { makeJwt } from './make-jwt.js';

let server: LoopbackServer | undefined;

/** The ProbeError a promise rejects with; fails the test when it resolves. */
function rejection(promise: Promise<unknown>): Promise<ProbeError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as ProbeError,
  );
}
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOKEN = makeJwt({ id: 'u1', exp: 1_900_000_000 });

/** A sign-in endpoint that knows one account. */
async function signinServer(
  seen: { body?: unknown; path?: string | undefined } = {},
  echo = false,
): Promise<LoopbackServer> {
  return startLoopbackServer(async (req, res) => {
    const text = await readBody(req);
    seen.path = req.url;
    seen.body = JSON.parse(text);
    const { email, password } = seen.body as { email: string; password: string };
    if (email === 'demo@qwen-probe.test' && password === sha256Hex('s3cret:pw')) {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Set-Cookie': ['token=ignored; Path=/', 'ssxmod_itna=1-abc; Path=/'],
      });
      res.end(JSON.stringify({ id: 'u1', email, name: 'Demo', token: TOKEN, token_type: 'Bearer' }));
      return;
    }
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ detail: `The email or password provided is incorrect.${echo ? ` (${text})` : ''}` }));
  });
}

describe('resolveCredentials', () => {
  it('takes a --token as it is, without a Bearer prefix', async () => {
    const creds = await resolveCredentials({ target: 'https://chat.qwen.ai', token: `Bearer ${TOKEN}` });
    expect(creds).toMatchObject({ token: TOKEN, cookies: {}, source: 'token', warnings: [] });
  });

  it('warns about an expired token but still returns it', async () => {
    const creds = await resolveCredentials({ target: 'https://chat.qwen.ai', token: makeJwt({ exp: 1000 }) });
    expect(creds.warnings[0]).toContain('expired');
  });

  it('reads token, cookies and user from a session file and warns when it belongs to another target', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'qp-cred-')), 's.json');
    await writeSessionFile(path, {
      version: 1,
      target: 'https://chat.qwen.ai',
      createdAt: 'now',
      token: TOKEN,
      cookies: { ssxmod_itna: 'x' },
    });
    const creds = await resolveCredentials({ target: 'http://127.0.0.1:9', session: path });
    expect(creds).toMatchObject({ token: TOKEN, cookies: { ssxmod_itna: 'x' }, source: 'session' });
    expect(creds.warnings).toEqual([expect.stringContaining('saved for https://chat.qwen.ai')]);
  });

  it('signs in with the sha256 of the password and keeps the cookies the sign-in set', async () => {
    const seen: { body?: unknown; path?: string } = {};
    server = await signinServer(seen);
    const creds = await resolveCredentials({ target: server.url, user: 'demo@qwen-probe.test:s3cret:pw' });
    expect(seen.path).toBe('/api/v1/auths/signin');
    expect(seen.body).toEqual({ email: 'demo@qwen-probe.test', password: sha256Hex('s3cret:pw') });
    expect(creds).toMatchObject({
      token: TOKEN,
      source: 'user',
      cookies: { ssxmod_itna: '1-abc' },
      user: { id: 'u1', email: 'demo@qwen-probe.test', name: 'Demo' },
    });
  });

  it('uses QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD only when asked to', async () => {
    server = await signinServer();
    const env = { QWEN_PROBE_EMAIL: 'demo@qwen-probe.test', QWEN_PROBE_PASSWORD: 's3cret:pw' };
    await expect(resolveCredentials({ target: server.url, env })).rejects.toMatchObject({ code: 'E_USAGE' });
    expect((await resolveCredentials({ target: server.url, env, useEnv: true })).token).toBe(TOKEN);
  });

  it('turns a refused sign-in into E_UPSTREAM_AUTH with the upstream message and never the password', async () => {
    server = await signinServer({}, true);
    const error = await rejection(resolveCredentials({ target: server.url, user: 'demo@qwen-probe.test:wrong-pw' }));
    expect(error.code).toBe('E_UPSTREAM_AUTH');
    expect(error.message).toContain('The email or password provided is incorrect.');
    expect(error.message).toContain('HTTP 400');
    expect(`${error.message} ${error.hint}`).not.toContain('wrong-pw');
    expect(error.message).not.toContain(sha256Hex('wrong-pw'));
  });

  it('turns an unreachable target into E_UPSTREAM_UNREACHABLE naming the URL, with a hint', async () => {
    const target = `http://127.0.0.1:${await freePort()}`;
    const error = await rejection(resolveCredentials({ target, user: 'a@b.test:pw' }));
    expect(error).toMatchObject({ code: 'E_UPSTREAM_UNREACHABLE', hint: expect.stringContaining('simulate') });
    expect(error.message).toContain(target);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('refuses two credential sources, none at all, and a --user without a password (without echoing it)', async () => {
    await expect(resolveCredentials({ target: 'http://x.test', token: 'a', user: 'b:c' })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    await expect(resolveCredentials({ target: 'http://x.test', env: {} })).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('--token'),
    });
    const error = await rejection(resolveCredentials({ target: 'http://x.test', user: 'secretvalue' }));
    expect(error).toMatchObject({ code: 'E_USAGE' });
    expect(error.message).not.toContain('secretvalue');
  });
});
