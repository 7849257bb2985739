import type { Migration } from './types.js';

// Signing out at the provider (issue 23): a single sign-on session keeps the ID token it was opened with, sent
// back to the provider as id_token_hint when the person signs out (OpenID Connect RP-Initiated Logout), so that
// the provider ends its own session too. Null for every other session.
export const ssoLogoutMigration: Migration = {
  id: 44,
  name: 'people: ID token of a single sign-on session, for signing out at the provider',
  statements: [`ALTER TABLE sessions ADD COLUMN id_token_hint TEXT`],
};
