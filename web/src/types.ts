/**
 * Shapes of the REST API's answers, as the dashboard reads them: derived from the types `npm run gen:api` generates
 * from the server's OpenAPI document (src/api-client/schema.ts), not restated, so a change of an answer fails the
 * dashboard's type-check where it reads the changed field. `import type` leaves nothing in the bundle.
 */
import type { JsonAnswer, Schemas } from '../../src/api-client/client.js';
import type { CostBasis } from '../../src/costs/cost-query.js';

export type { CostBasis };

export type Diagnostic = Schemas['Diagnostic'];
export type User = Schemas['User'];
export type Organization = Schemas['OrganizationMembership'];
export type Role = Organization['role'];
export type Me = JsonAnswer<'/api/v1/auth/me', 'get'>;
export type LoginResult = JsonAnswer<'/api/v1/auth/login', 'post'>;
export type Member = Schemas['Member'];
export type ApiToken = Schemas['ApiToken'];
export type AuditRecord = Schemas['AuditRecord'];

/** A list answer: the items and, depending on the list, a cursor to the next page or the total. */
export interface Page<T> {
  items: T[];
  nextBefore?: string | null;
  nextCursor?: string | null;
  total?: number;
}

export type CloudAccount = Schemas['CloudAccount'];
export type ConnectionType = CloudAccount['type'];
export type AccountStatus = CloudAccount['status'];
export type AccountState = AccountStatus['state'];
export type MemberAccount = NonNullable<CloudAccount['members']>[number];
export type NotImportedSummary = NonNullable<CloudAccount['notImported']>;
export type ValidationReport = NonNullable<Schemas['ValidationReport']>;
export type ValidationStep = ValidationReport['steps'][number];

export type SyncRun = Schemas['SyncRun'];
export type StageRecord = Schemas['SyncStage'];
export type StageProgress = NonNullable<StageRecord['progress']>;

export type CostAnswer = Schemas['CostAnswer'];
export type CostGroup = CostAnswer['groups'][number];
export type CostPoint = CostGroup['series'][number];
export type CostSummary = Schemas['CostSummary'];
export type PeriodTotal = CostSummary['monthToDate'];
export type ForecastAnswer = Schemas['CostForecast'];
export type ForecastPeriod = ForecastAnswer['periods'][number];
export type CostAnomaly = Schemas['CostAnomaly'];

export type Recommendation = Schemas['Recommendation'];
export type RecommendationState = Recommendation['state'];
export type RecommendationList = JsonAnswer<'/api/v1/recommendations', 'get'>;

export type Resource = Schemas['Resource'];
export type ResourceList = JsonAnswer<'/api/v1/resources', 'get'>;
export type MetricSeries = JsonAnswer<'/api/v1/resources/metrics', 'get'>;
export type ResourceDetail = JsonAnswer<'/api/v1/resources/detail', 'get'>;
