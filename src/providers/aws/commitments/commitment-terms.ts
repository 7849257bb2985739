/**
 * A commitment's terms from its CUR lines: what the export states (start, end, offering, payment, term, count)
 * and, where a column is missing, what its fee lines imply (count from purchased hours, fees from the rates
 * billed, term from the dates).
 */
import type { CommitmentKind, CommitmentTerms } from '../../../commitments/commitment-types.js';

export interface TermsRow {
  cloud_account_id: string;
  id: string;
  kind: string | null;
  owner: string | null;
  region: string | null;
  instance_type: string | null;
  service_code: string | null;
  reservation_start_time: string | null;
  reservation_end_time: string | null;
  reservation_number_of_reservations: string | null;
  pricing_purchase_option: string | null;
  pricing_lease_contract_length: string | null;
  savings_plan_start_time: string | null;
  savings_plan_end_time: string | null;
  savings_plan_offering_type: string | null;
  savings_plan_payment_option: string | null;
  savings_plan_purchase_term: string | null;
  savings_plan_region: string | null;
}

/** One commitment's fee-line sums over one billing period. */
export interface FeeMonth {
  cloudAccountId: string;
  commitmentId: string;
  kind: CommitmentKind;
  period: string;
  used: number;
  unused: number;
  onDemand: number;
  usedHours: number;
  /** Hours of the RIFee (instance-hours purchased) or SavingsPlanRecurringFee lines. */
  feeHours: number;
  feeBilled: number;
  upfrontBilled: number;
  amortizedUpfront: number | null;
  currency: string;
}

/** Reserved instance types by the product code of their fee line. */
const RI_TYPES: Record<string, string> = {
  AmazonEC2: 'EC2',
  AmazonRDS: 'RDS',
  AmazonElastiCache: 'ElastiCache',
  AmazonES: 'OpenSearch',
  AmazonOpenSearchService: 'OpenSearch',
  AmazonRedshift: 'Redshift',
  AmazonMemoryDB: 'MemoryDB',
  AmazonDynamoDB: 'DynamoDB',
};

const YEAR_MS = 365 * 86_400_000;

/** An instant as ISO text; CUR writes UTC with or without `T`/`Z`. */
export function isoInstant(v: string | null): string | null {
  if (!v) return null;
  const t = v.trim().replace(' ', 'T');
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function termYears(text: string | null, start: string | null, end: string | null): number | null {
  const m = text ? /(\d+)\s*(yr|year)/i.exec(text) : null;
  if (m) return Number(m[1]);
  if (!start || !end) return null;
  return Math.round((Date.parse(end) - Date.parse(start)) / YEAR_MS);
}

function paymentOption(
  text: string | null,
  upfront: number,
  recurring: number,
): CommitmentTerms['paymentOption'] {
  const t = (text ?? '').toLowerCase();
  if (t.includes('partial')) return 'Partial Upfront';
  if (t.includes('all')) return 'All Upfront';
  if (t.includes('no')) return 'No Upfront';
  if (upfront > 0) return recurring > 0 ? 'Partial Upfront' : 'All Upfront';
  return recurring > 0 ? 'No Upfront' : null;
}

/** Hours of `[start, end)` that fall in the month `YYYY-MM`. */
function activeHours(period: string, start: string, end: string): number {
  const p0 = Date.parse(`${period}-01T00:00:00Z`);
  const d = new Date(p0);
  const p1 = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Math.max(0, Math.min(p1, Date.parse(end)) - Math.max(p0, Date.parse(start))) / 3_600_000;
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** The terms of every commitment, from its grouped attributes and its months' fee sums. */
export function assembleTerms(rows: readonly TermsRow[], months: readonly FeeMonth[]): CommitmentTerms[] {
  const byId = new Map<string, FeeMonth[]>();
  for (const m of months) {
    const k = `${m.cloudAccountId}|${m.commitmentId}`;
    byId.set(k, [...(byId.get(k) ?? []), m]);
  }
  return rows.map((r) => {
    const ms = byId.get(`${r.cloud_account_id}|${r.id}`) ?? [];
    const kind: CommitmentKind = r.kind === 'Savings Plan' ? 'savings_plan' : 'reservation';
    const sp = kind === 'savings_plan';
    const start = isoInstant(sp ? r.savings_plan_start_time : r.reservation_start_time);
    const end = isoInstant(sp ? r.savings_plan_end_time : r.reservation_end_time);
    const years = termYears(sp ? r.savings_plan_purchase_term : r.pricing_lease_contract_length, start, end);
    const sum = (f: (m: FeeMonth) => number) => ms.reduce((a, m) => a + f(m), 0);
    const feeHours = sum((m) => m.feeHours);
    const recurring = feeHours > 0 ? sum((m) => m.feeBilled) / feeHours : 0;
    const upfrontBilled = sum((m) => m.upfrontBilled);
    const currency = ms[0]?.currency ?? 'USD';
    const base = {
      id: r.id,
      kind,
      cloudAccountId: r.cloud_account_id,
      awsAccountId: r.owner,
      termYears: years,
      start,
      end,
      currency,
      source: 'bill' as const,
    };
    if (sp) {
      const committed = sum((m) => m.used + m.unused);
      return {
        ...base,
        type: r.savings_plan_offering_type ?? 'SavingsPlans',
        region: r.savings_plan_region,
        instanceType: null,
        count: null,
        hourlyCommitment: feeHours > 0 ? round(committed / feeHours, 6) : null,
        paymentOption: paymentOption(r.savings_plan_payment_option, upfrontBilled, recurring),
        upfrontFee: round(upfrontBilled, 2),
        recurringHourlyFee: round(recurring, 6),
      };
    }
    const stated = Number(r.reservation_number_of_reservations);
    let count: number | null = Number.isFinite(stated) && stated > 0 ? stated : null;
    if (count === null && start && end) {
      const perMonth = ms
        .map((m) => ({ m, h: activeHours(m.period, start, end) }))
        .filter((x) => x.h > 0 && x.m.feeHours > 0)
        .map((x) => Math.round(x.m.feeHours / x.h));
      count = perMonth.length ? Math.max(...perMonth) : null;
    }
    const amortized = ms.filter((m) => m.amortizedUpfront !== null);
    const upfrontPerHour =
      amortized.length && feeHours > 0 ? sum((m) => m.amortizedUpfront ?? 0) / feeHours : null;
    const termHours = start && end ? (Date.parse(end) - Date.parse(start)) / 3_600_000 : null;
    const upfront =
      upfrontBilled > 0
        ? upfrontBilled
        : upfrontPerHour !== null && count !== null && termHours !== null
          ? upfrontPerHour * count * termHours
          : 0;
    return {
      ...base,
      type: RI_TYPES[r.service_code ?? ''] ?? r.service_code ?? 'Reserved',
      region: r.region,
      instanceType: r.instance_type,
      count,
      hourlyCommitment: null,
      paymentOption: paymentOption(r.pricing_purchase_option, upfront, recurring),
      upfrontFee: round(upfront, 2),
      recurringHourlyFee: round(recurring, 6),
    };
  });
}
