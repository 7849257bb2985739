import type { Migration } from './types.js';

// JSON is kept as TEXT on both engines (read with Dialect.jsonText) so that both return the same values.
export const coreMigration: Migration = {
  id: 1,
  name: 'core: organizations, people, sessions, tokens, audit, secrets',
  statements: [
    `CREATE TABLE organizations (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      external_id TEXT NOT NULL,
      external_id_rotated_at TIMESTAMPTZ,
      settings TEXT NOT NULL DEFAULT '{}',
      created_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE TABLE users (
      id TEXT PRIMARY KEY,
      email TEXT NOT NULL UNIQUE,
      name TEXT,
      password_hash TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      disabled BOOLEAN NOT NULL DEFAULT FALSE
    )`,
    `CREATE TABLE memberships (
      org_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      role TEXT NOT NULL,
      manage_cloud_credentials BOOLEAN NOT NULL DEFAULT FALSE,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (org_id, user_id)
    )`,
    `CREATE TABLE sessions (
      id_hash TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      org_id TEXT NOT NULL,
      csrf_token TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL,
      revoked_at TIMESTAMPTZ
    )`,
    `CREATE TABLE api_tokens (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      name TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      created_at TIMESTAMPTZ NOT NULL,
      last_used_at TIMESTAMPTZ,
      expires_at TIMESTAMPTZ,
      revoked_at TIMESTAMPTZ
    )`,
    `CREATE TABLE login_attempts (
      attempt_key TEXT NOT NULL,
      attempted_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE TABLE audit_log (
      id TEXT PRIMARY KEY,
      org_id TEXT,
      actor_user_id TEXT,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      object_type TEXT NOT NULL,
      object_id TEXT,
      details TEXT NOT NULL DEFAULT '{}',
      request_id TEXT,
      ip TEXT,
      created_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE TABLE secrets (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      owner_type TEXT NOT NULL,
      owner_id TEXT NOT NULL,
      name TEXT NOT NULL,
      ciphertext TEXT NOT NULL,
      key_id TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
  ],
};
