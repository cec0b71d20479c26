import { describe, expect, it } from 'vitest';
import { parseUserFlag, runSimulate, type SimulateArgs } from '../../src/cli/simulate.js';

const args = (over: Partial<SimulateArgs>): SimulateArgs => ({
  port: 0,
  host: '127.0.0.1',
  profile: 'qwen-2025-10',
  latency: 0,
  'chunk-interval': 20,
  ...over,
});
const silent = { out: () => {}, err: () => {} };

describe('simulate flags', () => {
  it('splits --user at the first colon, so passwords may hold colons', () => {
    expect(parseUserFlag('me@x.test:a:b')).toEqual({ email: 'me@x.test', password: 'a:b' });
  });

  it.each([
    [{ user: ['nocolon'] }, /bad --user "nocolon"/],
    [{ user: ['me@x.test:'] }, /bad --user/],
    [{ port: 70000 }, /--port must be a whole number from 0 to 65535/],
    [{ port: Number.NaN }, /--port must be/],
    [{ 'chunk-interval': -1 }, /--chunk-interval must be/],
    [{ profile: 'qwen-1999' }, /unknown profile "qwen-1999"/],
    [{ fault: ['stall:times=two'] }, /times needs a whole number/],
  ] as [Partial<SimulateArgs>, RegExp][])('refuses %j with E_USAGE before listening', async (over, message) => {
    await expect(runSimulate(args(over), silent)).rejects.toMatchObject({
      code: 'E_USAGE',
      exitCode: 2,
      message: expect.stringMatching(message),
    });
  });
});
