/**
 * `investigate` against a target nothing listens on fails with one line and leaves no report
 * folder behind: the folder is made with its first file, and an unreachable target writes none.
 */
import { createServer } from 'node:net';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { investigate } from '../../src/cli/investigate.js';

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

it('leaves no empty report folder when the target cannot be reached', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qp-investigate-unreachable-'));
  const target = `http://127.0.0.1:${await closedPort()}`;
  const session = join(dir, 'session.json');
  await writeFile(
    session,
    JSON.stringify({ version: 1, target, createdAt: new Date().toISOString(), token: 'a.b.c', cookies: {} }),
  );
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const out = join(dir, 'reports', 'investigation');
  await expect(investigate({ target, session, out }, io)).rejects.toMatchObject({ code: 'E_UPSTREAM_UNREACHABLE' });
  expect((await readdir(dir)).sort()).toEqual(['session.json']);
}, 120_000);
