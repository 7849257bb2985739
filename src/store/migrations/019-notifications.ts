import type { Migration } from './types.js';

// Notifications: channels (their secrets live in the vault), alert rules, the events rules matched, and the
// outbox of deliveries. An event is written once per dedupe key and a delivery once per (event, rule, channel),
// so a repeated evaluation, a restart or a second process cannot send twice what was already queued.
export const notificationsMigration: Migration = {
  id: 19,
  name: 'notifications: channels, alert rules, events, outbox',
  statements: [
    `CREATE TABLE notification_channels (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      name TEXT NOT NULL,
      kind TEXT NOT NULL,
      config TEXT NOT NULL DEFAULT '{}',
      secret_id TEXT,
      last_success_at TIMESTAMPTZ,
      last_error TEXT,
      last_error_at TIMESTAMPTZ,
      created_by TEXT,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE UNIQUE INDEX notification_channels_org_name ON notification_channels (org_id, name)`,
    `CREATE TABLE alert_rules (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      name TEXT NOT NULL,
      event_type TEXT NOT NULL,
      params TEXT NOT NULL DEFAULT '{}',
      channel_ids TEXT NOT NULL DEFAULT '[]',
      enabled BOOLEAN NOT NULL DEFAULT TRUE,
      created_by TEXT,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE UNIQUE INDEX alert_rules_org_name ON alert_rules (org_id, name)`,
    `CREATE TABLE notification_events (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      dedupe_key TEXT NOT NULL,
      payload TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE UNIQUE INDEX notification_events_key ON notification_events (org_id, dedupe_key)`,
    `CREATE TABLE notification_outbox (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      rule_id TEXT,
      channel_id TEXT NOT NULL,
      delivery_key TEXT NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TIMESTAMPTZ NOT NULL,
      worker_id TEXT,
      lease_until TIMESTAMPTZ,
      last_error TEXT,
      sent_at TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE UNIQUE INDEX notification_outbox_key ON notification_outbox (delivery_key)`,
  ],
};
