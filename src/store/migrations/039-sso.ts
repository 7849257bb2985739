import type { Migration } from './types.js';

// Single sign-on with OpenID Connect (issue 23):
//  - sso_configs: one OpenID provider per organization. The client secret lives in the secret vault
//    (client_secret_id); allowed_domains and role_map are JSON. break_glass_user_id names the one manager who may
//    still sign in with a password when sso_required is set.
//  - sso_logins: a sign-in in flight, keyed by the hash of its state; deleted when the provider sends the person
//    back, so a state works once. It holds the nonce and the PKCE code verifier for ten minutes.
//  - sso_identities: the provider's subject linked to a user, so that a changed e-mail address at the provider
//    still finds the same person.
//  - sessions.via: how a session was opened (password, invitation, sso), so that a password session cannot move
//    into an organization that requires single sign-on.
export const ssoMigration: Migration = {
  id: 39,
  name: 'people: single sign-on with OpenID Connect',
  statements: [
    `CREATE TABLE sso_configs (
      org_id TEXT PRIMARY KEY,
      issuer TEXT NOT NULL,
      client_id TEXT NOT NULL,
      client_secret_id TEXT,
      scopes TEXT NOT NULL,
      allowed_domains TEXT NOT NULL,
      role_claim TEXT,
      role_map TEXT NOT NULL,
      default_role TEXT,
      just_in_time BOOLEAN NOT NULL DEFAULT FALSE,
      require_verified_email BOOLEAN NOT NULL DEFAULT TRUE,
      sso_required BOOLEAN NOT NULL DEFAULT FALSE,
      break_glass_user_id TEXT,
      updated_at TIMESTAMPTZ NOT NULL,
      updated_by_user_id TEXT NOT NULL
    )`,
    `CREATE TABLE sso_logins (
      state_hash TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      nonce TEXT NOT NULL,
      code_verifier TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE TABLE sso_identities (
      issuer TEXT NOT NULL,
      subject TEXT NOT NULL,
      user_id TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (issuer, subject)
    )`,
    `ALTER TABLE sessions ADD COLUMN via TEXT`,
  ],
};
