import type { Migration } from './types.js';

// Accounts keep the last validation report beside the sync status (both are shown on the account page), a hint of
// the access key (the key itself lives in the vault) and the organization's previous external ID, so that a role
// still trusting the pre-rotation ID is diagnosed as an external-ID mismatch rather than a generic denial.
export const accountsMigration: Migration = {
  id: 4,
  name: 'accounts: validation report, access key hint, previous external ID',
  statements: [
    `ALTER TABLE cloud_accounts ADD COLUMN validation TEXT`,
    `ALTER TABLE cloud_accounts ADD COLUMN validated_at TIMESTAMPTZ`,
    `ALTER TABLE cloud_accounts ADD COLUMN access_key_hint TEXT`,
    `ALTER TABLE organizations ADD COLUMN previous_external_id TEXT`,
  ],
};
