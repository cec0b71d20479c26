/**
 * Child process of capture-stream-memory.test.ts: streams a capture and prints, as one JSON line,
 * how many exchanges it saw, how many body characters, and the peak resident set size.
 * Usage: node --max-old-space-size=64 --import tsx stream-count.ts <capture path>
 */
import { streamCapture } from '../../../src/exchange/capture-reader.js';

const path = process.argv[2];
if (!path) throw new Error('usage: stream-count.ts <capture path>');
const baselineRss = process.memoryUsage().rss;
let count = 0;
let bodyChars = 0;
for await (const ex of streamCapture(path)) {
  count += 1;
  bodyChars += ex.response?.body?.length ?? 0;
}
// maxRSS is the kernel's high-water mark (KiB), so no spike between samples goes unseen.
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ count, bodyChars, baselineRss, peakRss })}\n`);
