/**
 * The generated zod module as a client uses it: written to a folder, type-checked with the repo's
 * own tsc under the repo's strict settings, imported, and run against the browser's and the seed's
 * requests.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointIdentifier, learnProtocol, renderProtocolZod, requestParts } from '../../src/learn/index.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { turns } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let dir: string;
let module: any;

function parts(exchange: Exchange) {
  const p = requestParts(exchange.request);
  return {
    headers: Object.fromEntries(p.headers),
    cookies: Object.fromEntries(p.cookies),
    query: Object.fromEntries(p.query),
    body: p.body?.value,
  };
}

const completion = (shape: 'web' | 'seed-v4') => turns(shape, 1, 9).find((e) => e.endpoint === 'chat.completions')!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qp-protocol-ts-'));
  // The module imports zod as a client's code would; the repo's node_modules provides it.
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await writeFile(join(dir, 'protocol.ts'), renderProtocolZod(learnProtocol(turns('web', 3))));
  await writeFile(
    join(dir, 'client.ts'),
    [
      "import { chatCompletions, validateRequest, type ChatCompletionsBody } from './protocol.js';",
      'const body: ChatCompletionsBody = chatCompletions.body.parse({});',
      "export const problems = validateRequest('chat.completions', { headers: {}, body });",
      'export const model: string = body.model;',
    ].join('\n'),
  );
  module = await import(join(dir, 'protocol.ts'));
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the generated protocol.ts', () => {
  it("type-checks with the repo's tsc, strict, as a client would import it", async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = [
      '--noEmit',
      '--strict',
      '--exactOptionalPropertyTypes',
      '--noUncheckedIndexedAccess',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
    ];
    const result = await run(process.execPath, [tsc, ...flags, 'protocol.ts', 'client.ts'], { cwd: dir }).catch(
      (error: { stdout?: string; stderr?: string }) => ({
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
        failed: true,
      }),
    );
    expect(result).not.toHaveProperty('failed');
  }, 60_000);

  it("accepts the browser's request and rejects the seed's, naming chat_type and model", () => {
    expect(module.validateRequest('chat.completions', parts(completion('web')))).toEqual([]);
    const problems = module.validateRequest('chat.completions', parts(completion('seed-v4')));
    const paths = problems.map((p: { part: string; path: string }) => `${p.part} ${p.path}`);
    expect(paths).toEqual(expect.arrayContaining(['body messages.0.chat_type', 'body model']));
    expect(module.chatCompletions.body.safeParse(JSON.parse(completion('seed-v4').request.body!)).success).toBe(false);
    expect(module.chatCompletions.body.safeParse(JSON.parse(completion('web').request.body!)).success).toBe(true);
  });

  it('holds the compressed token to the browser’s Bearer JWT', () => {
    const v1 = turns('seed-v1', 1, 9)[0]!;
    const headers = Object.fromEntries(requestParts(v1.request).headers);
    expect(module.chatCompletions.headers.safeParse(headers).error?.issues.map((i: any) => i.path.join('.'))).toContain(
      'authorization',
    );
  });

  it('keeps a hostile path and endpoint name inside the comments: importing the module runs nothing', async () => {
    const payload = '*/;(globalThis as any).__pwned=1;/*';
    const browser = turns('web', 1, 5);
    const hostile: Exchange[] = [
      { ...browser[0]!, request: { ...browser[0]!.request, url: `http://127.0.0.1:9/api/v2/x${payload}` } },
      { ...browser[1]!, endpoint: `chat.completions ${payload}\n*/ (globalThis as any).__pwned=2; /*` },
    ];
    const file = join(dir, 'hostile.ts');
    await writeFile(file, renderProtocolZod(learnProtocol(hostile)));
    const hostileModule = await import(file);
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined();
    expect(Object.keys(hostileModule.protocol)).toHaveLength(2);
  });

  it('names endpoints as identifiers, unknown paths included', () => {
    expect(endpointIdentifier('chat.completions')).toBe('chatCompletions');
    expect(endpointIdentifier('GET /api/v2/users/:id/settings')).toBe('getApiV2UsersIdSettings');
    expect(endpointIdentifier('chats.delete')).toBe('chatsDelete');
    expect(endpointIdentifier('delete')).toBe('deleteEndpoint');
  });
});
