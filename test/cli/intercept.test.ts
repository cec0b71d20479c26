import { createServer } from 'node:net';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkers, runIntercept, type InterceptArgs } from '../../src/cli/intercept.js';

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

describe('intercept that never starts', () => {
  it('leaves no empty capture when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    const out = join(await mkdtemp(join(tmpdir(), 'qp-intercept-cli-')), 'never.har');
    const args: InterceptArgs = {
      port,
      host: '127.0.0.1',
      out,
      map: [],
      include: [],
      'ca-dir': join(tmpdir(), 'qwen-probe-intercept-test-ca'),
      overwrite: false,
      workers: 1,
    };
    try {
      await expect(
        runIntercept(args, { out: () => undefined, err: () => undefined }, new Promise(() => undefined)),
      ).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('already in use') });
    } finally {
      blocker.close();
    }
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
