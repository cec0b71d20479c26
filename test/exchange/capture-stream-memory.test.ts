import { execFile } from 'node:child_process';
import { open, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarLog, exchangeToHarEntry } from '../../src/exchange/har-codec.js';
import { CAPTURE_TRAILER } from '../../src/exchange/capture-file.js';
import { makeExchange, sseBody } from '../support/make-exchange.js';
import type { SseEvent } from '../../src/exchange/exchange.js';

const SCRIPT = resolve(import.meta.dirname, 'scripts/stream-count.ts');
const ROOT = resolve(import.meta.dirname, '../..');
const MB = 1024 * 1024;
/** 200 MB by default (about 6 s of CPU); set QWEN_PROBE_STREAM_TEST_MB to shrink it on a busy machine. */
const TARGET_BYTES = Number(process.env['QWEN_PROBE_STREAM_TEST_MB'] ?? 200) * MB;
const HEAP_MB = 64;

let dir: string;
let path: string;
let written = { entries: 0, bodyChars: 0 };

/**
 * A ~200 MB capture in our layout, of ~1 MB streamed completions (body, events, chunks). One entry
 * is encoded and then written again and again under new ids: encoding 200 entries would dominate
 * the test's time and prove nothing more.
 */
async function writeBigCapture(file: string): Promise<{ entries: number; bodyChars: number }> {
  const events: SseEvent[] = Array.from({ length: 6000 }, (_, i) => ({
    t: i * 1.5,
    data: `{"choices":[{"delta":{"content":"token ${i} \\"quoted\\" é 你好"}}]}`,
  }));
  const body = sseBody(events);
  const template = JSON.stringify(exchangeToHarEntry(makeExchange({ id: 'big-ID', response: { body, sse: events } })));
  const [before, after] = template.split('"_id":"big-ID"') as [string, string];
  const handle = await open(file, 'w');
  try {
    let size = 0;
    let entries = 0;
    await handle.write(JSON.stringify({ log: createHarLog({ source: 'browser' }) }).slice(0, -']}}'.length));
    while (size < TARGET_BYTES) {
      const text = `${entries === 0 ? '\n' : ',\n'}${before}"_id":"big-${entries}"${after}`;
      await handle.write(text);
      size += Buffer.byteLength(text);
      entries += 1;
    }
    await handle.write(CAPTURE_TRAILER);
    return { entries, bodyChars: entries * body.length };
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qwen-probe-stream-'));
  path = join(dir, 'big.har');
  written = await writeBigCapture(path);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(`streamCapture on a ${TARGET_BYTES / MB} MB capture`, () => {
  it(
    `reads every exchange in a process whose heap is capped at ${HEAP_MB} MB, with a peak RSS far below the file ` +
      `size`,
    async () => {
      const fileSize = (await stat(path)).size;
      expect(fileSize).toBeGreaterThanOrEqual(TARGET_BYTES);
      expect(written.entries).toBeGreaterThan(10);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', SCRIPT, path],
        { cwd: ROOT },
      );
      const result = JSON.parse(stdout) as { count: number; bodyChars: number; baselineRss: number; peakRss: number };
      expect(result.count).toBe(written.entries);
      expect(result.bodyChars).toBe(written.bodyChars);
      // Reading the file whole would need it in memory at least once (and JSON.parse several times
      // more, which the 64 MB heap cap forbids anyway); streaming holds one ~1 MB entry at a time on
      // top of the runtime (node + tsx, ~80 MB before the first byte is read).
      expect(result.peakRss - result.baselineRss).toBeLessThan(100 * MB);
      // With a shrunk file the heap cap alone makes the point; at full size RSS also says it.
      if (fileSize >= 200 * MB) expect(result.peakRss).toBeLessThan(fileSize * 0.75);
    },
    120_000,
  );
});
