import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import { readCapture, streamCapture, streamCaptureChunks } from '../../src/exchange/capture-reader.js';
import type { Capture } from '../../src/exchange/capture-file.js';
import { CAPTURE_TRAILER } from '../../src/exchange/capture-file.js';
import { exchangeToHarEntry, exchangesToHar } from '../../src/exchange/har-codec.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { makeExchange } from '../support/make-exchange.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qwen-probe-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a fresh file and returns its path. */
async function fileWith(text: string | Buffer): Promise<string> {
  n += 1;
  const path = join(dir, `f${n}.har`);
  await writeFile(path, text);
  return path;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Reads capture text in memory, cut into chunks of `size` characters to exercise chunk edges. */
async function readText(text: string, size = 7): Promise<Capture> {
  const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
  const stream = streamCaptureChunks(chunks, 'mem.har');
  const exchanges: Exchange[] = [];
  for await (const ex of stream) exchanges.push(ex);
  return { exchanges, meta: stream.meta };
}

/** A capture written by our writer, as bytes, with the exchanges in it. */
async function writtenCapture(count: number): Promise<{ bytes: Buffer; exchanges: Exchange[] }> {
  n += 1;
  const path = join(dir, `w${n}.har`);
  const exchanges = Array.from({ length: count }, (_, i) =>
    makeExchange({ notes: `brackets ]}{[ and quotes \\" in ${i}` }),
  );
  const writer = await openCaptureWriter(path, { sync: false });
  for (const ex of exchanges) await writer.append(ex);
  await writer.close();
  return { bytes: await readFile(path), exchanges };
}

describe('readCapture', () => {
  it('says E_CAPTURE_FORMAT with the path for a file that is not JSON', async () => {
    const path = await fileWith('hello, world');
    await expect(readCapture(path)).rejects.toMatchObject({
      code: 'E_CAPTURE_FORMAT',
      message: expect.stringContaining(path),
    });
    await expect(readCapture(path)).rejects.toThrow(/not a JSON object/);
  });

  it('says E_CAPTURE_FORMAT for JSON that is not HAR, and for an empty file', async () => {
    await expect(readCapture(await fileWith('{"foo":{"entries":[]}}'))).rejects.toThrow(
      /is not a HAR capture: it has no log.entries array/,
    );
    await expect(readCapture(await fileWith('[1,2]'))).rejects.toMatchObject({ code: 'E_CAPTURE_FORMAT' });
    await expect(readCapture(await fileWith(''))).rejects.toThrow(/the file is empty/);
  });

  it('says E_INPUT for a file that does not exist', async () => {
    await expect(readCapture(join(dir, 'missing.har'))).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('no such file'),
    });
  });

  it('names the file and entry when an entry is broken in the middle of a complete file', async () => {
    const har = exchangesToHar([makeExchange(), makeExchange()]);
    (har.log.entries[0] as unknown as { request: unknown }).request = 'nope';
    const path = await fileWith(JSON.stringify(har));
    await expect(readCapture(path)).rejects.toThrow(new RegExp(`${path}: entry 1: request must be an object`));
  });

  it('reads log fields that come after the entries, as some tools write them', async () => {
    const entry = JSON.stringify(exchangeToHarEntry(makeExchange()));
    const path = await fileWith(
      `{"log":{"entries":[${entry}],"version":"1.2","creator":{"name":"late","version":"2"},"comment":"c"}}`,
    );
    const { exchanges, meta } = await readCapture(path);
    expect(exchanges).toHaveLength(1);
    expect(meta).toMatchObject({ creator: { name: 'late', version: '2' }, comment: 'c', repaired: false });
  });

  it('loads a file whose trailer is missing, and says it was repaired', async () => {
    const { bytes, exchanges } = await writtenCapture(3);
    const path = await fileWith(bytes.subarray(0, bytes.length - CAPTURE_TRAILER.length));
    const capture = await readCapture(path);
    expect(capture.exchanges).toStrictEqual(exchanges);
    expect(capture.meta.repaired).toBe(true);
    expect(capture.meta.problems.join(' ')).toMatch(/the file ends inside log.entries, after entry 3/);
  });

  it('recovers every complete entry of a file cut at any character', async () => {
    const { bytes, exchanges } = await writtenCapture(3);
    const text = bytes.toString('utf8');
    const lines = text.split('\n');
    // Where each entry's closing brace ends (entry lines are `{...}` or `{...},`).
    const ends = exchanges.map(
      (_, i) =>
        lines
          .slice(0, i + 2)
          .join('\n')
          .replace(/,$/, '').length,
    );
    const header = text.indexOf('[') + 1;
    for (let cut = 0; cut < text.length; cut += 1) {
      const read = readText(text.slice(0, cut), 61 + (cut % 13)); // chunk edges land everywhere too
      if (cut < header) {
        await expect(read).rejects.toMatchObject({ code: 'E_CAPTURE_FORMAT' });
        continue;
      }
      const { exchanges: got, meta } = await read;
      expect(got).toStrictEqual(exchanges.slice(0, ends.filter((end) => end <= cut).length));
      expect(meta.repaired).toBe(cut < text.trimEnd().length);
    }
  });

  it('keeps all acknowledged entries when the next append was torn at any byte', async () => {
    // The crash model of the writer: `,\n<entry>\n]}}\n` is written over the old trailer and the
    // process dies after k characters of it.
    const { bytes, exchanges } = await writtenCapture(2);
    const text = bytes.toString('utf8');
    const trailerAt = text.length - CAPTURE_TRAILER.length;
    const next = `,\n${JSON.stringify(exchangeToHarEntry(makeExchange()))}${CAPTURE_TRAILER}`;
    for (let k = 0; k <= next.length; k += 1) {
      const torn = text.slice(0, trailerAt) + next.slice(0, k) + text.slice(trailerAt + k);
      const { exchanges: got, meta } = await readText(torn, 4096);
      expect(got.slice(0, 2)).toStrictEqual(exchanges);
      expect(meta.repaired).toBe(!isJson(torn));
    }
  });

  it('reads the same capture from disk in one go as from memory in tiny chunks', async () => {
    const { bytes, exchanges } = await writtenCapture(3);
    expect((await readCapture(await fileWith(bytes))).exchanges).toStrictEqual(exchanges);
    expect((await readText(bytes.toString('utf8'), 1)).exchanges).toStrictEqual(exchanges);
  });
});

describe('streamCapture', () => {
  it('hands out exchanges one by one and completes its meta at the end', async () => {
    const { bytes, exchanges } = await writtenCapture(4);
    const stream = streamCapture(await fileWith(bytes));
    const seen: string[] = [];
    for await (const ex of stream) seen.push(ex.id);
    expect(seen).toEqual(exchanges.map((e) => e.id));
    expect(stream.meta).toMatchObject({ entryCount: 4, formatVersion: 1, repaired: false });
  });

  it('can stop early without reading the rest', async () => {
    const { bytes, exchanges } = await writtenCapture(3);
    for await (const ex of streamCapture(await fileWith(bytes))) {
      expect(ex.id).toBe(exchanges[0]?.id);
      break;
    }
  });
});
