/**
 * Commitment utilization from the Cost Explorer API, for connections whose bill comes from it (no CUR lines):
 * - savings plans: `GetSavingsPlansUtilization` (one request, to find the months with plans) and
 *   `GetSavingsPlansUtilizationDetails` per such month (one entry per plan, with its attributes);
 * - reserved instances: `GetReservationUtilization` grouped by SUBSCRIPTION_ID, monthly, filtered on the services
 *   that sell reservations (EC2, RDS, ElastiCache, OpenSearch, Redshift; without the filter it answers EC2 only):
 *   one group per reservation and month, with its attributes and amortized fees.
 * Used, unused and on-demand equivalent follow AWS's definitions (commitment-types.ts, CommitmentMonth).
 */
import {
  GetReservationUtilizationCommand,
  GetSavingsPlansUtilizationCommand,
  GetSavingsPlansUtilizationDetailsCommand,
  type CostExplorerClient,
  type ReservationAggregates,
} from '@aws-sdk/client-cost-explorer';
import type { StoredMonth } from '../../../commitments/commitment-types.js';
import { withAwsRetry } from '../sdk/retry.js';

export type CeSender = Pick<CostExplorerClient, 'send'>;

/** What a reader needs: the Cost Explorer client, the months `[from, to)` (`YYYY-MM-DD`), a request counter. */
export interface CeRange {
  ce: CeSender;
  from: string;
  to: string;
  signal?: AbortSignal;
  /** Called once per request (each costs $0.01). */
  counted: () => void;
}

export const amount = (v: string | undefined): number => {
  const n = Number(v);
  return v === undefined || v === '' || !Number.isFinite(n) ? 0 : n;
};

/** An instant as ISO (`…T00:00:00.000Z`), or null. */
export const isoOrNull = (v: string | undefined): string | null => {
  if (!v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};

/** `1 Year`, `3 Years`, `1yr` → 1, 3. */
export const yearsOf = (v: string | undefined): number | null => {
  const m = /^(\d+)/.exec(v ?? '');
  return m ? Number(m[1]) : null;
};

export const paymentOf = (v: string | undefined): StoredMonth['terms']['paymentOption'] => {
  const s = (v ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (s === 'noupfront') return 'No Upfront';
  if (s === 'partialupfront') return 'Partial Upfront';
  if (s === 'allupfront') return 'All Upfront';
  return null;
};

/** Months `[from, to)` as `{ start, end }` (the last may be partial). */
export function monthsOf(from: string, to: string): Array<{ start: string; end: string }> {
  const out: Array<{ start: string; end: string }> = [];
  let d = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
  while (d.toISOString().slice(0, 10) < to) {
    const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    const start = d.toISOString().slice(0, 10);
    out.push({ start: start < from ? from : start, end: next < to ? next : to });
    d = new Date(`${next}T00:00:00Z`);
  }
  return out;
}

async function call<T>(r: CeRange, run: () => Promise<T>): Promise<T> {
  return withAwsRetry(
    () => {
      r.counted();
      return run();
    },
    { signal: r.signal },
  );
}

/** Savings plans per month: one entry per plan and month it was active in. */
export async function savingsPlanMonths(r: CeRange): Promise<StoredMonth[]> {
  const overview = await call(r, () =>
    r.ce.send(
      new GetSavingsPlansUtilizationCommand({
        TimePeriod: { Start: r.from, End: r.to },
        Granularity: 'MONTHLY',
      }),
      { abortSignal: r.signal },
    ),
  );
  const withPlans = new Set(
    (overview.SavingsPlansUtilizationsByTime ?? [])
      .filter((t) => amount(t.Utilization?.TotalCommitment) > 0)
      .map((t) => (t.TimePeriod?.Start ?? '').slice(0, 7)),
  );
  const out: StoredMonth[] = [];
  for (const m of monthsOf(r.from, r.to).filter((x) => withPlans.has(x.start.slice(0, 7)))) {
    let token: string | undefined;
    do {
      const page = await call(r, () =>
        r.ce.send(
          new GetSavingsPlansUtilizationDetailsCommand({
            TimePeriod: { Start: m.start, End: m.end },
            NextToken: token,
          }),
          { abortSignal: r.signal },
        ),
      );
      for (const d of page.SavingsPlansUtilizationDetails ?? []) {
        if (!d.SavingsPlanArn) continue;
        const a = d.Attributes ?? {};
        const used = amount(d.Utilization?.UsedCommitment);
        const total = amount(d.Utilization?.TotalCommitment);
        const unused = d.Utilization?.UnusedCommitment
          ? amount(d.Utilization.UnusedCommitment)
          : total - used;
        const hourly = a.RecurringHourlyFee ? amount(a.RecurringHourlyFee) : null;
        out.push({
          cloudAccountId: '',
          commitmentId: d.SavingsPlanArn,
          kind: 'savings_plan',
          period: m.start.slice(0, 7),
          used,
          unused,
          onDemandEquivalent: amount(d.Savings?.OnDemandCostEquivalent),
          purchasedHours: null,
          usedHours: null,
          currency: 'USD',
          terms: {
            type: a.SavingsPlansType ?? 'SavingsPlans',
            awsAccountId: a.AccountId ?? d.SavingsPlanArn.split(':')[4] ?? null,
            region: a.Region ? a.Region : null,
            instanceType: a.InstanceFamily ? a.InstanceFamily : null,
            count: null,
            hourlyCommitment: hourly,
            paymentOption: paymentOf(a.PaymentOption),
            termYears: yearsOf(a.Term),
            start: isoOrNull(a.StartDateTime),
            end: isoOrNull(a.EndDateTime),
            upfrontFee: a.UpfrontFee !== undefined ? amount(a.UpfrontFee) : null,
            recurringHourlyFee: hourly,
          },
        });
      }
      token = page.NextToken;
    } while (token);
  }
  return out;
}

/** The reservation's service from its instance type (RDS `db.`, ElastiCache `cache.`, OpenSearch `.search`). */
export function reservationTypeOf(instanceType: string): string {
  if (instanceType.startsWith('db.')) return 'RDS';
  if (instanceType.startsWith('cache.')) return 'ElastiCache';
  if (instanceType.endsWith('.search') || instanceType.endsWith('.elasticsearch')) return 'OpenSearch';
  if (/^(ra3|dc2|ds2)\./.test(instanceType)) return 'Redshift';
  return 'EC2';
}

/** The reservation's ARN as the CUR names it, so that a commitment has one ID whichever source read it. */
export function reservationArn(type: string, region: string, accountId: string, id: string): string {
  if (type === 'RDS') return `arn:aws:rds:${region}:${accountId}:ri:${id}`;
  if (type === 'ElastiCache') return `arn:aws:elasticache:${region}:${accountId}:reserved-instance:${id}`;
  if (type === 'OpenSearch') return `arn:aws:es:${region}:${accountId}:reserved-instance/${id}`;
  if (type === 'Redshift') return `arn:aws:redshift:${region}:${accountId}:reserved-node/${id}`;
  return `arn:aws:ec2:${region}:${accountId}:reserved-instances/${id}`;
}

/** The product code (as the CUR writes it) of a reservation type's usage. */
export const RESERVATION_PRODUCT: Record<string, string> = {
  EC2: 'AmazonEC2',
  RDS: 'AmazonRDS',
  ElastiCache: 'AmazonElastiCache',
  OpenSearch: 'AmazonES',
  Redshift: 'AmazonRedshift',
};

/**
 * Cost Explorer's reservation calls answer EC2 only unless a SERVICE filter names the services (its values are
 * OR'd): every service that sells reservations, in one request.
 */
export const RESERVATION_SERVICES_FILTER = {
  Dimensions: {
    Key: 'SERVICE' as const,
    Values: [
      'Amazon Elastic Compute Cloud - Compute',
      'Amazon Relational Database Service',
      'Amazon ElastiCache',
      'Amazon OpenSearch Service',
      'Amazon Redshift',
    ],
  },
};

function reservationMonth(period: string, a: Record<string, string>, u: ReservationAggregates): StoredMonth {
  const instanceType = a.instanceType ?? '';
  const type = reservationTypeOf(instanceType);
  const id = a.leaseId ?? a.subscriptionId ?? '';
  const fees = amount(u.TotalAmortizedFee);
  const unused = amount(u.RICostForUnusedHours);
  return {
    cloudAccountId: '',
    commitmentId: reservationArn(type, a.region ?? '', a.accountId ?? '', id),
    kind: 'reservation',
    period,
    used: fees - unused,
    unused,
    onDemandEquivalent: amount(u.OnDemandCostOfRIHoursUsed),
    purchasedHours: amount(u.PurchasedHours),
    usedHours: amount(u.TotalActualHours),
    currency: 'USD',
    terms: {
      type,
      awsAccountId: a.accountId ?? null,
      region: a.region ?? null,
      instanceType: instanceType || null,
      count: a.numberOfInstances ? Number(a.numberOfInstances) : null,
      hourlyCommitment: null,
      paymentOption: paymentOf(a.subscriptionType),
      termYears: yearsOf(a.term),
      start: isoOrNull(a.startDateTime),
      end: isoOrNull(a.endDateTime),
      upfrontFee: a.upfrontCost !== undefined ? amount(a.upfrontCost) : null,
      recurringHourlyFee: a.recurringCharge !== undefined ? amount(a.recurringCharge) : null,
    },
  };
}

/** Reserved instances per month: one group per reservation and month (GroupBy SUBSCRIPTION_ID). */
export async function reservationMonths(r: CeRange): Promise<StoredMonth[]> {
  const out: StoredMonth[] = [];
  let token: string | undefined;
  do {
    const page = await call(r, () =>
      r.ce.send(
        new GetReservationUtilizationCommand({
          TimePeriod: { Start: r.from, End: r.to },
          Granularity: 'MONTHLY',
          GroupBy: [{ Type: 'DIMENSION', Key: 'SUBSCRIPTION_ID' }],
          Filter: RESERVATION_SERVICES_FILTER,
          NextPageToken: token,
        }),
        { abortSignal: r.signal },
      ),
    );
    for (const t of page.UtilizationsByTime ?? []) {
      const period = (t.TimePeriod?.Start ?? '').slice(0, 7);
      for (const g of t.Groups ?? []) {
        if (!g.Utilization || amount(g.Utilization.PurchasedHours) <= 0) continue;
        out.push(reservationMonth(period, g.Attributes ?? {}, g.Utilization));
      }
    }
    token = page.NextPageToken;
  } while (token);
  return out;
}
