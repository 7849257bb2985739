import type { Migration } from './types.js';

// The sync queue lives in sync_runs. `active_slot` is `<account>:queued` or `<account>:running` while a run is
// waiting or running and NULL once it finished; its unique index is what keeps one running and at most one
// queued run per account across every process (DuckDB has no partial indexes, so a nullable key stands in).
export const syncMigration: Migration = {
  id: 7,
  name: 'sync: queue slot, run options, requester',
  statements: [
    `ALTER TABLE sync_runs ADD COLUMN active_slot TEXT`,
    `ALTER TABLE sync_runs ADD COLUMN options TEXT DEFAULT '{}'`,
    `ALTER TABLE sync_runs ADD COLUMN requested_by TEXT`,
    `CREATE INDEX sync_runs_state ON sync_runs (state, queued_at)`,
    `CREATE UNIQUE INDEX sync_runs_active_slot ON sync_runs (active_slot)`,
  ],
};
