/** Every command's `--help` ends with what its exit codes mean, from the one table in exit-codes.ts. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { COMMAND_NAMES } from '../../src/cli/commands.js';
import { EXIT_CODES, exitCodesText } from '../../src/cli/exit-codes.js';

async function helpOf(command: string): Promise<string> {
  let text = '';
  const log = console.log;
  console.log = (...args: unknown[]) => void (text += `${args.join(' ')}\n`);
  try {
    await runCli([command, '--help']);
  } finally {
    console.log = log;
  }
  return text.replace(/\s+/g, ' ');
}

describe('--help', () => {
  it('lists the exit codes of every command, and every command has them', async () => {
    expect(Object.keys(EXIT_CODES).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const command of COMMAND_NAMES) {
      const help = await helpOf(command);
      expect(help, command).toContain(exitCodesText(command).replace(/\s+/g, ' '));
      expect(help, command).toMatch(/2 bad input|2 trouble/);
    }
  });

  it('gives every duration flag an example with a unit', async () => {
    expect(await helpOf('capture')).toMatch(/--answer-timeout .*\(a duration: 500ms, 30s, 2m\)/);
    expect(await helpOf('serve')).toMatch(/--idle-timeout .*\(a duration: 500ms, 30s, 2m\)/);
  });
});
