/** Shapes of the REST API's answers, as the dashboard reads them (the zod schemas in src/api/routes are the truth). */

// Types the server declares in files free of Node imports are imported, not restated: `import type` leaves
// nothing in the bundle, and the compiler then holds the dashboard to the server's shapes.
import type { Diagnostic } from '../../src/lib/errors.js';
import type {
  AccountState,
  MemberAccount,
  NotImportedSummary,
  ValidationReport,
  ValidationStep,
} from '../../src/accounts/account-types.js';
import type {
  RecommendationState,
  RecommendationView,
} from '../../src/recommendations/recommendation-store.js';

export type {
  AccountState,
  Diagnostic,
  MemberAccount,
  NotImportedSummary,
  RecommendationState,
  ValidationReport,
  ValidationStep,
};

export type Role = 'manager' | 'engineer' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string | null;
}

export interface Organization {
  id: string;
  name: string;
  role: Role;
  manageCloudCredentials: boolean;
}

export interface Me {
  user: User;
  organization: Organization;
  organizations: Organization[];
  role: Role;
  manageCloudCredentials: boolean;
  csrfToken?: string;
  via: 'session' | 'token';
}

export interface LoginResult {
  user: User;
  organizations: Organization[];
  csrfToken: string;
  expiresAt: string;
}

export interface Member {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  manageCloudCredentials: boolean;
  joinedAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface AuditRecord {
  id: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextBefore?: string | null;
  nextCursor?: string | null;
  total?: number;
}

export type ConnectionType = 'assumed_role' | 'root' | 'linked' | 'cost_explorer';

export interface StageProgress {
  done?: number;
  total?: number;
  message?: string;
}

export interface AccountStatus {
  state: AccountState;
  runId?: string | null;
  stage?: string | null;
  progress?: (StageProgress & Record<string, unknown>) | null;
  failedStages?: { stage: string; diagnostics: Diagnostic[] }[];
  diagnostics?: Diagnostic[];
  message?: string | null;
  lastSyncAt: string | null;
  lastAttemptAt?: string | null;
  nextSyncAt: string | null;
  dataFreshness?: string | null;
}

export interface StageRecord {
  name: string;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  tries?: number;
  counts?: Record<string, number>;
  diagnostics?: Diagnostic[];
  note?: string;
  progress?: StageProgress;
}

export interface SyncRun {
  id: string;
  cloudAccountId: string;
  trigger: string;
  state: string;
  stage: string | null;
  progress?: StageProgress | null;
  stages: StageRecord[];
  error?: Diagnostic | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  requestedBy?: string | null;
}

export interface CostPoint {
  period: string;
  cost: number;
}

export interface CostGroup {
  key: Record<string, string | null>;
  label: string;
  total: number;
  series: CostPoint[];
  other?: { groups: number };
}

export interface CostAnswer {
  from: string;
  to: string;
  granularity: 'day' | 'month';
  groupBy: string[];
  basis: CostBasis;
  currency: string;
  total: number;
  periods: string[];
  series: CostPoint[];
  groups: CostGroup[];
  groupCount: number;
  truncated: boolean;
  otherCurrencies: { currency: string; total: number }[];
}

export type CostBasis = 'billed' | 'net' | 'amortized' | 'net_amortized';

export interface CostAnomaly {
  id: string;
  dimension: 'account' | 'service';
  key: string;
  label: string;
  date: string;
  currency: string;
  actual: number;
  expected: number;
  change: number;
  changePercent: number | null;
  direction: 'increase' | 'decrease';
  drivers?: {
    resourceId: string | null;
    usageType: string | null;
    service: string | null;
    account: string | null;
    region: string | null;
    cost: number;
    baseline: number;
    change: number;
  }[];
}

export interface PeriodTotal {
  from: string;
  to: string;
  total: number;
}

export interface CostSummary {
  asOf: string;
  basis: CostBasis;
  currency: string;
  monthToDate: PeriodTotal;
  samePeriodLastMonth: PeriodTotal;
  change: number;
  /** Percent (12.5 = 12.5 %), null when last month had no cost. */
  changePercent: number | null;
  lastMonth: PeriodTotal;
}

export interface ForecastPeriod {
  month: string;
  from: string;
  to: string;
  actual: number;
  forecast: number;
  total: number;
  lower: number;
  upper: number;
}

export interface ForecastAnswer {
  asOf: string;
  basis: CostBasis;
  currency: string;
  method: string;
  model: string;
  lastDataDate: string | null;
  periods: ForecastPeriod[];
}

export type Recommendation = RecommendationView;

export interface RecommendationList {
  items: Recommendation[];
  total: number;
  limit: number;
  offset: number;
  totals: {
    monthlySavings: number;
    count: number;
    byRule: { rule: string; count: number; monthlySavings: number }[];
    byAccount: { awsAccountId: string; count: number; monthlySavings: number }[];
  };
}

export interface Resource {
  id: string;
  type: string;
  cloudAccountId: string;
  awsAccountId: string;
  region: string;
  name: string | null;
  state: string | null;
  arn: string | null;
  tags: Record<string, string>;
  details: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
  goneAt: string | null;
  /** What it cost over the bill's last 30 days; null when the bill has no line for it. */
  cost: { billed: number; effective: number; currency: string; from: string; to: string } | null;
}

export interface ResourceList {
  items: Resource[];
  total: number;
  limit: number;
  offset: number;
  totalBilledCost: number;
}

export interface MetricSeries {
  resourceId: string;
  items: { metric: string; points: { ts: string; value: number }[] }[];
}

export interface CloudAccount {
  id: string;
  name: string;
  provider: 'aws';
  type: ConnectionType;
  awsAccountId: string | null;
  roleName: string | null;
  roleArn: string | null;
  accessKeyId: string | null;
  exportType: 'cur2' | 'legacy' | null;
  exportName: string | null;
  bucket: string | null;
  prefix: string | null;
  exportRegion: string | null;
  edp: boolean;
  memberImport: 'connected-only' | 'all';
  payerAccountId: string | null;
  parentId: string | null;
  enabled: boolean;
  status: AccountStatus;
  validation: ValidationReport | null;
  createdAt: string;
  updatedAt: string;
  members?: MemberAccount[];
  notImported?: NotImportedSummary | null;
}
