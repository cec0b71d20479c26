import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS_REMOVED_TAG, parseAnyCapture, readAnyCapture } from '../../src/exchange/read-any-capture.js';
import { streamAnyCapture } from '../../src/exchange/read-any-capture.js';
import { exchangesToHar } from '../../src/exchange/har-codec.js';

const FOREIGN = resolve(import.meta.dirname, '../../fixtures/foreign');
const dir = mkdtempSync(join(tmpdir(), 'qp-any-capture-'));
const classifyEndpoint = (method: string, url: string) =>
  new URL(url).pathname === '/api/v2/chats/new' ? 'chats.new' : undefined;

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readAnyCapture tells the format by the bytes', () => {
  it.each([
    ['playwright/embed-good.har', 'har'],
    ['playwright/attach-good.zip', 'har-zip'],
    ['chrome-devtools/full-good.har.zip', 'har-zip'],
    ['mitmproxy/good.v20.mitm', 'mitmproxy-flows'],
    ['chrome-devtools/copy-as-curl-bash-good.sh', 'curl'],
    ['chrome-devtools/copy-as-curl-cmd-good.cmd', 'curl'],
    ['chrome-devtools/copy-as-fetch-nodejs-good.js', 'fetch'],
    ['chrome-devtools/copy-as-powershell-good.ps1', 'powershell'],
  ])('%s is %s', async (name, format) => {
    expect((await readAnyCapture(join(FOREIGN, name))).format).toBe(format);
  });

  it('reads a gzipped HAR, and a file named anything', async () => {
    const har = readFileSync(join(FOREIGN, 'firefox/good.har'));
    expect((await readAnyCapture(file('capture.har.gz', gzipSync(har)))).format).toBe('har-gzip');
    expect((await readAnyCapture(file('capture.txt', har))).exchanges).toHaveLength(3);
  });

  it("follows Playwright's _file references in the HAR's folder, and in a folder given for the HAR", async () => {
    const folder = join(FOREIGN, 'playwright/attach-dir-good');
    for (const input of [await readAnyCapture(join(folder, 'capture.har')), await readAnyCapture(folder)]) {
      const completion = input.exchanges[2]!;
      expect(JSON.parse(completion.request.body!)).toMatchObject({ stream: true });
      expect(completion.response?.body).toMatch(/^data: /);
      expect(completion.tags ?? []).not.toContain('har:body-in-side-file');
    }
  });

  it('says when a side file is missing, and never reads one outside the folder', async () => {
    const copy = join(dir, 'attach-missing');
    mkdirSync(copy);
    cpSync(join(FOREIGN, 'playwright/attach-dir-good/capture.har'), join(copy, 'capture.har'));
    const input = await readAnyCapture(join(copy, 'capture.har'));
    expect(input.exchanges[2]!.tags).toContain('har:body-in-side-file');
    expect(input.exchanges[2]!.request).not.toHaveProperty('body');
    const har = JSON.parse(readFileSync(join(FOREIGN, 'playwright/attach-dir-good/capture.har'), 'utf8'));
    har.log.entries[0].request.postData._file = '../../../../etc/hostname';
    const escaped = await readAnyCapture(file('escape.har', JSON.stringify(har)));
    expect(escaped.exchanges[0]!.tags).toContain('har:body-in-side-file');
  });

  it('decodes base64 bodies (event streams too) and keeps DevTools resource type, initiator and size', async () => {
    const input = await readAnyCapture(join(FOREIGN, 'chrome-devtools/full-good.har'));
    const completion = input.exchanges[2]!;
    expect(completion.response).not.toHaveProperty('bodyEncoding');
    expect(completion.response?.body).toMatch(/^data: /);
    expect(completion.toolFields).toMatchObject({
      resourceType: 'fetch',
      initiator: { type: 'script' },
      transferSize: expect.any(Number),
    });
  });

  it('gives exchanges their endpoint through the classifier, unless the file names one', async () => {
    const input = await readAnyCapture(join(FOREIGN, 'firefox/good.har'), { classifyEndpoint });
    expect(input.exchanges.map((e) => e.endpoint)).toEqual([undefined, 'chats.new', undefined]);
    const ours = file('ours.har', JSON.stringify(exchangesToHar([{ ...input.exchanges[0]!, endpoint: 'mine' }])));
    expect((await readAnyCapture(ours, { classifyEndpoint })).exchanges[0]!.endpoint).toBe('mine');
  });

  it('tags and explains a sanitized DevTools export, and only that', async () => {
    const sanitized = await readAnyCapture(join(FOREIGN, 'chrome-devtools/sanitized-bad.har'), { label: 'BAD' });
    expect(sanitized.exchanges.every((e) => e.tags?.includes(CREDENTIALS_REMOVED_TAG))).toBe(true);
    expect(sanitized.notes.join('\n')).toMatch(
      /^BAD is a sanitized DevTools export: .*Pass --session FILE or --token/m,
    );
    const full = await readAnyCapture(join(FOREIGN, 'chrome-devtools/full-bad.har'));
    expect(full.exchanges.some((e) => e.tags?.includes(CREDENTIALS_REMOVED_TAG))).toBe(false);
    expect(full.notes).toEqual([]);
  });

  it('streams a HAR with endpoints classified, and other formats whole', async () => {
    for (const name of ['firefox/good.har', 'mitmproxy/good.mitm']) {
      const seen: (string | undefined)[] = [];
      for await (const e of streamAnyCapture(join(FOREIGN, name), { classifyEndpoint })) seen.push(e.endpoint);
      expect(seen).toEqual([undefined, 'chats.new', undefined]);
    }
  });
});

describe('a capture in no format it reads', () => {
  const line = /^L: not HAR, mitmproxy flows or curl: /;
  it.each([
    ['text', 'hello world', /it is neither a HAR capture/],
    ['binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]), /a binary file \(it starts with bytes 89 50 4e 47\)/],
    ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2]), /zstd-compressed/],
    ['a zip without HAR', readFileSync(join(FOREIGN, 'playwright/attach-good.zip')).subarray(0, 200), /end of central/],
    [
      'damaged flows',
      readFileSync(join(FOREIGN, 'mitmproxy/good.mitm')).subarray(0, 5000),
      /mitmproxy flow 2: byte \d+/,
    ],
    ['invalid JSON', '{"method": ', /it is not valid JSON/],
    ['a broken HAR entry', JSON.stringify({ log: { entries: [{ request: { url: 1 } }] } }), /entry 1: /],
    ['empty', '', /it is empty/],
  ])('%s: one E_CAPTURE line that says where reading stopped', async (_, content, where) => {
    const read = parseAnyCapture(Buffer.from(content), { label: 'L' });
    await expect(read).rejects.toMatchObject({ code: 'E_CAPTURE', exitCode: 2 });
    const message = (await read.catch((error: Error) => error)) as Error;
    expect(message.message).toMatch(line);
    expect(message.message).toMatch(where);
    expect(message.message).not.toMatch(/\n/);
  });

  it('a missing file or a folder of many captures is E_INPUT', async () => {
    await expect(readAnyCapture(join(dir, 'nope.har'), { label: 'GOOD (nope.har)' })).rejects.toThrow(
      /^GOOD \(nope\.har\): no such file$/,
    );
    const many = join(dir, 'many');
    mkdirSync(many);
    writeFileSync(join(many, 'a.har'), '{}');
    writeFileSync(join(many, 'b.har'), '{}');
    await expect(readAnyCapture(many)).rejects.toMatchObject({ code: 'E_INPUT', message: /with 2 \.har files/ });
  });
});
