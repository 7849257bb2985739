import type { AccountSyncStatus } from './account-status.js';
import type { Diagnostic } from '../lib/errors.js';
import type { ProviderId } from './account-schemas.js';

export type AccountState = 'healthy' | 'syncing' | 'degraded' | 'failed' | 'pending' | 'disabled';

export interface ValidationStep {
  /** One of the provider's validation steps (`connection.validationSteps`), in the order they run. */
  step: string;
  state: 'pass' | 'fail' | 'skipped';
  /** Stable code: on failure the diagnostic's code, otherwise what was found (`role_assumed`, `export_found`, …). */
  code: string;
  message: string;
  /** What to do; present on failure and on passes that still need something (e.g. no data yet). */
  remediation?: string;
  /** Every problem the step found (a step such as discovery checks several permissions). */
  diagnostics?: Diagnostic[];
  details?: Record<string, unknown>;
}

export interface ValidationReport {
  ok: boolean;
  checkedAt: string;
  steps: ValidationStep[];
}

/** An account that a payer's organization (AWS Organizations) lists under it. */
export interface MemberAccount {
  awsAccountId: string;
  name: string | null;
  email: string | null;
  /** As AWS reports it: ACTIVE, SUSPENDED, PENDING_CLOSURE. */
  awsStatus: string | null;
  joinedAt: string | null;
  discoveredAt: string;
  connected: boolean;
  /** The Cloudtally account of the member, once connected. */
  cloudAccountId: string | null;
  /** Where its costs stand in the payer's latest bill (src/accounts/README.md has the table). */
  costs: MemberCosts;
}

/**
 * `imported`: in the totals; `not_imported`: in the payer's bill, left out (not connected);
 * `import_pending`: connected, the payer's re-import that adds it is queued or running; `removal_pending`:
 * removed, still in the totals until the payer's re-import that leaves it out; `none`: not in the latest bill.
 */
export type MemberCosts = 'imported' | 'not_imported' | 'import_pending' | 'removal_pending' | 'none';

/** A member account the payer's latest bill holds and that is not imported. */
export interface NotImportedAccount {
  awsAccountId: string;
  /** As AWS Organizations lists it, when it does. */
  name: string | null;
  rows: number;
  /** Billed cost in the period; null when the account was billed in more than one currency. */
  cost: number | null;
  currency: string | null;
}

/** What the payer's export carries for member accounts that are not imported (latest billing period). */
export interface NotImportedSummary {
  billingPeriod: string;
  /** How many accounts `list` holds: the member accounts left out that are still not connected. */
  accounts: number;
  cost: number | null;
  currency: string | null;
  list: NotImportedAccount[];
  /** Members connected since the period was loaded, whose costs the payer's queued re-import adds. */
  importPending: number;
  /** Cost per currency of the accounts listed. */
  detail: Record<string, unknown>;
}

/** The one status shape of an account; the sync engine builds it (`accountStatusFromRow`). */
export type AccountStatus = AccountSyncStatus;

/**
 * A cloud account as every interface shows it: the fields every provider has, and the provider's own connection
 * fields beside them (AWS: roleArn, exportType, bucket, …; see each provider's `connection.publicFields`). Secrets
 * never appear; a key only as a hint.
 */
export interface CloudAccount extends AccountCommon {
  [providerField: string]: unknown;
}

export interface AccountCommon {
  id: string;
  name: string;
  provider: ProviderId;
  /** The kind of connection, one of the provider's `connection.kinds`. */
  type: string;
  /** The account's ID in its cloud (AWS account ID, Azure subscription ID); null when it has none. */
  awsAccountId: string | null;
  /** A member account's payer connection in Cloudtally. */
  parentId: string | null;
  enabled: boolean;
  /** The account's own minutes between scheduled syncs; null: it follows the organization's schedule. */
  syncIntervalMinutes: number | null;
  status: AccountStatus;
  validation: ValidationReport | null;
  createdAt: string;
  updatedAt: string;
  /** Payers: the member accounts their organization lists, connected or not. */
  members?: MemberAccount[];
  /** Payers: member accounts in the bill that are not imported (latest period). */
  notImported?: NotImportedSummary | null;
}

/**
 * The stored row: the common fields, the provider's connection document as stored (`connection`, parsed JSON;
 * the provider reads it with its own schema) and the vault secret's ID.
 */
export interface AccountRecord extends Omit<AccountCommon, 'members' | 'notImported'> {
  orgId: string;
  secretId: string | null;
  connection: Record<string, unknown>;
}

/** Who acts: the organization scopes every query; the rest goes to the audit log. */
export interface Actor {
  orgId: string;
  userId: string | null;
  /** An e-mail, `cli`, `token:NAME`. */
  actor: string;
  requestId?: string;
}
