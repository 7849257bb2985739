import type { Migration } from './types.js';

// Costs of several clouds side by side: every line item and rollup row says which cloud it is from (`provider`,
// FOCUS ProviderName: a provider's own source writes its id, a FOCUS export the row's ProviderName), and a line
// item keeps the provider-specific columns of its source that have no column of their own (`x_provider_columns`,
// JSON object text: a FOCUS export's `x_` columns). Every row stored before this step came from AWS: the columns
// are added with that default (which fills them without rewriting the table on PostgreSQL), and the default is
// dropped at once so that a writer that forgets the column stores NULL rather than a wrong cloud.
export const costProviderMigration: Migration = {
  id: 34,
  name: 'cost_line_items and cost_daily: provider of each row; provider-specific columns of a line item',
  statements: [
    `ALTER TABLE cost_line_items ADD COLUMN provider TEXT DEFAULT 'aws'`,
    'ALTER TABLE cost_line_items ALTER COLUMN provider DROP DEFAULT',
    'ALTER TABLE cost_line_items ADD COLUMN x_provider_columns TEXT',
    `ALTER TABLE cost_daily ADD COLUMN provider TEXT DEFAULT 'aws'`,
    'ALTER TABLE cost_daily ALTER COLUMN provider DROP DEFAULT',
  ],
};
