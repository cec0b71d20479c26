/** How the CLI turns an error into its one line and exit code: one mapping, whoever raised the error. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ask } from '../../src/cli/browser-account.js';
import { reportError, type CommandIo } from '../../src/cli/run-command.js';
import { ProbeError } from '../../src/exchange/errors.js';

function collect(): CommandIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

describe('reportError', () => {
  it('exits 130 for an interruption, wherever it was raised', () => {
    const io = collect();
    expect(reportError(new ProbeError('E_INTERRUPTED', 'interrupted at the prompt'), io)).toBe(130);
    expect(io.lines).toEqual(['error [E_INTERRUPTED]: interrupted at the prompt']);
  });

  it('exits 130 when Ctrl-C is pressed at the account prompt', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const asked = ask('email: ', false, input as unknown as NodeJS.ReadStream, output as unknown as NodeJS.WriteStream);
    input.write('\x03');
    const error = await asked.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_INTERRUPTED' });
    expect(reportError(error, collect())).toBe(130);
  });

  it('exits 2 for bad input, 1 for anything else, with the hint on a line of its own', () => {
    const io = collect();
    expect(reportError(new ProbeError('E_USAGE', 'bad flag', { hint: 'see --help' }), io)).toBe(2);
    expect(reportError(new ProbeError('E_CAPTURE_FORMAT', 'not HAR'), io)).toBe(2);
    expect(reportError(new ProbeError('E_UPSTREAM_UNREACHABLE', 'refused'), io)).toBe(1);
    expect(reportError(new TypeError('x is undefined'), io)).toBe(1);
    expect(io.lines).toEqual([
      'error [E_USAGE]: bad flag',
      'hint: see --help',
      'error [E_CAPTURE_FORMAT]: not HAR',
      'error [E_UPSTREAM_UNREACHABLE]: refused',
      'error [E_INTERNAL]: x is undefined',
    ]);
  });
});
