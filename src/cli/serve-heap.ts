/**
 * Imported first by `main.ts`, so that it runs before any other module is evaluated: for `serve`,
 * the young generation is held at its initial size while yargs, zod and undici load (they would
 * grow it to V8's maximum, from which it never shrinks under load); `runServe` then hands it to
 * the lean heap of src/proxy/lean-heap.ts.
 */
import { pinYoungGeneration } from '../proxy/lean-heap.js';

const args = process.argv.slice(2);
if (args[0] === 'serve' && !args.some((a) => a === '--no-lean-heap' || a === '--lean-heap=false')) pinYoungGeneration();
