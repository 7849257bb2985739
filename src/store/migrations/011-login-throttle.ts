import type { Migration } from './types.js';

// Issue 14 §3: sign-in attempts are counted with one row per key (account or address) that a single
// INSERT … ON CONFLICT DO UPDATE … RETURNING increments and reads at once, so that concurrent attempts cannot all
// read the same count before any of them is recorded. The window is fixed: it starts with the first attempt and
// lasts the lockout period. The old one-row-per-failure table goes; its rows are at most 15 minutes of history.
export const loginThrottleMigration: Migration = {
  id: 11,
  name: 'sign-in throttle counted atomically',
  statements: [
    `CREATE TABLE login_throttle (
      attempt_key TEXT PRIMARY KEY,
      window_start TIMESTAMPTZ NOT NULL,
      attempts INTEGER NOT NULL
    )`,
    `DROP TABLE login_attempts`,
  ],
};
