import type { AccountSyncStatus } from './account-status.js';
import type { Diagnostic } from '../lib/errors.js';
import type { AccountType, ExportType, MemberImport } from './account-schemas.js';

export type AccountState = 'healthy' | 'syncing' | 'degraded' | 'failed' | 'pending' | 'disabled';

/** The validation steps, in the order they run. */
export const VALIDATION_STEPS = [
  'credentials',
  'identity',
  'bucket',
  'export',
  'discovery',
  'organizations',
  'cost_explorer',
] as const;
export type ValidationStepName = (typeof VALIDATION_STEPS)[number];

export interface ValidationStep {
  step: ValidationStepName;
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

/** An account that AWS Organizations lists under a payer. */
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

/** A cloud account as every interface shows it; secrets never appear, the access key only as a hint. */
export interface CloudAccount {
  id: string;
  name: string;
  provider: 'aws';
  type: AccountType;
  awsAccountId: string | null;
  roleName: string | null;
  roleArn: string | null;
  /** `AKIA…WXYZ` for key-based connections. */
  accessKeyId: string | null;
  exportType: ExportType | null;
  exportName: string | null;
  bucket: string | null;
  prefix: string | null;
  exportRegion: string | null;
  edp: boolean;
  memberImport: MemberImport;
  /** A linked account's payer: its AWS account ID and its Cloudtally account. */
  payerAccountId: string | null;
  parentId: string | null;
  enabled: boolean;
  status: AccountStatus;
  validation: ValidationReport | null;
  createdAt: string;
  updatedAt: string;
  /** Payers: the member accounts AWS Organizations lists, connected or not. */
  members?: MemberAccount[];
  /** Payers: member accounts in the bill that are not imported (latest period). */
  notImported?: NotImportedSummary | null;
}

/** The stored row, with what the public shape leaves out (the vault secret). */
export interface AccountRecord extends Omit<CloudAccount, 'members' | 'notImported'> {
  orgId: string;
  secretId: string | null;
}

/** Who acts: the organization scopes every query; the rest goes to the audit log. */
export interface Actor {
  orgId: string;
  userId: string | null;
  /** An e-mail, `cli`, `token:NAME`. */
  actor: string;
  requestId?: string;
}
