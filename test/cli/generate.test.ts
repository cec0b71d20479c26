import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultCapturePath, generate, PLACEHOLDER_TOKEN } from '../../src/cli/generate.js';
import type { CommandIo } from '../../src/cli/run-command.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { freePort, readBody, startLoopbackServer, type LoopbackServer } from '../net/loopback-server.js';
import { makeJwt } from '../client/make-jwt.js';

const TOKEN = makeJwt({ id: 'u1', exp: 1_900_000_000 });

function collectingIo(): CommandIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

async function tempOut(name = 'out.har'): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'qp-generate-')), 'sub', name);
}

let server: LoopbackServer | undefined;
beforeEach(() => {
  // Credentials from the developer's environment must not leak into these tests.
  vi.stubEnv('QWEN_PROBE_EMAIL', '');
  vi.stubEnv('QWEN_PROBE_PASSWORD', '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
});

describe('generate offline', () => {
  it('writes the shape requests as a library capture without sending them', async () => {
    const out = await tempOut();
    const io = collectingIo();
    expect(await generate({ shape: 'web', out, prompt: 'Hi there', 'keep-secrets': true }, io)).toBe(0);
    expect(io.lines).toEqual([
      'POST /api/v2/chats/new (not sent)',
      'POST /api/v2/chat/completions (not sent)',
      'note: no credentials given; the requests carry a placeholder token',
      `wrote 2 requests (not sent) to ${out} (with secrets, mode 0600)`,
    ]);
    const capture = await readCapture(out);
    expect(capture.meta.source).toBe('library');
    expect(capture.exchanges.map((e) => [e.endpoint, e.source, e.response])).toEqual([
      ['chats.new', 'library', undefined],
      ['chat.completions', 'library', undefined],
    ]);
    expect(capture.exchanges[1]?.request.body).toContain('Hi there');
    expect(capture.exchanges[1]?.request.headers).toContainEqual({
      name: 'Authorization',
      value: `Bearer ${PLACEHOLDER_TOKEN}`,
    });
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it('with --json prints one JSON document on stdout and its progress on stderr', async () => {
    const out = await tempOut();
    const io = collectingIo();
    expect(await generate({ shape: 'web', out, json: true }, io)).toBe(0);
    expect(JSON.parse(io.lines.join('\n'))).toMatchObject({ shape: 'web', sent: false, out, redacted: true });
    expect(io.errors.at(-1)).toBe(`wrote 2 requests (not sent) to ${out} (redacted)`);
  });

  it('redacts the token when asked', async () => {
    const out = await tempOut();
    await generate({ shape: 'seed-v3', out, token: TOKEN, redact: true }, collectingIo());
    expect(await readFile(out, 'utf8')).not.toContain(TOKEN);
    expect((await readCapture(out)).meta.redacted).toBe(true);
  });

  it('redacts by default: without flags no token reaches the disk, and the file is shareable (0644)', async () => {
    const out = await tempOut();
    const io = collectingIo();
    await generate({ shape: 'seed-v3', out, token: TOKEN }, io);
    expect(await readFile(out, 'utf8')).not.toContain(TOKEN);
    expect((await readCapture(out)).meta.redacted).toBe(true);
    expect((await stat(out)).mode & 0o777).toBe(0o644 & ~process.umask());
    expect(io.lines.at(-1)).toMatch(/\(redacted\)$/);
  });

  it('refuses --redact with --keep-secrets, and an existing --out without --overwrite', async () => {
    const out = await tempOut();
    await expect(
      generate({ shape: 'web', out, redact: true, 'keep-secrets': true }, collectingIo()),
    ).rejects.toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    await generate({ shape: 'web', out }, collectingIo());
    await expect(generate({ shape: 'web', out }, collectingIo())).rejects.toMatchObject({
      code: 'E_INPUT',
      exitCode: 2,
      message: expect.stringContaining('already exists'),
    });
    expect(await generate({ shape: 'web', out, overwrite: true }, collectingIo())).toBe(0);
  });

  it('names the default capture after the shape and the time', () => {
    expect(defaultCapturePath('seed-v4', new Date('2026-06-15T12:34:56.789Z'))).toBe(
      'captures/seed-v4-2026-06-15T12-34-56.har',
    );
  });
});

describe('generate input errors', () => {
  it('lists the valid shapes for an unknown one and exits 2', async () => {
    await expect(generate({ shape: 'seed-v9' }, collectingIo())).rejects.toMatchObject({
      code: 'E_USAGE',
      exitCode: 2,
      message: expect.stringContaining('seed-v1, seed-v2, seed-v3, seed-v4, web'),
    });
  });

  it('refuses --send without --target, --send without credentials, and --user offline', async () => {
    await expect(generate({ shape: 'web', send: true, token: TOKEN }, collectingIo())).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('--target'),
    });
    await expect(
      generate({ shape: 'web', send: true, target: 'http://127.0.0.1:1' }, collectingIo()),
    ).rejects.toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    await expect(generate({ shape: 'web', user: 'a@b.test:pw' }, collectingIo())).rejects.toMatchObject({
      code: 'E_USAGE',
    });
  });
});

describe('generate --send', () => {
  it('records the answer stream with event timings and prints one line per exchange and a verdict', async () => {
    server = await startLoopbackServer(async (req, res) => {
      await readBody(req);
      if (req.url === '/api/v2/chats/new') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"success":true,"data":{"id":"chat-9"}}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: {"response.created":{"chat_id":"chat-9","response_id":"r1"}}\n\n');
      await new Promise((r) => setTimeout(r, 20));
      res.end(
        'data: {"choices":[{"delta":{"content":"Hello!","phase":"answer","status":"typing"}}]}\n\n' +
          'data: {"choices":[{"delta":{"content":"","phase":"answer","status":"finished"}}]}\n\n',
      );
    });
    const out = await tempOut();
    const io = collectingIo();
    expect(await generate({ shape: 'web', send: true, target: server.url, token: TOKEN, out }, io)).toBe(0);
    expect(io.lines[0]).toMatch(/^POST \/api\/v2\/chats\/new 200 \d+ B \d+ ms$/);
    expect(io.lines[1]).toMatch(/^POST \/api\/v2\/chat\/completions 200 \d+ B 3 events \d+ ms$/);
    expect(io.lines.slice(2)).toEqual(['answer: "Hello!"', `wrote 2 exchanges to ${out} (redacted)`]);
    const [, completion] = (await readCapture(out)).exchanges;
    expect(completion?.request.url).toContain('chat_id=chat-9');
    expect(completion?.response?.sse?.map((e) => e.t).every((t) => t >= 0)).toBe(true);
  });

  it('writes no token to disk without flags: the capture of a sent turn is redacted', async () => {
    server = await startLoopbackServer(async (req, res) => {
      await readBody(req);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': `token=${TOKEN}; Path=/` });
      res.end(`{"success":true,"data":{"id":"chat-9","echo":"${TOKEN}"}}`);
    });
    const out = await tempOut();
    await generate({ shape: 'web', send: true, target: server.url, token: TOKEN, out }, collectingIo());
    const text = await readFile(out, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.split('.')[2]);
    expect((await readCapture(out)).meta.redacted).toBe(true);
  });

  it('exits 1 for an unreachable target but still writes the failed exchange', async () => {
    const target = `http://127.0.0.1:${await freePort()}`;
    const out = await tempOut();
    const io = collectingIo();
    await expect(generate({ shape: 'seed-v2', send: true, target, token: TOKEN, out }, io)).rejects.toMatchObject({
      code: 'E_UPSTREAM_UNREACHABLE',
      exitCode: 1,
      message: expect.stringContaining(target),
    });
    expect(io.lines[0]).toMatch(/ECONNREFUSED/);
    expect((await readCapture(out)).exchanges[0]?.error?.code).toBe('ECONNREFUSED');
  });
});
