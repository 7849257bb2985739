/**
 * Commitments read from the line items of a CUR export (CUR 2.0 or legacy; both arrive with the same canonical
 * columns): AWS's line types say what each line is to a commitment (AWS-FACTS §3).
 * - DiscountedUsage / SavingsPlanCoveredUsage: usage a commitment paid for; its effective cost is the part of the
 *   commitment used, its public on-demand cost what the usage would have cost without it.
 * - RIFee / SavingsPlanRecurringFee: the commitment's own charge; its effective cost is the unused part.
 * - The fee lines carry the commitment's terms in `x_provider_columns` (focus-mapping.ts, COMMITMENT_COLUMNS).
 */
import type {
  CommitmentReader,
  CoverageSums,
  DaySums,
  MonthSums,
  OnDemandDay,
} from '../../../commitments/commitment-types.js';
import type { Dialect, Queryable, SqlParam } from '../../../store/store.js';
import { assembleTerms, type FeeMonth, type TermsRow } from './commitment-terms.js';

const COVERED = `x_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage')`;
const FEE = `x_line_item_type IN ('RIFee', 'SavingsPlanRecurringFee')`;
const UPFRONT = `(x_line_item_type = 'SavingsPlanUpfrontFee' OR (x_line_item_type = 'Fee' AND commitment_discount_id IS NOT NULL))`;
/** Public on-demand cost; an export without the column has only the billed cost. */
const ON_DEMAND = 'coalesce(list_cost, billed_cost)';
const num = (sql: string) => `CAST(${sql} AS DOUBLE PRECISION)`;
const kindOf = (label: string | null): MonthSums['kind'] =>
  label === 'Savings Plan' ? 'savings_plan' : 'reservation';

/**
 * Usage a commitment can cover, by usage type: EC2 instances (BoxUsage), RDS (InstanceUsage, Multi-AZUsage),
 * ElastiCache (NodeUsage), Redshift (Node:), OpenSearch (ESInstance), and Fargate and Lambda (Compute Savings Plans).
 */
const ELIGIBLE_USAGE = [
  '%BoxUsage%',
  '%InstanceUsage%',
  '%Multi-AZUsage%',
  '%NodeUsage%',
  '%Node:%',
  '%ESInstance%',
  '%Fargate-vCPU-Hours%',
  '%Fargate-GB-Hours%',
  '%Lambda-GB-Second%',
];
const ELIGIBLE = `(${COVERED} OR (x_line_item_type = 'Usage' AND (${ELIGIBLE_USAGE.map((p) => `x_usage_type LIKE '${p}'`).join(' OR ')})))`;
/** Usage a Compute Savings Plan covers (what to buy): EC2 instances, Fargate, Lambda. */
const COMPUTE_USAGE = `(x_usage_type LIKE '%BoxUsage%' OR x_usage_type LIKE '%Fargate-%' OR x_usage_type LIKE '%Lambda-GB-Second%')`;

const text = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v ?? ''));

export function createCurCommitmentReader(store: Queryable & { dialect: Dialect }): CommitmentReader {
  async function feeMonths(orgId: string, from: string, to: string): Promise<FeeMonth[]> {
    const params: SqlParam[] = [orgId, from, to];
    const bind = (v: SqlParam) => {
      params.push(v);
      return `$${params.length}`;
    };
    const upfrontJson = store.dialect.jsonText(
      'x_provider_columns',
      'reservation_amortized_upfront_fee_for_billing_period',
      bind,
    );
    const rows = await store.query<Record<string, unknown>>(
      `SELECT cloud_account_id, commitment_discount_id AS id, max(commitment_discount_type) AS kind,
         CAST(billing_period AS VARCHAR) AS period,
         ${num(`sum(CASE WHEN ${COVERED} THEN effective_cost ELSE 0 END)`)} AS used,
         ${num(`sum(CASE WHEN ${FEE} THEN effective_cost ELSE 0 END)`)} AS unused,
         ${num(`sum(CASE WHEN ${COVERED} THEN ${ON_DEMAND} ELSE 0 END)`)} AS on_demand,
         ${num(`sum(CASE WHEN x_line_item_type = 'DiscountedUsage' THEN consumed_quantity ELSE 0 END)`)} AS used_hours,
         ${num(`sum(CASE WHEN ${FEE} THEN consumed_quantity ELSE 0 END)`)} AS fee_hours,
         ${num(`sum(CASE WHEN ${FEE} THEN billed_cost ELSE 0 END)`)} AS fee_billed,
         ${num(`sum(CASE WHEN ${UPFRONT} THEN billed_cost ELSE 0 END)`)} AS upfront_billed,
         sum(CASE WHEN x_line_item_type = 'RIFee' THEN CAST(${upfrontJson} AS DOUBLE PRECISION) END) AS amortized_upfront,
         min(billing_currency) AS currency
       FROM cost_line_items
       WHERE org_id = $1 AND commitment_discount_id IS NOT NULL
         AND billing_period >= CAST($2 AS DATE) AND billing_period <= CAST($3 AS DATE)
       GROUP BY cloud_account_id, commitment_discount_id, billing_period
       ORDER BY cloud_account_id, commitment_discount_id, billing_period`,
      params,
    );
    return rows.map((r) => ({
      cloudAccountId: String(r.cloud_account_id),
      commitmentId: String(r.id),
      kind: kindOf(r.kind as string | null),
      period: text(r.period).slice(0, 7),
      used: Number(r.used),
      unused: Number(r.unused),
      onDemand: Number(r.on_demand),
      usedHours: Number(r.used_hours),
      feeHours: Number(r.fee_hours),
      feeBilled: Number(r.fee_billed),
      upfrontBilled: Number(r.upfront_billed),
      amortizedUpfront: r.amortized_upfront === null ? null : Number(r.amortized_upfront),
      currency: String(r.currency ?? 'USD'),
    }));
  }

  return {
    async terms(orgId) {
      const params: SqlParam[] = [orgId];
      const bind = (v: SqlParam) => {
        params.push(v);
        return `$${params.length}`;
      };
      const json = (key: string) =>
        `max(${store.dialect.jsonText('x_provider_columns', key, bind)}) AS ${key}`;
      const keys = [
        'reservation_start_time',
        'reservation_end_time',
        'reservation_number_of_reservations',
        'pricing_purchase_option',
        'pricing_lease_contract_length',
        'savings_plan_start_time',
        'savings_plan_end_time',
        'savings_plan_offering_type',
        'savings_plan_payment_option',
        'savings_plan_purchase_term',
        'savings_plan_region',
      ];
      const rows = await store.query<TermsRow & Record<string, unknown>>(
        `SELECT cloud_account_id, commitment_discount_id AS id, max(commitment_discount_type) AS kind,
           max(CASE WHEN ${FEE} THEN sub_account_id END) AS owner,
           max(CASE WHEN x_line_item_type = 'RIFee' THEN region_id END) AS region,
           max(CASE WHEN x_line_item_type = 'RIFee' THEN x_instance_type END) AS instance_type,
           max(CASE WHEN x_line_item_type = 'RIFee' THEN service_code END) AS service_code,
           ${keys.map(json).join(',\n           ')}
         FROM cost_line_items
         WHERE org_id = $1 AND commitment_discount_id IS NOT NULL AND (${FEE} OR ${UPFRONT} OR ${COVERED})
         GROUP BY cloud_account_id, commitment_discount_id
         ORDER BY cloud_account_id, commitment_discount_id`,
        params,
      );
      const months = await feeMonths(orgId, '0001-01-01', '9999-12-01');
      return assembleTerms(rows, months);
    },

    async months(orgId, from, to) {
      return (await feeMonths(orgId, from, to)).map((m): MonthSums => ({
        cloudAccountId: m.cloudAccountId,
        commitmentId: m.commitmentId,
        kind: m.kind,
        period: m.period,
        used: m.used,
        unused: m.unused,
        onDemandEquivalent: m.onDemand,
        purchasedHours: m.kind === 'reservation' ? m.feeHours : null,
        usedHours: m.kind === 'reservation' ? m.usedHours : null,
        currency: m.currency,
      }));
    },

    async coverage(orgId, from, to) {
      const rows = await store.query<Record<string, unknown>>(
        `SELECT cloud_account_id, CAST(billing_period AS VARCHAR) AS period, service_code, sub_account_id,
           region_id, x_instance_type,
           ${num(`sum(CASE WHEN ${COVERED} THEN ${ON_DEMAND} ELSE 0 END)`)} AS covered,
           ${num(`sum(CASE WHEN x_line_item_type = 'Usage' THEN ${ON_DEMAND} ELSE 0 END)`)} AS on_demand,
           min(billing_currency) AS currency
         FROM cost_line_items
         WHERE org_id = $1 AND billing_period >= CAST($2 AS DATE) AND billing_period <= CAST($3 AS DATE)
           AND ${ELIGIBLE}
         GROUP BY cloud_account_id, billing_period, service_code, sub_account_id, region_id, x_instance_type
         ORDER BY 1, 2, 3, 4, 5, 6`,
        [orgId, from, to],
      );
      return rows.map((r): CoverageSums => ({
        cloudAccountId: String(r.cloud_account_id),
        period: text(r.period).slice(0, 7),
        service: String(r.service_code ?? ''),
        awsAccountId: String(r.sub_account_id ?? ''),
        region: String(r.region_id ?? ''),
        instanceType: String(r.x_instance_type ?? ''),
        covered: Number(r.covered),
        onDemand: Number(r.on_demand),
        currency: String(r.currency ?? 'USD'),
      }));
    },

    async days(orgId, from, to) {
      const rows = await store.query<Record<string, unknown>>(
        `SELECT cloud_account_id, commitment_discount_id AS id, max(commitment_discount_type) AS kind,
           CAST(usage_date AS VARCHAR) AS day,
           ${num(`sum(CASE WHEN ${COVERED} THEN effective_cost ELSE 0 END)`)} AS used,
           ${num(`sum(CASE WHEN x_line_item_type = 'SavingsPlanRecurringFee' THEN effective_cost ELSE 0 END)`)} AS unused,
           ${num(`sum(CASE WHEN ${COVERED} THEN ${ON_DEMAND} ELSE 0 END)`)} AS on_demand,
           ${num(`sum(CASE WHEN x_line_item_type = 'DiscountedUsage' THEN consumed_quantity ELSE 0 END)`)} AS used_hours,
           min(billing_currency) AS currency
         FROM cost_line_items
         WHERE org_id = $1 AND commitment_discount_id IS NOT NULL
           AND usage_date >= CAST($2 AS DATE) AND usage_date < CAST($3 AS DATE)
           AND x_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage', 'SavingsPlanRecurringFee')
         GROUP BY cloud_account_id, commitment_discount_id, usage_date
         ORDER BY 1, 2, 4`,
        [orgId, from, to],
      );
      return rows.map((r): DaySums => ({
        cloudAccountId: String(r.cloud_account_id),
        commitmentId: String(r.id),
        kind: kindOf(r.kind as string | null),
        day: text(r.day).slice(0, 10),
        used: Number(r.used),
        unused: Number(r.unused),
        onDemandEquivalent: Number(r.on_demand),
        usedHours: Number(r.used_hours),
        currency: String(r.currency ?? 'USD'),
      }));
    },

    async onDemandDaily(orgId, from, to) {
      const rows = await store.query<Record<string, unknown>>(
        `SELECT sub_account_id, CAST(usage_date AS VARCHAR) AS day,
           ${num(`sum(CASE WHEN x_line_item_type = 'Usage' THEN ${ON_DEMAND} ELSE 0 END)`)} AS on_demand,
           ${num(`sum(CASE WHEN ${COVERED} THEN ${ON_DEMAND} ELSE 0 END)`)} AS covered,
           min(billing_currency) AS currency
         FROM cost_line_items
         WHERE org_id = $1 AND usage_date >= CAST($2 AS DATE) AND usage_date < CAST($3 AS DATE)
           AND x_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage') AND ${COMPUTE_USAGE}
         GROUP BY sub_account_id, usage_date
         ORDER BY 1, 2`,
        [orgId, from, to],
      );
      return rows.map((r): OnDemandDay => ({
        awsAccountId: String(r.sub_account_id ?? ''),
        day: text(r.day).slice(0, 10),
        onDemand: Number(r.on_demand),
        covered: Number(r.covered),
        currency: String(r.currency ?? 'USD'),
      }));
    },
  };
}
