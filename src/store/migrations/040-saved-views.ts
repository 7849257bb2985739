import type { Migration } from './types.js';

// Saved views: a cost explorer query with a name, private to its owner or shared with the organization, and
// optionally pinned to the Overview. The query is JSON (range, grouping, filters, basis).
export const savedViewsMigration: Migration = {
  id: 40,
  name: 'saved views: named cost explorer queries',
  statements: [
    `CREATE TABLE saved_views (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      owner_id TEXT NOT NULL,
      name TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      query TEXT NOT NULL,
      visibility TEXT NOT NULL,
      pinned BOOLEAN NOT NULL DEFAULT FALSE,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE UNIQUE INDEX saved_views_owner_name ON saved_views (org_id, owner_id, name)`,
    `CREATE INDEX saved_views_org ON saved_views (org_id, visibility)`,
  ],
};
