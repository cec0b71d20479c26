import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { makeExchange } from '../support/make-exchange.js';
import { assertValidHar } from '../support/har-validator.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qwen-probe-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readJson = async (path: string): Promise<unknown> => JSON.parse(await readFile(path, 'utf8'));

describe('openCaptureWriter', () => {
  it('leaves a valid HAR file after opening and after every append', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { source: 'library', comment: 'test run' });
    assertValidHar(await readJson(path));
    for (let i = 0; i < 3; i += 1) {
      await writer.append(makeExchange());
      const har = (await readJson(path)) as { log: { entries: unknown[] } };
      assertValidHar(har);
      expect(har.log.entries).toHaveLength(i + 1);
    }
    await writer.close();
  });

  it('writes one entry per line with the log fields before the entries', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { source: 'browser' });
    await writer.append(makeExchange());
    await writer.append(makeExchange());
    await writer.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        String.raw`^\{"log":\{"version":"1\.2","creator":\{.*\},` +
          String.raw`"_formatVersion":1,"_source":"browser","_redacted":false,"entries":\[$`,
      ),
    );
    expect(lines.slice(1, 3).every((line) => line.startsWith('{"startedDateTime"'))).toBe(true);
    expect(lines.slice(3)).toEqual([']}}', '']);
  });

  it('reads back exactly the exchanges appended, in order, with the log facts', async () => {
    const path = join(dir, 'c.har');
    const written = [
      makeExchange(),
      makeExchange({ response: null, error: { code: 'ETIMEDOUT', message: 'timeout' } }),
      makeExchange(),
    ];
    const writer = await openCaptureWriter(path, {
      source: 'library',
      comment: 'three',
      creator: { name: 'test', version: '1' },
    });
    for (const ex of written) await writer.append(ex);
    expect(writer.count).toBe(3);
    await writer.close();
    const { exchanges, meta } = await readCapture(path);
    expect(exchanges).toStrictEqual(written);
    expect(meta).toMatchObject({
      formatVersion: 1,
      source: 'library',
      comment: 'three',
      creator: { name: 'test', version: '1' },
      redacted: false,
      repaired: false,
      problems: [],
      entryCount: 3,
    });
  });

  it('serialises concurrent appends so that they never interleave', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path);
    // Bodies of very different sizes make interleaved writes visible if they happened.
    const written: Exchange[] = Array.from({ length: 40 }, (_, i) =>
      makeExchange({ request: { body: 'x'.repeat((i % 7) * 5000) } }),
    );
    await Promise.all(written.map((ex) => writer.append(ex)));
    await writer.close();
    assertValidHar(await readJson(path));
    expect((await readCapture(path)).exchanges).toStrictEqual(written);
  });

  it('rejects one bad exchange without stopping the appends queued after it', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path);
    const bad = { id: 'bad' } as unknown as Exchange;
    const good = makeExchange();
    const results = await Promise.allSettled([writer.append(bad), writer.append(good)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    await writer.close();
    expect((await readCapture(path)).exchanges).toStrictEqual([good]);
  });

  it('creates captures that may hold secrets as 0600 and redacted ones as 0644', async () => {
    const secret = await openCaptureWriter(join(dir, 'secret.har'));
    const redacted = await openCaptureWriter(join(dir, 'redacted.har'), { redacted: true });
    const explicit = await openCaptureWriter(join(dir, 'explicit.har'), { mode: 0o640 });
    await Promise.all([secret.close(), redacted.close(), explicit.close()]);
    expect((await stat(join(dir, 'secret.har'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'redacted.har'))).mode & 0o777).toBe(0o644);
    expect((await stat(join(dir, 'explicit.har'))).mode & 0o777).toBe(0o640);
  });

  it('refuses to replace an existing file unless told to, and then makes it owner-only', async () => {
    const path = join(dir, 'c.har');
    await writeFile(path, 'precious', { mode: 0o644 });
    await expect(openCaptureWriter(path)).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('already exists'),
    });
    const writer = await openCaptureWriter(path, { overwrite: true });
    await writer.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readCapture(path)).exchanges).toEqual([]);
  });

  it('redacts every exchange when the capture is redacted, and says so in the log', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { redacted: true });
    await writer.append(
      makeExchange({ request: { headers: [{ name: 'Authorization', value: 'Bearer sk-live-0123456789abcdef' }] } }),
    );
    await writer.close();
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('sk-live-0123456789abcdef');
    const { exchanges, meta } = await readCapture(path);
    expect(meta.redacted).toBe(true);
    expect(exchanges[0]?.request.headers[0]?.value).toBe('Bearer «opaque 24 chars»');
  });

  it('rejects appends after close, and closing twice is harmless', async () => {
    const writer = await openCaptureWriter(join(dir, 'c.har'));
    await writer.close();
    await writer.close();
    await expect(writer.append(makeExchange())).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });
});
