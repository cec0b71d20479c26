import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/**
 * Runs a script in a fresh Node process (V8 settings are process-wide and must not leak into the
 * test runner): it churns short- and medium-lived objects, with event-loop turns in between, and
 * prints the young generation's size in MiB after each phase.
 */
async function youngSizes(setup: string): Promise<number[]> {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { pinYoungGeneration, useLeanHeap } from './src/proxy/lean-heap.ts';
    const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    const churn = async () => {
      let keep = [];
      // Small rounds with a turn after each: at most one scavenge between two looks of the
      // observer, as in a server (a long synchronous stretch may double past the cap once more).
      for (let round = 0; round < 160; round++) {
        for (let i = 0; i < 5000; i++) keep.push({ i, text: 'x' + i });
        if (keep.length > 100000) keep = keep.slice(50000);
        await new Promise((r) => setImmediate(r));
      }
    };
    const sizes = [];
    ${setup}
    console.log(JSON.stringify(sizes));
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
  });
  return JSON.parse(stdout) as number[];
}

describe('useLeanHeap', () => {
  it('lets the young generation grow up to its cap and no further, and restores V8 defaults', async () => {
    const [lean, restored] = await youngSizes(`
      const restore = useLeanHeap({ youngMiB: 4 });
      await churn(); sizes.push(young());
      restore();
      await churn(); sizes.push(young());
    `);
    // The observer looks after each collection, a turn or two late: on a busy machine one more
    // doubling can slip in before it does (lean-heap.ts), never two.
    expect(lean).toBeLessThanOrEqual(8);
    expect(restored).toBeGreaterThan(8);
  }, 30_000);

  it('without it the same churn grows the young generation past twice that cap (the test is meaningful)', async () => {
    const [plain] = await youngSizes('await churn(); sizes.push(young());');
    expect(plain).toBeGreaterThan(8);
  }, 30_000);

  it('pinYoungGeneration holds the young generation at its start size until useLeanHeap takes over', async () => {
    const [start, pinned, lean] = await youngSizes(`
      sizes.push(young());
      pinYoungGeneration();
      await churn(); sizes.push(young());
      useLeanHeap({ youngMiB: 8 });
      await churn(); sizes.push(young());
    `);
    expect(pinned).toBe(start);
    expect(lean).toBeGreaterThan(start!);
    expect(lean).toBeLessThanOrEqual(16);
  }, 30_000);
});
