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
import type { CostAnomaly } from '../../src/costs/anomalies.js';
import type { CostAnswer, CostGroup, SeriesPoint } from '../../src/costs/cost-answer.js';
import type { CostBasis } from '../../src/costs/cost-query.js';
import type {
  ForecastAnswer,
  ForecastPeriod,
  PeriodTotal,
  SummaryAnswer,
} from '../../src/costs/cost-service.js';
import type { ResourceView } from '../../src/inventory/resource-query.js';
import type {
  RecommendationState,
  RecommendationView,
} from '../../src/recommendations/recommendation-store.js';

export type {
  AccountState,
  CostAnomaly,
  CostAnswer,
  CostBasis,
  CostGroup,
  ForecastAnswer,
  ForecastPeriod,
  PeriodTotal,
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
  /** `pending` until the person accepts. */
  status: 'active' | 'pending';
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

export type CostPoint = SeriesPoint;

export type CostSummary = SummaryAnswer;

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

export type Resource = ResourceView;

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
