import type { Migration } from './types.js';

// Notification digests: a channel (or a person, through an e-mail channel) subscribed to a daily or weekly
// summary. `subscriber` is the user who opted in for themselves, or '' for the whole channel, so that one
// subscription per (channel, frequency, subscriber) exists. Each digest sent is a notification event whose dedupe
// key names the subscription and period, so any number of processes and restarts send it once.
export const digestsMigration: Migration = {
  id: 38,
  name: 'notifications: digest subscriptions',
  statements: [
    `CREATE TABLE notification_digests (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      channel_id TEXT NOT NULL,
      frequency TEXT NOT NULL,
      subscriber TEXT NOT NULL,
      recipient TEXT,
      created_by TEXT,
      created_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE UNIQUE INDEX notification_digests_key ON notification_digests (org_id, channel_id, frequency, subscriber)`,
  ],
};
