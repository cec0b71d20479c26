/**
 * `replay` of several turns, as a terminal shows it: each answer on its own, followed by its status
 * line and (with --curl) its own curl script, and every script works when run with sh.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/cli/replay.js';
import { runShapeConversation } from '../../src/client/run-shape.js';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import { SHAPES, systemIdClock } from '../../src/upstream/shapes.js';
import { startSession, type SimSession } from '../bisect/simulator-support.js';

const run = promisify(execFile);
let session: SimSession;
let capture = '';

beforeAll(async () => {
  session = await startSession();
  const { sim, credentials } = session;
  const conversation = await runShapeConversation(
    SHAPES.web,
    { baseUrl: sim.url, token: credentials.token, cookies: credentials.cookies, idClock: systemIdClock },
    ['Hi', 'And then?'],
  );
  capture = join(await mkdtemp(join(tmpdir(), 'qp-replay-turns-')), 'two-turns.har');
  const writer = await openCaptureWriter(capture);
  for (const exchange of conversation.exchanges) await writer.append(exchange);
  await writer.close();
});
afterAll(async () => {
  await session?.sim.close();
});

describe('replay of several turns', () => {
  it('prints each answer with its own status line and curl script, and each script works', async () => {
    const { sim, credentials } = session;
    // One transcript, in order, of what reaches the terminal: streamed text and whole lines alike.
    const screen: string[] = [];
    const code = await replay(
      { capture, target: sim.url, token: credentials.token, curl: true },
      { out: (line) => screen.push(`out: ${line}`), err: (line) => screen.push(`err: ${line}`) },
      { write: (text) => screen.push(`text: ${text}`) },
    );
    expect(code).toBe(0);
    const shape = screen.map((l) =>
      l.startsWith('text: ')
        ? 'text'
        : l.startsWith('err: replaying')
          ? l.replace(/\(entry \d+\)/, '(entry N)').slice(0, 40)
          : l.startsWith('out: 200 · works')
            ? 'status'
            : l.startsWith('out: ') && l.includes('curl ')
              ? 'curl'
              : l,
    );
    // Collapse the streamed text to one mark per answer.
    const compact = shape.filter((l, i) => !(l === 'text' && shape[i - 1] === 'text'));
    expect(compact).toEqual([
      'err: replaying 1/2: POST /api/v2/chat/co',
      'text',
      'status',
      'curl',
      'err: replaying 2/2: POST /api/v2/chat/co',
      'text',
      'status',
      'curl',
    ]);
    const scripts = screen.filter((l) => l.startsWith('out: ') && l.includes('curl ')).map((l) => l.slice(5));
    for (const script of scripts) {
      expect(script).not.toContain(credentials.token);
      const { stdout } = await run('sh', ['-c', script], {
        env: { ...process.env, QWEN_TOKEN: credentials.token },
        timeout: 30_000,
      });
      expect(stdout).toMatch(/"status": ?"finished"/);
    }
  });

  it('refuses --json with --curl before sending anything', async () => {
    const before = session.sim.state.requests['chat.completions'] ?? 0;
    await expect(
      replay(
        { capture, target: session.sim.url, token: session.credentials.token, json: true, curl: true },
        { out: () => undefined, err: () => undefined },
      ),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
    expect(session.sim.state.requests['chat.completions'] ?? 0).toBe(before);
  });
});
