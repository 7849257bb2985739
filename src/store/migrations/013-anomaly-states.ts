import type { Migration } from './types.js';

// What people decided about an anomaly (acknowledged, expected) and their comment. Keyed on the anomaly's
// identity (organization, dimension and its value, day, currency) rather than on the stored anomaly's row, so
// that the choice outlives the recomputes that rewrite cost_anomalies after every billing load.
export const anomalyStatesMigration: Migration = {
  id: 13,
  name: 'costs: anomaly states (acknowledged, expected, comment)',
  statements: [
    `CREATE TABLE cost_anomaly_states (
      org_id TEXT NOT NULL,
      dimension TEXT NOT NULL,
      dimension_value TEXT NOT NULL,
      usage_date DATE NOT NULL,
      currency TEXT NOT NULL,
      state TEXT NOT NULL,
      comment TEXT,
      user_id TEXT,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (org_id, dimension, dimension_value, usage_date, currency)
    )`,
  ],
};
