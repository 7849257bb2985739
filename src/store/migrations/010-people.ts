import type { Migration } from './types.js';

// Issue 14 §2: creating organizations becomes an instance-level right, a person joins an organization only by
// accepting, and the organization a user lands in is the one they last used.
//  - users.instance_admin: the first user of an existing instance becomes its administrator, as a fresh instance
//    makes the user of its first `users create`.
//  - users.last_org_id: the default organization (set on sign-in and switch), instead of name order.
//  - memberships.accepted_at: NULL while the membership waits for the person's consent; every membership made
//    before this migration was made the old way and counts as accepted. accept_on_sign_in marks the membership
//    of a user a manager created with an initial password: signing in with it is the acceptance.
//  - instance_settings: instance-wide switches (whether members may create organizations).
// DuckDB cannot add a column with a NOT NULL constraint, so the flags default to FALSE and are read as such.
export const peopleMigration: Migration = {
  id: 10,
  name: 'people: instance administrator, default organization, accepted memberships, instance settings',
  statements: [
    `ALTER TABLE users ADD COLUMN instance_admin BOOLEAN DEFAULT FALSE`,
    `ALTER TABLE users ADD COLUMN last_org_id TEXT`,
    `UPDATE users SET instance_admin = TRUE WHERE id = (SELECT id FROM users ORDER BY created_at, id LIMIT 1)`,
    `ALTER TABLE memberships ADD COLUMN accepted_at TIMESTAMPTZ`,
    `ALTER TABLE memberships ADD COLUMN accept_on_sign_in BOOLEAN DEFAULT FALSE`,
    `UPDATE memberships SET accepted_at = created_at`,
    `CREATE TABLE instance_settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
  ],
};
