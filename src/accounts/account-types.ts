import type { AccountSyncStatus } from '../sync/account-status.js';
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
}

/** What the payer's export carries for member accounts that are not imported (latest billing period). */
export interface NotImportedSummary {
  billingPeriod: string;
  accounts: number;
  cost: number | null;
  currency: string | null;
  /** The figures as the billing import recorded them. */
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
