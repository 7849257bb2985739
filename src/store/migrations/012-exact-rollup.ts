import type { Migration } from './types.js';

// cost_daily kept its sums at 6 decimals while line items hold 10, so a total depended on the grouping that
// summed it (each rollup row rounded on its own) and could end a cent off the invoice. The rollup now keeps the
// line items' precision: its columns widen to DECIMAL(18,10) and every row is rebuilt from the line items
// (widening alone would keep the rounded sums). The grouping is written out here, not imported, so that this
// step stays what it was when it landed. The index is dropped first because DuckDB does not change the type of a
// column that an index depends on.
const KEYS = [
  'org_id',
  'cloud_account_id',
  'billing_period',
  'usage_date',
  'sub_account_id',
  'service_name',
  'service_code',
  'region_id',
  'charge_category',
  'billing_currency',
].join(', ');
const SUMS: [string, string][] = [
  ['billed_cost', 'billed_cost'],
  ['x_net_billed_cost', 'net_billed_cost'],
  ['effective_cost', 'effective_cost'],
  ['x_net_effective_cost', 'net_effective_cost'],
  ['list_cost', 'list_cost'],
];

export const exactRollupMigration: Migration = {
  id: 12,
  name: 'cost_daily at the line items precision (DECIMAL(18,10)), rebuilt from the line items',
  statements: [
    'DROP INDEX cost_daily_org_date',
    // DuckDB refuses to commit a type change after rows of the same table were changed in the transaction.
    ...SUMS.map(([, c]) => `ALTER TABLE cost_daily ALTER COLUMN ${c} TYPE DECIMAL(18,10)`),
    'DELETE FROM cost_daily',
    `INSERT INTO cost_daily (${KEYS}, ${SUMS.map(([, c]) => c).join(', ')}, row_count)
     SELECT ${KEYS}, ${SUMS.map(([from, to]) => `CAST(sum(${from}) AS DECIMAL(18,10)) AS ${to}`).join(', ')},
       count(*) AS row_count
     FROM cost_line_items WHERE usage_date IS NOT NULL
     GROUP BY ${KEYS}`,
    'CREATE INDEX cost_daily_org_date ON cost_daily (org_id, usage_date)',
  ],
};
