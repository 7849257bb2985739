import type { Migration } from './types.js';

// Per-organization thresholds of the recommendation rules, over the defaults in src/recommendations/settings.ts.
export const recommendationsMigration: Migration = {
  id: 6,
  name: 'recommendations: rule settings per organization',
  statements: [
    `CREATE TABLE recommendation_settings (
      org_id TEXT NOT NULL,
      rule TEXT NOT NULL,
      settings TEXT NOT NULL DEFAULT '{}',
      updated_by TEXT,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (org_id, rule)
    )`,
  ],
};
