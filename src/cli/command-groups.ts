import { Command } from 'commander';
import { usageExit } from './output.js';

/**
 * A group of CLI commands in its own module. The module (and what it imports: the AWS SDK, DuckDB, pg, Hono) is
 * loaded only when one of the group's top-level commands runs, so `cloudtally --version` or a command that only
 * talks to a server does not pay for the rest.
 */
export interface CommandGroup {
  /** The top-level commands the group adds or joins (`accounts` is shared by the account and sync groups). */
  commands: readonly string[];
  /** Imports the module and returns its register function. */
  load: () => Promise<(program: Command) => void>;
}

/** A group whose module `load` imports and whose export `name` registers its commands. */
export function group<K extends string, M extends Record<K, (program: Command) => void>>(
  commands: readonly string[],
  load: () => Promise<M>,
  name: K,
): CommandGroup {
  return { commands, load: async () => (await load())[name] };
}

const VERSION_FLAGS = ['-V', '--version'];

/**
 * The groups to load for a command line: those that add its command; none for `--version`; every group for help,
 * no command or a command no group names (so commander lists them all or suggests the nearest).
 */
export function groupsFor(groups: readonly CommandGroup[], args: readonly string[]): CommandGroup[] {
  const first = args[0];
  if (first !== undefined && VERSION_FLAGS.includes(first)) return [];
  const named = groups.filter((g) => first !== undefined && g.commands.includes(first));
  return named.length > 0 ? named : [...groups];
}

/** The `cloudtally` program with the groups a command line needs registered, in the listed order. */
export async function createProgram(
  groups: readonly CommandGroup[],
  args: readonly string[],
): Promise<Command> {
  const program = new Command()
    .name('cloudtally')
    .description('Self-hosted cloud cost management for AWS')
    .version('0.1.0')
    .showHelpAfterError()
    // Set before the groups register, so that their commands inherit it: usage errors exit 2.
    .exitOverride(usageExit);
  const registers = await Promise.all(groupsFor(groups, args).map((g) => g.load()));
  for (const register of registers) register(program);
  return program;
}
