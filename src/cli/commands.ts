import { group, type CommandGroup } from './command-groups.js';

/**
 * Every command group, one line each: the top-level commands it adds, its module (imported only when one of those
 * commands runs) and the module's register function. Registration follows this order: the sync group joins
 * `accounts` after the accounts group.
 */
export const COMMAND_GROUPS: CommandGroup[] = [
  group(['serve'], () => import('./serve-command.js'), 'registerServeCommand'),
  group(
    ['migrate', 'users', 'tokens', 'secrets'],
    () => import('./admin-commands.js'),
    'registerAdminCommands',
  ),
  group(['worker'], () => import('./worker-command.js'), 'registerWorkerCommand'),
  group(['accounts'], () => import('./account-commands.js'), 'registerAccountCommands'),
  group(['accounts', 'sync-runs'], () => import('./sync-commands.js'), 'registerSyncCommands'),
  group(['costs'], () => import('./cost-commands.js'), 'registerCostCommands'),
  group(['resources'], () => import('./resource-commands.js'), 'registerResourceCommands'),
  group(['recommendations'], () => import('./recommendation-commands.js'), 'registerRecommendationCommands'),
  group(['budgets'], () => import('./budget-commands.js'), 'registerBudgetCommands'),
  group(['showback'], () => import('./showback-commands.js'), 'registerShowbackCommands'),
  group(['commitments'], () => import('./commitment-commands.js'), 'registerCommitmentCommands'),
  group(['channels', 'alerts'], () => import('./notification-commands.js'), 'registerNotificationCommands'),
  group(['digests'], () => import('./digest-commands.js'), 'registerDigestCommands'),
  group(['reports'], () => import('./report-commands.js'), 'registerReportCommands'),
  group(['sso'], () => import('./sso-commands.js'), 'registerSsoCommands'),
  group(['mcp'], () => import('./mcp-command.js'), 'registerMcpCommand'),
  group(['backup', 'restore'], () => import('./ops-commands.js'), 'registerOpsCommands'),
  group(['sim'], () => import('../../sim/cli.js'), 'registerSimCommand'),
  group(['demo'], () => import('./demo-command.js'), 'registerDemoCommand'),
];
