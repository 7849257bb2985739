import type { Migration } from './types.js';

// Commitments (reserved instances, savings plans) of accounts whose bill comes from the Cost Explorer API: the
// bill's line items carry no commitment columns there, so each commitment's figures per month, and the coverage of
// eligible usage, are kept as Cost Explorer answered them. Accounts with a CUR export need no table: their
// commitments are read from the line items themselves. A sync replaces an account's rows of the months it loaded.
export const commitmentsMigration: Migration = {
  id: 36,
  name: 'commitments: Cost Explorer utilization and coverage',
  statements: [
    `CREATE TABLE commitment_months (
      org_id TEXT NOT NULL,
      cloud_account_id TEXT NOT NULL,
      commitment_id TEXT NOT NULL,
      period DATE NOT NULL,
      kind TEXT NOT NULL,
      commitment_type TEXT NOT NULL,
      aws_account_id TEXT,
      region TEXT,
      instance_type TEXT,
      instance_count DOUBLE PRECISION,
      hourly_commitment DOUBLE PRECISION,
      payment_option TEXT,
      term_years DOUBLE PRECISION,
      start_time TEXT,
      end_time TEXT,
      upfront_fee DOUBLE PRECISION,
      recurring_hourly_fee DOUBLE PRECISION,
      committed DOUBLE PRECISION NOT NULL,
      used DOUBLE PRECISION NOT NULL,
      unused DOUBLE PRECISION NOT NULL,
      on_demand_equivalent DOUBLE PRECISION NOT NULL,
      purchased_hours DOUBLE PRECISION,
      used_hours DOUBLE PRECISION,
      currency TEXT NOT NULL,
      loaded_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (org_id, cloud_account_id, commitment_id, period)
    )`,
    `CREATE TABLE commitment_coverage (
      org_id TEXT NOT NULL,
      cloud_account_id TEXT NOT NULL,
      period DATE NOT NULL,
      service_code TEXT NOT NULL,
      aws_account_id TEXT NOT NULL,
      region TEXT NOT NULL,
      instance_family TEXT NOT NULL,
      covered DOUBLE PRECISION NOT NULL,
      on_demand DOUBLE PRECISION NOT NULL,
      currency TEXT NOT NULL,
      loaded_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (org_id, cloud_account_id, period, service_code, aws_account_id, region, instance_family)
    )`,
  ],
};
