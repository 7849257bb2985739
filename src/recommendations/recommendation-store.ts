import type { Queryable, SqlParam } from '../store/store.js';
import type { Finding, SavingsBasis } from './rule-kit.js';
import { isoTimestamp } from '../lib/dates.js';

export const RECOMMENDATION_STATES = ['open', 'dismissed', 'snoozed', 'closed'] as const;
export type RecommendationState = (typeof RECOMMENDATION_STATES)[number];

export interface RecommendationView {
  id: string;
  rule: string;
  resourceId: string;
  resourceType: string | null;
  resourceName: string | null;
  awsAccountId: string;
  cloudAccountId: string;
  region: string | null;
  title: string;
  reason: string;
  evidence: Record<string, unknown>;
  action: string;
  monthlySavings: number;
  savingsBasis: SavingsBasis;
  currency: string;
  state: RecommendationState;
  /** Why it was dismissed or snoozed, by whom and until when. */
  stateReason: string | null;
  snoozedUntil: string | null;
  stateUserId: string | null;
  stateUpdatedAt: string | null;
  closedReason: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface RecommendationFilters {
  state?: RecommendationState | 'all';
  rule?: string;
  awsAccountId?: string;
  cloudAccountId?: string;
  region?: string;
  resourceId?: string;
  minSavings?: number;
  limit?: number;
  offset?: number;
}

type Row = {
  id: string;
  rule: string;
  resource_id: string;
  resource_type: string | null;
  resource_name: string | null;
  aws_account_id: string;
  cloud_account_id: string;
  region: string | null;
  title: string;
  reason: string;
  evidence: string;
  action: string;
  monthly_savings: number;
  savings_basis: string;
  currency: string;
  eff_state: string;
  state_reason: string | null;
  snoozed_until: Date | null;
  state_user_id: string | null;
  state_updated_at: Date | null;
  closed_reason: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
};

function toView(r: Row): RecommendationView {
  return {
    id: r.id,
    rule: r.rule,
    resourceId: r.resource_id,
    resourceType: r.resource_type,
    resourceName: r.resource_name,
    awsAccountId: r.aws_account_id,
    cloudAccountId: r.cloud_account_id,
    region: r.region,
    title: r.title,
    reason: r.reason,
    evidence: JSON.parse(r.evidence) as Record<string, unknown>,
    action: r.action,
    monthlySavings: Number(r.monthly_savings),
    savingsBasis: r.savings_basis === 'estimate' ? 'estimate' : 'bill',
    currency: r.currency,
    state: r.eff_state as RecommendationState,
    stateReason: r.state_reason,
    snoozedUntil: isoTimestamp(r.snoozed_until),
    stateUserId: r.state_user_id,
    stateUpdatedAt: isoTimestamp(r.state_updated_at),
    closedReason: r.closed_reason,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    closedAt: isoTimestamp(r.closed_at),
  };
}

/**
 * Recommendations with their effective state: closed by the engine, else the user's dismissal, else a snooze
 * that has not expired, else open. `$now` is the parameter holding the current time.
 */
function selectSql(now: string): string {
  return `SELECT r.id, r.rule, r.resource_id, r.resource_type, res.name AS resource_name, r.aws_account_id,
      r.cloud_account_id, r.region, r.title, r.reason, r.evidence, r.action,
      CAST(r.monthly_savings AS DOUBLE PRECISION) AS monthly_savings, r.savings_basis, r.currency,
      CASE WHEN r.status = 'closed' THEN 'closed'
           WHEN s.state = 'dismissed' THEN 'dismissed'
           WHEN s.state = 'snoozed' AND s.snoozed_until > ${now} THEN 'snoozed'
           ELSE 'open' END AS eff_state,
      s.reason AS state_reason, s.snoozed_until, s.user_id AS state_user_id, s.updated_at AS state_updated_at,
      r.closed_reason, r.created_at, r.updated_at, r.closed_at
    FROM recommendations r
    LEFT JOIN recommendation_states s ON s.org_id = r.org_id AND s.recommendation_id = r.id
    LEFT JOIN resources res ON res.org_id = r.org_id AND res.cloud_account_id = r.cloud_account_id
      AND res.resource_type = r.resource_type AND res.resource_id = r.resource_id`;
}

function whereOf(filters: RecommendationFilters, params: SqlParam[]): string {
  const p = (v: SqlParam) => `$${params.push(v)}`;
  const parts = ['TRUE'];
  if (filters.rule) parts.push(`rule = ${p(filters.rule)}`);
  if (filters.awsAccountId) parts.push(`aws_account_id = ${p(filters.awsAccountId)}`);
  if (filters.cloudAccountId) parts.push(`cloud_account_id = ${p(filters.cloudAccountId)}`);
  if (filters.region) parts.push(`region = ${p(filters.region)}`);
  if (filters.resourceId) parts.push(`resource_id = ${p(filters.resourceId)}`);
  if (filters.minSavings !== undefined) parts.push(`monthly_savings >= ${p(filters.minSavings)}`);
  return parts.join(' AND ');
}

function scoped(now: string): string {
  return `(${selectSql(now)} WHERE r.org_id = $1)`;
}

export async function listRecommendations(
  q: Queryable,
  orgId: string,
  filters: RecommendationFilters,
  now: Date,
): Promise<{ items: RecommendationView[]; total: number }> {
  const params: SqlParam[] = [orgId, now];
  let where = whereOf(filters, params);
  const state = filters.state ?? 'open';
  if (state !== 'all') where += ` AND eff_state = $${params.push(state)}`;
  const base = `FROM ${scoped('$2')} v WHERE ${where}`;
  const [{ n }] = await q.query<{ n: number }>(`SELECT count(*) AS n ${base}`, params);
  const rows = await q.query<Row>(
    `SELECT * ${base} ORDER BY monthly_savings DESC, rule, resource_id
     LIMIT $${params.push(filters.limit ?? 100)} OFFSET $${params.push(filters.offset ?? 0)}`,
    params,
  );
  return { items: rows.map(toView), total: Number(n) };
}

export interface SavingsTotals {
  /** Possible monthly savings of the open recommendations that match the filters (other than state). */
  monthlySavings: number;
  count: number;
  byRule: { rule: string; count: number; monthlySavings: number }[];
  byAccount: { awsAccountId: string; count: number; monthlySavings: number }[];
}

export async function savingsTotals(
  q: Queryable,
  orgId: string,
  filters: RecommendationFilters,
  now: Date,
): Promise<SavingsTotals> {
  const params: SqlParam[] = [orgId, now];
  const base = `FROM ${scoped('$2')} v WHERE ${whereOf(filters, params)} AND eff_state = 'open'`;
  const group = (col: string) =>
    q.query<{ k: string; n: number; s: number }>(
      `SELECT ${col} AS k, count(*) AS n, sum(monthly_savings) AS s ${base} GROUP BY ${col} ORDER BY s DESC, k`,
      params,
    );
  const byRule = await group('rule');
  const byAccount = await group('aws_account_id');
  const round = (x: number) => Math.round(Number(x) * 100) / 100;
  return {
    monthlySavings: round(byRule.reduce((a, r) => a + Number(r.s), 0)),
    count: byRule.reduce((a, r) => a + Number(r.n), 0),
    byRule: byRule.map((r) => ({ rule: r.k, count: Number(r.n), monthlySavings: round(r.s) })),
    byAccount: byAccount.map((r) => ({ awsAccountId: r.k, count: Number(r.n), monthlySavings: round(r.s) })),
  };
}

export async function getRecommendation(
  q: Queryable,
  orgId: string,
  id: string,
  now: Date,
): Promise<RecommendationView | null> {
  const rows = await q.query<Row>(`${selectSql('$3')} WHERE r.org_id = $1 AND r.id = $2`, [orgId, id, now]);
  return rows[0] ? toView(rows[0]) : null;
}

/** The engine's view of one connection's recommendations (for reconciling a run). */
export interface ExistingRecommendation {
  id: string;
  rule: string;
  resourceId: string;
  status: string;
  title: string;
  reason: string;
  evidence: string;
  action: string;
  monthlySavings: number;
  savingsBasis: string;
  currency: string;
  region: string | null;
}

export async function loadExisting(
  q: Queryable,
  orgId: string,
  cloudAccountId: string,
): Promise<ExistingRecommendation[]> {
  const rows = await q.query<{
    id: string;
    rule: string;
    resource_id: string;
    status: string;
    title: string;
    reason: string;
    evidence: string;
    action: string;
    monthly_savings: number;
    savings_basis: string;
    currency: string;
    region: string | null;
  }>(
    `SELECT id, rule, resource_id, status, title, reason, evidence, action,
            CAST(monthly_savings AS DOUBLE PRECISION) AS monthly_savings, savings_basis, currency, region
     FROM recommendations WHERE org_id = $1 AND cloud_account_id = $2`,
    [orgId, cloudAccountId],
  );
  return rows.map((r) => ({
    id: r.id,
    rule: r.rule,
    resourceId: r.resource_id,
    status: r.status,
    title: r.title,
    reason: r.reason,
    evidence: r.evidence,
    action: r.action,
    monthlySavings: Number(r.monthly_savings),
    savingsBasis: r.savings_basis,
    currency: r.currency,
    region: r.region,
  }));
}

export async function insertRecommendation(
  tx: Queryable,
  input: {
    id: string;
    orgId: string;
    cloudAccountId: string;
    awsAccountId: string;
    rule: string;
    finding: Finding;
    currency: string;
    now: Date;
  },
): Promise<void> {
  const f = input.finding;
  await tx.execute(
    `INSERT INTO recommendations (id, org_id, cloud_account_id, aws_account_id, region, rule, resource_id, resource_type,
       title, reason, evidence, action, monthly_savings, savings_basis, currency, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'open', $16, $16)`,
    [
      input.id,
      input.orgId,
      input.cloudAccountId,
      input.awsAccountId,
      f.region,
      input.rule,
      f.resourceId,
      f.resourceType,
      f.title,
      f.reason,
      JSON.stringify(f.evidence),
      f.action,
      f.monthlySavings,
      f.savingsBasis,
      input.currency,
      input.now,
    ],
  );
}

/** Refreshes the content of a recommendation and (re)opens it. */
export async function refreshRecommendation(
  tx: Queryable,
  input: { orgId: string; id: string; finding: Finding; currency: string; now: Date },
): Promise<void> {
  const f = input.finding;
  await tx.execute(
    `UPDATE recommendations SET region = $3, resource_type = $4, title = $5, reason = $6, evidence = $7, action = $8,
       monthly_savings = $9, savings_basis = $10, currency = $11, status = 'open', closed_reason = NULL,
       closed_at = NULL, updated_at = $12
     WHERE org_id = $1 AND id = $2`,
    [
      input.orgId,
      input.id,
      f.region,
      f.resourceType,
      f.title,
      f.reason,
      JSON.stringify(f.evidence),
      f.action,
      f.monthlySavings,
      f.savingsBasis,
      input.currency,
      input.now,
    ],
  );
}

export async function closeRecommendation(
  tx: Queryable,
  input: { orgId: string; id: string; reason: string; now: Date },
): Promise<void> {
  await tx.execute(
    `UPDATE recommendations SET status = 'closed', closed_reason = $3, closed_at = $4, updated_at = $4
     WHERE org_id = $1 AND id = $2`,
    [input.orgId, input.id, input.reason, input.now],
  );
}

export async function setUserState(
  tx: Queryable,
  input: {
    orgId: string;
    id: string;
    state: 'dismissed' | 'snoozed';
    reason: string | null;
    until: Date | null;
    userId: string;
    now: Date;
  },
): Promise<void> {
  await tx.execute(
    `INSERT INTO recommendation_states (org_id, recommendation_id, state, reason, snoozed_until, user_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (org_id, recommendation_id) DO UPDATE SET state = excluded.state, reason = excluded.reason,
       snoozed_until = excluded.snoozed_until, user_id = excluded.user_id, updated_at = excluded.updated_at`,
    [input.orgId, input.id, input.state, input.reason, input.until, input.userId, input.now],
  );
}

export async function clearUserState(tx: Queryable, orgId: string, id: string): Promise<number> {
  return tx.execute('DELETE FROM recommendation_states WHERE org_id = $1 AND recommendation_id = $2', [
    orgId,
    id,
  ]);
}

export async function loadOrgSettings(
  q: Queryable,
  orgId: string,
): Promise<Record<string, Record<string, unknown>>> {
  const rows = await q.query<{ rule: string; settings: string }>(
    'SELECT rule, settings FROM recommendation_settings WHERE org_id = $1',
    [orgId],
  );
  return Object.fromEntries(rows.map((r) => [r.rule, JSON.parse(r.settings) as Record<string, unknown>]));
}

export async function saveOrgSettings(
  tx: Queryable,
  input: { orgId: string; rule: string; settings: Record<string, unknown>; userId: string; now: Date },
): Promise<void> {
  await tx.execute(
    `INSERT INTO recommendation_settings (org_id, rule, settings, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, rule) DO UPDATE SET settings = excluded.settings, updated_by = excluded.updated_by,
       updated_at = excluded.updated_at`,
    [input.orgId, input.rule, JSON.stringify(input.settings), input.userId, input.now],
  );
}
