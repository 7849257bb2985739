import type { Migration } from './types.js';

// Allocation dimensions (an organization's own "virtual tags") and their materialized assignment: the costs of the
// daily rollup's grain split by the dimension's value, per version of the dimension's rules. Queries read the
// applied version while a newer one is written beside it.
export const allocationMigration: Migration = {
  id: 26,
  name: 'allocation: dimensions and their materialized assignment',
  statements: [
    `CREATE TABLE allocation_dimensions (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      name TEXT NOT NULL,
      definition TEXT NOT NULL,
      version INTEGER NOT NULL,
      applied_version INTEGER,
      applied_at TIMESTAMPTZ,
      apply_error TEXT,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE UNIQUE INDEX allocation_dimensions_org_name ON allocation_dimensions (org_id, name)`,
    `CREATE TABLE cost_allocations (
      org_id TEXT NOT NULL,
      dimension TEXT NOT NULL,
      version INTEGER NOT NULL,
      usage_date DATE NOT NULL,
      billing_currency TEXT,
      sub_account_id TEXT,
      service_name TEXT,
      region_id TEXT,
      charge_category TEXT,
      value TEXT NOT NULL,
      shared BOOLEAN NOT NULL,
      billed_cost DECIMAL(18,10),
      net_billed_cost DECIMAL(18,10),
      effective_cost DECIMAL(18,10),
      net_effective_cost DECIMAL(18,10)
    )`,
    `CREATE INDEX cost_allocations_scope ON cost_allocations (org_id, dimension, version, usage_date)`,
  ],
};
