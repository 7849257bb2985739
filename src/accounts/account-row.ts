/** A `cloud_accounts` row as both engines return it. */
export type AccountRow = {
  id: string;
  org_id: string;
  name: string;
  provider: string;
  type: string;
  aws_account_id: string | null;
  secret_id: string | null;
  /** The provider's connection fields, one JSON document (migration 20). */
  connection: string | null;
  parent_id: string | null;
  disabled: boolean;
  /** The account's own minutes between scheduled syncs; null follows the organization. */
  sync_interval_minutes: number | null;
  status_state: string;
  status_detail: string | null;
  diagnostics: string | null;
  last_sync_at: Date | string | null;
  last_attempt_at: Date | string | null;
  next_sync_at: Date | string | null;
  data_freshness: Date | string | null;
  validation: string | null;
  created_at: Date | string;
  updated_at: Date | string;
};
