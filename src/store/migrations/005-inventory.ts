import type { Migration } from './types.js';

// Inventory bookkeeping beside `resources`: what each resource cost in the bill's last 30 days, and how the last
// scan of each region and resource kind went (so a denied region is visible and its resources are not taken for gone).
export const inventoryMigration: Migration = {
  id: 5,
  name: 'inventory: resource costs, scan status',
  statements: [
    `CREATE TABLE resource_costs (
      org_id TEXT NOT NULL,
      cloud_account_id TEXT NOT NULL,
      resource_type TEXT NOT NULL,
      resource_id TEXT NOT NULL,
      billed_cost DOUBLE PRECISION NOT NULL,
      effective_cost DOUBLE PRECISION NOT NULL,
      currency TEXT NOT NULL,
      line_count BIGINT NOT NULL,
      window_start DATE NOT NULL,
      window_end DATE NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE TABLE inventory_scan_status (
      org_id TEXT NOT NULL,
      cloud_account_id TEXT NOT NULL,
      region TEXT NOT NULL,
      scan_unit TEXT NOT NULL,
      state TEXT NOT NULL,
      item_count INTEGER NOT NULL DEFAULT 0,
      diagnostic TEXT,
      scanned_at TIMESTAMPTZ NOT NULL,
      last_success_at TIMESTAMPTZ,
      PRIMARY KEY (org_id, cloud_account_id, region, scan_unit)
    )`,
  ],
};
