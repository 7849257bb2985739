/**
 * The commitments of accounts whose bill comes from the Cost Explorer API (tables `commitment_months` and
 * `commitment_coverage`, migration 36): a sync replaces an account's rows of the months it asked about.
 */
import type { Queryable, SqlParam } from '../store/store.js';
import type { CommitmentTerms, CoverageSums, StoredMonth } from './commitment-types.js';

export type { StoredMonth } from './commitment-types.js';

const text = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v ?? ''));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const MONTH_COLUMNS = [
  'org_id',
  'cloud_account_id',
  'commitment_id',
  'period',
  'kind',
  'commitment_type',
  'aws_account_id',
  'region',
  'instance_type',
  'instance_count',
  'hourly_commitment',
  'payment_option',
  'term_years',
  'start_time',
  'end_time',
  'upfront_fee',
  'recurring_hourly_fee',
  'committed',
  'used',
  'unused',
  'on_demand_equivalent',
  'purchased_hours',
  'used_hours',
  'currency',
  'loaded_at',
];

const COVERAGE_COLUMNS = [
  'org_id',
  'cloud_account_id',
  'period',
  'service_code',
  'aws_account_id',
  'region',
  'instance_family',
  'covered',
  'on_demand',
  'currency',
  'loaded_at',
];

function insertSql(table: string, columns: readonly string[], rows: number): string {
  const values: string[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * columns.length;
    values.push(
      `(${columns.map((c, i) => (c === 'period' ? `CAST($${base + i + 1} AS DATE)` : `$${base + i + 1}`)).join(', ')})`,
    );
  }
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`;
}

export function createCommitmentStore(store: Queryable) {
  return {
    /** Replaces one connection's months `[from, to]` (`YYYY-MM-01`) with the given rows, in the caller's transaction. */
    async replace(
      tx: Queryable,
      input: {
        orgId: string;
        cloudAccountId: string;
        from: string;
        to: string;
        months: readonly StoredMonth[];
        coverage: readonly CoverageSums[];
        loadedAt: Date;
      },
    ): Promise<void> {
      const { orgId, cloudAccountId, from, to, loadedAt } = input;
      for (const table of ['commitment_months', 'commitment_coverage']) {
        await tx.execute(
          `DELETE FROM ${table} WHERE org_id = $1 AND cloud_account_id = $2
             AND period >= CAST($3 AS DATE) AND period <= CAST($4 AS DATE)`,
          [orgId, cloudAccountId, from, to],
        );
      }
      for (const m of input.months) {
        const t = m.terms;
        const values: SqlParam[] = [
          orgId,
          cloudAccountId,
          m.commitmentId,
          `${m.period}-01`,
          m.kind,
          t.type,
          t.awsAccountId,
          t.region,
          t.instanceType,
          t.count,
          t.hourlyCommitment,
          t.paymentOption,
          t.termYears,
          t.start,
          t.end,
          t.upfrontFee,
          t.recurringHourlyFee,
          m.used + m.unused,
          m.used,
          m.unused,
          m.onDemandEquivalent,
          m.purchasedHours,
          m.usedHours,
          m.currency,
          loadedAt,
        ];
        await tx.execute(insertSql('commitment_months', MONTH_COLUMNS, 1), values);
      }
      for (const c of input.coverage) {
        await tx.execute(insertSql('commitment_coverage', COVERAGE_COLUMNS, 1), [
          orgId,
          cloudAccountId,
          `${c.period}-01`,
          c.service,
          c.awsAccountId,
          c.region,
          c.instanceType,
          c.covered,
          c.onDemand,
          c.currency,
          loadedAt,
        ]);
      }
    },

    /** Stored months of `[from, to]` (`YYYY-MM-01`), every connection. */
    async months(orgId: string, from: string, to: string): Promise<StoredMonth[]> {
      const rows = await store.query<Record<string, unknown>>(
        `SELECT *, CAST(period AS VARCHAR) AS period_text FROM commitment_months
         WHERE org_id = $1 AND period >= CAST($2 AS DATE) AND period <= CAST($3 AS DATE)
         ORDER BY cloud_account_id, commitment_id, period`,
        [orgId, from, to],
      );
      return rows.map((r) => ({
        cloudAccountId: String(r.cloud_account_id),
        commitmentId: String(r.commitment_id),
        kind: r.kind === 'savings_plan' ? 'savings_plan' : 'reservation',
        period: text(r.period_text).slice(0, 7),
        used: Number(r.used),
        unused: Number(r.unused),
        onDemandEquivalent: Number(r.on_demand_equivalent),
        purchasedHours: numOrNull(r.purchased_hours),
        usedHours: numOrNull(r.used_hours),
        currency: String(r.currency),
        terms: {
          type: String(r.commitment_type),
          awsAccountId: strOrNull(r.aws_account_id),
          region: strOrNull(r.region),
          instanceType: strOrNull(r.instance_type),
          count: numOrNull(r.instance_count),
          hourlyCommitment: numOrNull(r.hourly_commitment),
          paymentOption: strOrNull(r.payment_option) as CommitmentTerms['paymentOption'],
          termYears: numOrNull(r.term_years),
          start: strOrNull(r.start_time),
          end: strOrNull(r.end_time),
          upfrontFee: numOrNull(r.upfront_fee),
          recurringHourlyFee: numOrNull(r.recurring_hourly_fee),
        },
      }));
    },

    /** Stored coverage of `[from, to]`; `instanceType` holds the family Cost Explorer grouped by. */
    async coverage(orgId: string, from: string, to: string): Promise<CoverageSums[]> {
      const rows = await store.query<Record<string, unknown>>(
        `SELECT cloud_account_id, CAST(period AS VARCHAR) AS period, service_code, aws_account_id, region,
           instance_family, covered, on_demand, currency
         FROM commitment_coverage
         WHERE org_id = $1 AND period >= CAST($2 AS DATE) AND period <= CAST($3 AS DATE)
         ORDER BY 1, 2, 3, 4, 5, 6`,
        [orgId, from, to],
      );
      return rows.map((r) => ({
        cloudAccountId: String(r.cloud_account_id),
        period: text(r.period).slice(0, 7),
        service: String(r.service_code),
        awsAccountId: String(r.aws_account_id),
        region: String(r.region),
        instanceType: String(r.instance_family),
        covered: Number(r.covered),
        onDemand: Number(r.on_demand),
        currency: String(r.currency),
      }));
    },

    /** Whether the connection has any stored month. */
    async hasMonths(orgId: string, cloudAccountId: string): Promise<boolean> {
      const rows = await store.query<{ n: unknown }>(
        'SELECT COUNT(*) AS n FROM commitment_months WHERE org_id = $1 AND cloud_account_id = $2',
        [orgId, cloudAccountId],
      );
      return Number(rows[0]?.n ?? 0) > 0;
    },

    /** Removes a connection's rows (the account is removed). */
    async deleteAccount(tx: Queryable, orgId: string, cloudAccountId: string): Promise<void> {
      for (const table of ['commitment_months', 'commitment_coverage']) {
        await tx.execute(`DELETE FROM ${table} WHERE org_id = $1 AND cloud_account_id = $2`, [
          orgId,
          cloudAccountId,
        ]);
      }
    },
  };
}

export type CommitmentStore = ReturnType<typeof createCommitmentStore>;
