import type { Command } from 'commander';
import { registerAccountManagement } from './accounts/manage-commands.js';
import { registerAwsConnectCommands } from './accounts/connect-aws-command.js';
import { registerAwsSetupCommand } from './accounts/setup-aws-command.js';
import { registerFocusConnectCommand } from './accounts/connect-focus-command.js';

/** `cloudtally accounts …`: one file per command group under accounts/. */
export function registerAccountCommands(program: Command): void {
  const accounts =
    program.commands.find((c) => c.name() === 'accounts') ??
    program.command('accounts').description('Connected cloud accounts');
  const connect = accounts.command('connect').description('Connect a cloud account');
  registerAccountManagement(accounts);
  registerAwsConnectCommands(accounts, connect);
  registerFocusConnectCommand(connect);
  registerAwsSetupCommand(accounts);
}
