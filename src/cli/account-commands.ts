import type { Command } from 'commander';
import { registerAccountManagement } from './accounts/manage-commands.js';
import { registerAwsConnectCommand } from './accounts/connect-aws-command.js';
import { registerAzureConnectCommand } from './accounts/connect-azure-command.js';
import { registerEditCommand } from './accounts/edit-command.js';
import { registerAwsSetupCommand } from './accounts/setup-aws-command.js';
import { registerAzureSetupCommand } from './accounts/setup-azure-command.js';
import { registerFocusConnectCommand } from './accounts/connect-focus-command.js';

/** `cloudtally accounts …`: one file per command group under accounts/. */
export function registerAccountCommands(program: Command): void {
  const accounts =
    program.commands.find((c) => c.name() === 'accounts') ??
    program.command('accounts').description('Connected cloud accounts');
  const connect = accounts.command('connect').description('Connect a cloud account');
  registerAccountManagement(accounts);
  registerAwsConnectCommand(connect);
  registerAzureConnectCommand(connect);
  registerFocusConnectCommand(connect);
  registerEditCommand(accounts);
  registerAzureSetupCommand(registerAwsSetupCommand(accounts));
}
