import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { startSimulator } from '../../src/simulator/index.js';
import { runCli } from '../support/run-cli.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, chunkIntervalMs: 5 });
  dir = await mkdtemp(join(tmpdir(), 'qp-e2e-generate-'));
});
afterAll(async () => {
  await sim?.close();
});

async function generateAgainstSimulator(shape: string) {
  const out = join(dir, `${shape}.har`);
  const { email, password } = sim.demoUser;
  const run = await runCli(
    ['generate', '--shape', shape, '--send', '--target', sim.url, '--user', `${email}:${password}`, '--out', out],
    {
      env: { QWEN_PROBE_EMAIL: '', QWEN_PROBE_PASSWORD: '' },
    },
  );
  const lines = run.stdout.trim().split('\n');
  return { run, lines, verdict: lines.at(-2) ?? '', capture: await readCapture(out) };
}

describe('generate --send walks the seed report error progression against the simulator', () => {
  it('seed-v1: the compressed token is refused with 401 Invalid token', async () => {
    const { run, lines, verdict, capture } = await generateAgainstSimulator('seed-v1');
    expect(run.code).toBe(0);
    expect(lines[0]).toMatch(/^POST \/api\/v2\/chat\/completions 401 /);
    expect(verdict).toMatch(/^failure: auth — .*Invalid token/);
    expect(capture.exchanges.map((e) => e.endpoint)).toEqual(['chat.completions']);
  });

  it('seed-v2: a chat_id only in the body is missing from the query', async () => {
    const { run, verdict, capture } = await generateAgainstSimulator('seed-v2');
    expect(run.code).toBe(0);
    expect(verdict).toBe("failure: RequestValidationError: Field 'query -> chat_id': Field required");
    expect(capture.exchanges.map((e) => e.endpoint)).toEqual(['chat.completions']);
  });

  it('seed-v3: a real chat with chat_id only in the query is missing from the body', async () => {
    const { run, verdict, capture } = await generateAgainstSimulator('seed-v3');
    expect(run.code).toBe(0);
    expect(verdict).toBe("failure: RequestValidationError: Field 'chat_id': Field required");
    expect(capture.exchanges.map((e) => e.endpoint)).toEqual(['chats.new', 'chat.completions']);
  });

  it('seed-v4: the seed final request gets Internal_Server_Error', async () => {
    const { run, verdict, capture } = await generateAgainstSimulator('seed-v4');
    expect(run.code).toBe(0);
    expect(verdict).toBe('failure: Internal_Server_Error — Internal error');
    expect(capture.exchanges.map((e) => e.endpoint)).toEqual(['chats.new', 'chat.completions']);
  });

  it('web: the browser shape gets a streamed answer, recorded with event timings', async () => {
    const { run, lines, verdict, capture } = await generateAgainstSimulator('web');
    expect(run.code).toBe(0);
    expect(lines[1]).toMatch(/^POST \/api\/v2\/chat\/completions 200 \S+ k?B \d+ events \d+ ms$/);
    expect(verdict).toMatch(/^answer: ".+"$/);
    expect(capture.meta.source).toBe('library');
    expect(capture.exchanges.map((e) => [e.endpoint, e.source])).toEqual([
      ['chats.new', 'library'],
      ['chat.completions', 'library'],
    ]);
    const sse = capture.exchanges[1]?.response?.sse ?? [];
    expect(sse.length).toBeGreaterThan(2);
    const times = sse.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)).toBeGreaterThan(times[0] ?? 0);
    expect(capture.exchanges[1]?.response?.chunks?.length).toBeGreaterThan(0);
  });
});
