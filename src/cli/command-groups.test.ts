import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram, groupsFor, type CommandGroup } from './command-groups.js';
import { COMMAND_GROUPS } from './commands.js';

/** Every command path under `cmd` with its help text. */
function helpTree(cmd: Command, words: string[] = [], into = new Map<string, string>()): Map<string, string> {
  into.set(words.join(' '), cmd.helpInformation());
  for (const sub of cmd.commands) helpTree(sub, [...words, sub.name()], into);
  return into;
}

describe('lazily loaded command groups', () => {
  it('loads no group for --version, the named groups for a command, and every group otherwise', () => {
    const costs = COMMAND_GROUPS.filter((g) => g.commands.includes('costs'));
    expect(costs).toHaveLength(1);
    expect(groupsFor(COMMAND_GROUPS, ['--version'])).toEqual([]);
    expect(groupsFor(COMMAND_GROUPS, ['-V'])).toEqual([]);
    expect(groupsFor(COMMAND_GROUPS, ['costs', '--json'])).toEqual(costs);
    expect(groupsFor(COMMAND_GROUPS, ['accounts', 'sync', 'x']).length).toBe(2);
    for (const args of [[], ['--help'], ['help', 'costs'], ['cots']])
      expect(groupsFor(COMMAND_GROUPS, args)).toEqual(COMMAND_GROUPS);
  });

  it('does not import a group module for --version', async () => {
    let loaded = 0;
    const group: CommandGroup = {
      commands: ['x'],
      load: () => {
        loaded++;
        return Promise.resolve((p: Command) => void p.command('x'));
      },
    };
    const program = await createProgram([group], ['--version']);
    expect(loaded).toBe(0);
    expect(program.version()).toBe('0.1.0');
    await createProgram([group], ['x']);
    expect(loaded).toBe(1);
  });

  it('each command, loaded alone, is the same command as in the full CLI (every group names what it adds)', async () => {
    const full = await createProgram(COMMAND_GROUPS, []);
    const names = full.commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['serve', 'accounts', 'sync-runs', 'costs', 'sim', 'demo']));
    const claimed = new Set(COMMAND_GROUPS.flatMap((g) => g.commands));
    expect(names.filter((n) => !claimed.has(n))).toEqual([]);
    for (const name of names) {
      const alone = await createProgram(COMMAND_GROUPS, [name]);
      const command = alone.commands.find((c) => c.name() === name);
      expect(command, name).toBeDefined();
      const fullCommand = full.commands.find((c) => c.name() === name);
      expect(helpTree(command as Command), name).toEqual(helpTree(fullCommand as Command));
    }
  });
});
