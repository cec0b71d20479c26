import { describe, expect, it } from 'vitest';
import { autoWorkerCount, MAX_AUTO_WORKERS } from '../../src/capture/intercept/intercept-cluster.js';

describe('autoWorkerCount', () => {
  it('is one worker per core, at least one and at most MAX_AUTO_WORKERS', () => {
    expect(autoWorkerCount(1)).toBe(1);
    expect(autoWorkerCount(3)).toBe(3);
    expect(autoWorkerCount(64)).toBe(MAX_AUTO_WORKERS);
    expect(autoWorkerCount()).toBeGreaterThanOrEqual(1);
  });
});
