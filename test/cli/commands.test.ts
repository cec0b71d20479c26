import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, loadCommands } from '../../src/cli/commands.js';

const nameOf = (command: { command?: string | readonly string[] | undefined }) => String(command.command).split(' ')[0];

describe('loadCommands', () => {
  it('loads only the command that argv names', async () => {
    const commands = await loadCommands(['serve', '--port', '0']);
    expect(commands.map(nameOf)).toEqual(['serve']);
  });

  it('loads every command, in help order, for the top-level help and for unknown names', async () => {
    for (const argv of [['--help'], [], ['serv']]) {
      const commands = await loadCommands(argv);
      expect(commands.map(nameOf)).toEqual([...COMMAND_NAMES]);
    }
  });

  it('lists the main job first', () => {
    expect(COMMAND_NAMES[0]).toBe('investigate');
  });
});
