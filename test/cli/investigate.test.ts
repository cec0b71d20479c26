/**
 * `qwen-probe investigate` refuses bad flag combinations before starting anything (the full run is
 * test/e2e/investigate-report.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { investigate } from '../../src/cli/investigate.js';

const io = { out: () => undefined, err: () => undefined };

describe('qwen-probe investigate flags', () => {
  it('refuses an unknown shape, naming the valid ones', async () => {
    await expect(investigate({ shape: 'seed-v9' }, io)).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/seed-v1, seed-v2, seed-v3, seed-v4, web/),
    });
  });

  it('refuses --session or --headed without --target, since the simulator brings its own account', async () => {
    await expect(investigate({ session: 'session.json' }, io)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(investigate({ headed: true }, io)).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('refuses two ways of logging in at once', async () => {
    await expect(
      investigate({ target: 'http://127.0.0.1:9', user: 'a@b:c', session: 's.json' }, io),
    ).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/only one of/) });
  });
});
