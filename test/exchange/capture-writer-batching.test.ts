/**
 * Group commit in the capture writer: appends that queue while a write is in flight share the next
 * write, yet each append resolves only once its own bytes are down, and the file is valid HAR after
 * every write. The writes are observed by wrapping FileHandle.prototype.write.
 */
import { open, mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { makeExchange } from '../support/make-exchange.js';
import { assertValidHar } from '../support/har-validator.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qwen-probe-writer-batch-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

interface HarFile {
  log: { entries: { _id: string }[] };
}

const entryIds = (path: string): string[] =>
  (JSON.parse(readFileSync(path, 'utf8')) as HarFile).log.entries.map((e) => e._id);

/**
 * Wraps every FileHandle write made from now on. `after` runs once a write has finished; `fail`
 * makes the n-th write (1-based, counted from now) reject.
 */
async function watchWrites(options: { after?: () => void; failWrite?: number } = {}): Promise<{ count(): number }> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const original = proto.write;
  let writes = 0;
  vi.spyOn(proto, 'write').mockImplementation(async function (this: unknown, ...args: unknown[]) {
    writes += 1;
    if (writes === options.failWrite) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const result = await original.apply(this, args);
    options.after?.();
    return result;
  });
  return { count: () => writes };
}

describe('the capture writer under a burst of appends', () => {
  it('writes appends made in the same tick in one write', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { sync: false });
    const writes = await watchWrites();
    const burst = Array.from({ length: 25 }, () => makeExchange());
    await Promise.all(burst.map((ex) => writer.append(ex)));
    expect(writes.count()).toBe(1);
    expect(writer.count).toBe(25);
    await writer.close();
    expect((await readCapture(path)).exchanges).toStrictEqual(burst);
  });

  it('gathers the appends that arrive during a write into the next write, in call order', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { sync: false });
    const writes = await watchWrites();
    const first = writer.append(makeExchange({ id: 'first' }));
    await Promise.resolve(); // the first write has started
    await Promise.resolve();
    const later = ['a', 'b', 'c', 'd'].map((id) => writer.append(makeExchange({ id })));
    await Promise.all([first, ...later]);
    expect(writes.count()).toBe(2);
    await writer.close();
    expect(entryIds(path)).toEqual(['first', 'a', 'b', 'c', 'd']);
  });

  it('resolves each append only once its own bytes are in the file', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { sync: false });
    const ids = Array.from({ length: 30 }, (_, i) => `ex-burst-${i}`);
    const seenOnResolve = await Promise.all(
      ids.map(async (id, i) => {
        // Spread over several ticks so that several writes happen.
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
        await writer.append(makeExchange({ id }));
        return entryIds(path).includes(id);
      }),
    );
    expect(seenOnResolve.every(Boolean)).toBe(true);
    await writer.close();
  });

  it('leaves valid HAR holding every earlier exchange after every write', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { sync: false });
    const snapshots: string[][] = [];
    await watchWrites({
      after: () => {
        const har = JSON.parse(readFileSync(path, 'utf8')) as HarFile;
        assertValidHar(har);
        snapshots.push(har.log.entries.map((e) => e._id));
      },
    });
    const written: Exchange[] = [];
    for (let round = 0; round < 4; round += 1) {
      const burst = Array.from({ length: 5 + round }, () =>
        makeExchange({ request: { body: 'x'.repeat(round * 3000) } }),
      );
      written.push(...burst);
      await Promise.all(burst.map((ex) => writer.append(ex)));
    }
    await writer.close();
    expect(snapshots.length).toBeGreaterThanOrEqual(4);
    // Each snapshot is a prefix of the final order: a write only ever adds entries at the end.
    for (const ids of snapshots) expect(ids).toEqual(written.slice(0, ids.length).map((e) => e.id));
    expect(snapshots.at(-1)).toEqual(written.map((e) => e.id));
  });

  it('splits a backlog larger than a megabyte into several writes', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { sync: false });
    const writes = await watchWrites();
    const burst = Array.from({ length: 12 }, () => makeExchange({ response: { body: 'y'.repeat(200_000) } }));
    await Promise.all(burst.map((ex) => writer.append(ex)));
    expect(writes.count()).toBeGreaterThan(1);
    await writer.close();
    expect((await readCapture(path)).exchanges.map((e) => e.id)).toEqual(burst.map((e) => e.id));
  });

  it('rejects a bad exchange alone and writes the rest of its batch', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { sync: false });
    const good = [makeExchange(), makeExchange()];
    const results = await Promise.allSettled([
      writer.append(good[0]!),
      writer.append({ id: 'bad' } as unknown as Exchange),
      writer.append(good[1]!),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await writer.close();
    expect((await readCapture(path)).exchanges).toStrictEqual(good);
  });

  it('rejects every append of a failed write and every later one, keeping what was written before', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { sync: false });
    await writer.append(makeExchange({ id: 'kept' }));
    await watchWrites({ failWrite: 1 });
    const failed = await Promise.allSettled([writer.append(makeExchange()), writer.append(makeExchange())]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'E_INTERNAL',
      message: expect.stringContaining('holds the first 1 exchanges'),
    });
    await expect(writer.append(makeExchange())).rejects.toMatchObject({ code: 'E_INTERNAL' });
    expect(writer.count).toBe(1);
    await writer.close();
    expect(entryIds(path)).toEqual(['kept']);
  });

  it('redacts a token learnt in one exchange of a batch from a later exchange of the same batch', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { redacted: true, sync: false });
    const token = 'sk-live-0123456789abcdef';
    await Promise.all([
      writer.append(makeExchange({ request: { headers: [{ name: 'Authorization', value: `Bearer ${token}` }] } })),
      writer.append(makeExchange({ response: { body: `{"echo":"${token}"}` } })),
    ]);
    await writer.close();
    expect(readFileSync(path, 'utf8')).not.toContain(token);
  });

  it('closes only after the queued appends are written', async () => {
    const path = join(dir, 'c.har');
    const writer = await openCaptureWriter(path, { sync: false });
    const appends = Array.from({ length: 10 }, () => writer.append(makeExchange()));
    await writer.close();
    await Promise.all(appends);
    expect(entryIds(path)).toHaveLength(10);
  });
});
