import { describe, expect, it } from 'vitest';
import { parseWorkers } from '../../src/cli/intercept.js';

describe('intercept --workers', () => {
  it('takes auto as one worker per core, at most four', () => {
    expect(parseWorkers('auto', 2)).toBe(2);
    expect(parseWorkers('auto', 1)).toBe(1);
    expect(parseWorkers('AUTO', 16)).toBe(4);
  });

  it('takes a whole number as it is; 1 means the single process of old', () => {
    expect(parseWorkers('1', 8)).toBe(1);
    expect(parseWorkers(6, 2)).toBe(6);
  });

  it.each(['0', '-2', '1.5', 'two', '', '65'])('refuses %j as a usage error', (value) => {
    expect(() => parseWorkers(value, 2)).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message: expect.stringContaining('--workers must be auto or a whole number from 1 to 64'),
      }),
    );
  });
});
