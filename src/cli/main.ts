import { Command } from 'commander';
import { registerAccountCommands } from './account-commands.js';
import { registerAdminCommands } from './admin-commands.js';
import { registerBudgetCommands } from './budget-commands.js';
import { registerCostCommands } from './cost-commands.js';
import { registerDemoCommand } from './demo-command.js';
import { registerMcpCommand } from './mcp-command.js';
import { registerRecommendationCommands } from './recommendation-commands.js';
import { registerResourceCommands } from './resource-commands.js';
import { registerServeCommand } from './serve-command.js';
import { registerSyncCommands } from './sync-commands.js';
import { registerWorkerCommand } from './worker-command.js';
import { registerSimCommand } from '../../sim/cli.js';

const program = new Command();
program
  .name('cloudtally')
  .description('Self-hosted cloud cost management for AWS')
  .version('0.1.0')
  .showHelpAfterError();

// One register call per command group.
registerServeCommand(program);
registerAdminCommands(program);
registerWorkerCommand(program);
registerAccountCommands(program);
// After the accounts group: the sync commands join `cloudtally accounts`.
registerSyncCommands(program);
registerCostCommands(program);
registerResourceCommands(program);
registerRecommendationCommands(program);
registerBudgetCommands(program);
registerMcpCommand(program);
registerSimCommand(program);
registerDemoCommand(program);

await program.parseAsync(process.argv);
