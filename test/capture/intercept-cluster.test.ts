import { describe, expect, it } from 'vitest';
import { autoWorkerCount, MAX_AUTO_WORKERS, workerExecArgv } from '../../src/capture/intercept/intercept-cluster.js';

describe('workerExecArgv', () => {
  it('keeps the primary’s flags (tsx when running from source) and adds the GC settings of a worker per core', () => {
    expect(workerExecArgv(['--import', 'tsx'], undefined, 2, 2)).toEqual(['--import', 'tsx', '--max-semi-space-size=32', '--single-threaded-gc']);
  });

  it('leaves the GC helper threads alone when there are spare cores for them', () => {
    expect(workerExecArgv([], undefined, 2, 8)).toEqual(['--max-semi-space-size=32']);
  });

  it('never overrides a GC flag the user set on the command line or in NODE_OPTIONS', () => {
    expect(workerExecArgv(['--max-semi-space-size=64'], undefined, 4, 4)).toEqual(['--max-semi-space-size=64', '--single-threaded-gc']);
    expect(workerExecArgv([], '--max-semi-space-size=8 --no-single-threaded-gc', 4, 4)).toEqual([]);
  });
});

describe('autoWorkerCount', () => {
  it('is at least one and at most MAX_AUTO_WORKERS', () => {
    expect(autoWorkerCount()).toBeGreaterThanOrEqual(1);
    expect(autoWorkerCount()).toBeLessThanOrEqual(MAX_AUTO_WORKERS);
  });
});
