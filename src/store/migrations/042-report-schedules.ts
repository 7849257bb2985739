import type { Migration } from './types.js';

// Scheduled e-mail reports: a showback report (an allocation dimension, last full month or month to date) or a
// saved view (its own relative range) sent weekly or monthly with its CSV attached, through an e-mail channel.
// `next_due_at` is the claim: a run moves it forward only where it still holds the value it read, so of two
// processes one sends; the event's dedupe key (schedule and occurrence) backs that up.
export const reportSchedulesMigration: Migration = {
  id: 42,
  name: 'notifications: scheduled e-mail reports',
  statements: [
    `CREATE TABLE report_schedules (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      target TEXT NOT NULL,
      title TEXT NOT NULL,
      period TEXT,
      basis TEXT NOT NULL,
      frequency TEXT NOT NULL,
      day INTEGER NOT NULL,
      channel_id TEXT NOT NULL,
      recipients TEXT NOT NULL DEFAULT '[]',
      created_by TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      next_due_at TIMESTAMPTZ NOT NULL,
      last_sent_at TIMESTAMPTZ,
      last_error TEXT
    )`,
    `CREATE INDEX report_schedules_org ON report_schedules (org_id)`,
    `CREATE INDEX report_schedules_due ON report_schedules (next_due_at)`,
  ],
};
