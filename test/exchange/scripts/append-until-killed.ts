/**
 * Child process of capture-crash.test.ts: appends exchanges to a capture in a loop and reports each
 * one on stdout once its append() has resolved, until the parent kills it with SIGKILL.
 * Usage: node --import tsx append-until-killed.ts <capture path>
 */
import { openCaptureWriter } from '../../../src/exchange/capture-writer.js';
import { makeExchange } from '../../support/make-exchange.js';

const path = process.argv[2];
if (!path) throw new Error('usage: append-until-killed.ts <capture path>');
const writer = await openCaptureWriter(path, { source: 'library' });
for (let i = 0; ; i += 1) {
  // Sizes vary from a few bytes to several pages, so the kill lands in writes of every size.
  const ex = makeExchange({ id: `kill-${i}`, response: { body: 'data: x\n\n'.repeat((i * 389) % 2000) } });
  await writer.append(ex);
  // Synchronous on Linux pipes: a reported id really was acknowledged before the kill.
  process.stdout.write(`appended ${ex.id}\n`);
}
