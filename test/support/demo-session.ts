/** A session file for the simulator's demo account, as `qwen-probe login` would write it. */
import { join } from 'node:path';
import { resolveCredentials } from '../../src/client/credentials.js';
import { writeSessionFile } from '../../src/client/session-file.js';
import type { RunningSimulator } from '../../src/simulator/index.js';

/** Signs the demo user in over the API and writes `DIR/session.json` (token and cookies, no storage state). */
export async function writeDemoSession(sim: RunningSimulator, dir: string): Promise<string> {
  const creds = await resolveCredentials({ target: sim.url, user: `${sim.demoUser.email}:${sim.demoUser.password}` });
  const path = join(dir, 'session.json');
  await writeSessionFile(path, {
    version: 1,
    target: sim.url,
    createdAt: new Date().toISOString(),
    token: creds.token,
    cookies: { ...creds.cookies },
  });
  return path;
}

/** `capture --target URL --session FILE --prompt P ... --out FILE`, the command line most capture tests run. */
export function captureArgs(target: string, session: string, prompts: readonly string[], out: string): string[] {
  return [
    'capture',
    '--target',
    target,
    '--session',
    session,
    ...prompts.flatMap((p) => ['--prompt', p]),
    '--out',
    out,
  ];
}
