import type { Migration } from './types.js';

// People and access (issue 23):
//  - invitations: a manager invites an e-mail address with a role; the one-time link's token is stored hashed,
//    expires, and is used once (accepted_at) or withdrawn (revoked_at).
//  - api_tokens.read_only: a token that may read but is refused on every write route.
//  - sessions.ip, sessions.user_agent: what a person sees when listing their own sessions to revoke one.
// DuckDB cannot add a column with a NOT NULL constraint, so read_only defaults to FALSE and is read as such.
export const invitationsMigration: Migration = {
  id: 32,
  name: 'people: invitations, read-only API tokens, session details',
  statements: [
    `CREATE TABLE invitations (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      email TEXT NOT NULL,
      role TEXT NOT NULL,
      manage_cloud_credentials BOOLEAN NOT NULL DEFAULT FALSE,
      token_hash TEXT NOT NULL UNIQUE,
      invited_by_user_id TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL,
      accepted_at TIMESTAMPTZ,
      accepted_user_id TEXT,
      revoked_at TIMESTAMPTZ
    )`,
    `CREATE INDEX invitations_org ON invitations (org_id)`,
    `ALTER TABLE api_tokens ADD COLUMN read_only BOOLEAN DEFAULT FALSE`,
    `ALTER TABLE sessions ADD COLUMN ip TEXT`,
    `ALTER TABLE sessions ADD COLUMN user_agent TEXT`,
  ],
};
