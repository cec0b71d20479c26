/** `qwen-probe whoami`: the user and the token's life, as lines or (`--json`) one JSON document. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whoami } from '../../src/cli/whoami.js';
import { startSimulator } from '../../src/simulator/index.js';
import { writeDemoSession } from '../support/demo-session.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let session: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  session = await writeDemoSession(sim, await mkdtemp(join(tmpdir(), 'qp-whoami-')));
});

afterAll(async () => {
  await sim?.close();
});

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('qwen-probe whoami', () => {
  it('prints the user, the token life and the session, never the token', async () => {
    const c = collect();
    expect(await whoami({ target: sim.url, session }, c.io)).toBe(0);
    expect(c.out[0]).toMatch(new RegExp(`^user: .* <${sim.demoUser.email}> \\(id \\S+, role \\w+\\)$`));
    expect(c.out[1]).toMatch(/^token: jwt, \d+ chars, expires /);
    expect(c.out.join('\n')).not.toMatch(/eyJ/);
  });

  it('with --json prints one JSON document and nothing else', async () => {
    const c = collect();
    expect(await whoami({ target: sim.url, session, json: true }, c.io)).toBe(0);
    expect(c.err).toEqual([]);
    const report = JSON.parse(c.out.join('\n'));
    expect(report).toMatchObject({
      target: sim.url,
      user: { email: sim.demoUser.email },
      token: { chars: expect.any(Number), expiresAt: expect.any(String) },
      session: { path: session },
    });
    expect(JSON.stringify(report)).not.toMatch(/eyJ/);
  });
});
