import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { learnProtocol, readProtocolDir, renderProtocolReadme, writeProtocolDir } from '../../src/learn/index.js';
import { FIXTURE_COOKIES, FIXTURE_TOKEN } from '../diff/support/fixture-captures.js';
import { makeExchange } from '../support/make-exchange.js';
import { turns } from './support.js';

describe('a protocol folder', () => {
  it('holds protocol.json, protocol.ts and README.md, and reads back as it was written', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'qp-protocol-dir-')), 'nested', 'protocol');
    expect(await readProtocolDir(dir)).toBeUndefined();
    const protocol = learnProtocol(turns('web', 2), ['browser.har']);
    const written = await writeProtocolDir(dir, protocol);
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual(['protocol.json', 'protocol.ts', 'README.md']);
    const back = await readProtocolDir(dir);
    expect([...back!.endpoints.keys()]).toEqual(['chats.new', 'chat.completions']);
    expect(back!.learntFrom.captures).toEqual(['browser.har']);
  });

  it('never writes a token, a cookie value or an e-mail address, even from an unredacted capture', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qp-protocol-secrets-'));
    const me = makeExchange({
      endpoint: 'auths.me',
      request: { method: 'GET', url: 'https://chat.qwen.ai/api/v1/auths/', body: undefined },
      response: {
        headers: [{ name: 'content-type', value: 'application/json' }],
        body: JSON.stringify({ id: 'u1', email: 'someone@example.com', name: 'someone', token: FIXTURE_TOKEN }),
        sse: undefined,
      },
    });
    await writeProtocolDir(dir, learnProtocol([...turns('web', 2), me]));
    for (const file of ['protocol.json', 'protocol.ts', 'README.md']) {
      const text = await readFile(join(dir, file), 'utf8');
      for (const secret of [FIXTURE_TOKEN, FIXTURE_TOKEN.split('.')[2]!, ...Object.values(FIXTURE_COOKIES), 'someone'])
        expect(text.includes(secret), `${file} holds ${secret}`).toBe(false);
    }
  });

  it('says what a protocol.json that is not one is wrong with', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qp-protocol-bad-'));
    await writeFile(join(dir, 'protocol.json'), '{"schemaVersion": 1, "endpoints": []}');
    await expect(readProtocolDir(dir)).rejects.toThrow(/protocol\.json is not a learnt protocol at learntFrom/);
  });

  it('describes each endpoint for people: fields with presence, kinds and enum values, and the stream', () => {
    const text = renderProtocolReadme(learnProtocol(turns('web', 2)));
    expect(text).toContain('## chat.completions: POST /api/v2/chat/completions');
    expect(text).toContain('| body | `messages[*].chat_type` | 2 of 2 (required) | enum | `t2t` |');
    expect(text).toContain('| header | `authorization` | 2 of 2 (required) | Bearer jwt |  |');
    expect(text).toContain('`response.created` first: 2 of 2 streams');
  });
});
