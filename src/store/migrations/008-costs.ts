import type { Migration } from './types.js';

// Cost analysis: stored anomalies (recomputed after each billing load) and the index that keeps rollup reads
// to one organization's date range.
export const costsMigration: Migration = {
  id: 8,
  name: 'costs: anomalies, cost_daily index',
  statements: [
    `CREATE TABLE cost_anomalies (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      dimension TEXT NOT NULL,
      dimension_value TEXT NOT NULL,
      usage_date DATE NOT NULL,
      currency TEXT NOT NULL,
      basis TEXT NOT NULL,
      actual_cost DOUBLE PRECISION NOT NULL,
      expected_cost DOUBLE PRECISION NOT NULL,
      spread DOUBLE PRECISION NOT NULL,
      threshold DOUBLE PRECISION NOT NULL,
      direction TEXT NOT NULL,
      drivers TEXT NOT NULL DEFAULT '[]',
      detected_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE UNIQUE INDEX cost_anomalies_key ON cost_anomalies (org_id, dimension, dimension_value, usage_date, currency)`,
    `CREATE INDEX cost_daily_org_date ON cost_daily (org_id, usage_date)`,
  ],
};
