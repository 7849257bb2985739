/**
 * Coverage of instance usage from the Cost Explorer API, per month, service, usage account, region and instance
 * family, at on-demand prices:
 * - `GetSavingsPlansCoverage` (GroupBy LINKED_ACCOUNT, REGION, INSTANCE_FAMILY) gives the EC2 spend savings plans
 *   covered and the spend that ran on demand (usage a reservation covered is not eligible to a plan);
 * - `GetReservationCoverage` (GroupBy LINKED_ACCOUNT, REGION, INSTANCE_TYPE, filtered on every service that sells
 *   reservations) gives the hours reservations covered, but no money for them: those hours are priced at the
 *   on-demand rate of the reservations of that region and type (OnDemandCostOfRIHoursUsed ÷ TotalActualHours,
 *   from the utilization), else at the group's own on-demand rate (OnDemandCost ÷ OnDemandHours). For RDS,
 *   ElastiCache, OpenSearch and Redshift (no savings plan covers them here) it also gives the on-demand spend.
 */
import { GetReservationCoverageCommand, GetSavingsPlansCoverageCommand } from '@aws-sdk/client-cost-explorer';
import type { CoverageSums, StoredMonth } from '../../../commitments/commitment-types.js';
import {
  amount,
  RESERVATION_PRODUCT,
  RESERVATION_SERVICES_FILTER,
  reservationTypeOf,
  type CeRange,
} from './ce-utilization.js';
import { withAwsRetry } from '../sdk/retry.js';

const SERVICE = 'AmazonEC2';
/** `m5.large` → `m5`, `db.r6g.xlarge` → `db.r6g`, `cache.t4g.medium` → `cache.t4g` (as the CUR path groups). */
export function familyOf(instanceType: string): string {
  const parts = instanceType.split('.');
  return ['db', 'cache'].includes(parts[0]) && parts.length > 2
    ? `${parts[0]}.${parts[1]}`
    : (parts[0] ?? '');
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

/** On-demand rate per hour of reserved usage, by `period|region|instanceType`, from the reservations' months. */
function reservedRates(reservations: readonly StoredMonth[]): Map<string, number> {
  const acc = new Map<string, { cost: number; hours: number }>();
  for (const m of reservations) {
    if (!m.usedHours) continue;
    const k = `${m.period}|${m.terms.region ?? ''}|${m.terms.instanceType ?? ''}`;
    const a = acc.get(k) ?? { cost: 0, hours: 0 };
    a.cost += m.onDemandEquivalent;
    a.hours += m.usedHours;
    acc.set(k, a);
  }
  return new Map([...acc].map(([k, a]) => [k, a.cost / a.hours]));
}

/**
 * EC2 coverage of `[from, to)`; `reservations` are the reservation months read from the utilization (for the
 * on-demand rate of reserved hours).
 */
export async function coverageFromCostExplorer(
  r: CeRange,
  reservations: readonly StoredMonth[],
): Promise<CoverageSums[]> {
  const rows = new Map<string, CoverageSums>();
  const row = (
    period: string,
    account: string,
    region: string,
    family: string,
    service = SERVICE,
  ): CoverageSums => {
    const k = [period, service, account, region, family].join('|');
    let c = rows.get(k);
    if (!c) {
      c = {
        cloudAccountId: '',
        period,
        service,
        awsAccountId: account,
        region,
        instanceType: family,
        covered: 0,
        onDemand: 0,
        currency: 'USD',
      };
      rows.set(k, c);
    }
    return c;
  };

  let token: string | undefined;
  do {
    const page = await call(r, () =>
      r.ce.send(
        new GetSavingsPlansCoverageCommand({
          TimePeriod: { Start: r.from, End: r.to },
          Granularity: 'MONTHLY',
          GroupBy: [
            { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
            { Type: 'DIMENSION', Key: 'REGION' },
            { Type: 'DIMENSION', Key: 'INSTANCE_FAMILY' },
          ],
          NextToken: token,
        }),
        { abortSignal: r.signal },
      ),
    );
    for (const c of page.SavingsPlansCoverages ?? []) {
      const a = c.Attributes ?? {};
      if (!a.INSTANCE_FAMILY) continue;
      const target = row(
        (c.TimePeriod?.Start ?? '').slice(0, 7),
        a.LINKED_ACCOUNT ?? '',
        a.REGION ?? '',
        a.INSTANCE_FAMILY,
      );
      target.covered += amount(c.Coverage?.SpendCoveredBySavingsPlans);
      target.onDemand += amount(c.Coverage?.OnDemandCost);
    }
    token = page.NextToken;
  } while (token);

  const rates = reservedRates(reservations);
  token = undefined;
  do {
    const page = await call(r, () =>
      r.ce.send(
        new GetReservationCoverageCommand({
          TimePeriod: { Start: r.from, End: r.to },
          Granularity: 'MONTHLY',
          GroupBy: [
            { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
            { Type: 'DIMENSION', Key: 'REGION' },
            { Type: 'DIMENSION', Key: 'INSTANCE_TYPE' },
          ],
          Filter: RESERVATION_SERVICES_FILTER,
          NextPageToken: token,
        }),
        { abortSignal: r.signal },
      ),
    );
    for (const t of page.CoveragesByTime ?? []) {
      const period = (t.TimePeriod?.Start ?? '').slice(0, 7);
      for (const g of t.Groups ?? []) {
        const a = g.Attributes ?? {};
        const hours = g.Coverage?.CoverageHours;
        const reserved = amount(hours?.ReservedHours);
        if (!a.INSTANCE_TYPE) continue;
        const service = RESERVATION_PRODUCT[reservationTypeOf(a.INSTANCE_TYPE)] ?? SERVICE;
        const onDemandCost = amount(g.Coverage?.CoverageCost?.OnDemandCost);
        // EC2's on-demand spend came from the savings plans' coverage (which knows what plans covered).
        if (reserved <= 0 && (service === SERVICE || onDemandCost <= 0)) continue;
        const ownRate = amount(hours?.OnDemandHours) ? onDemandCost / amount(hours?.OnDemandHours) : 0;
        const rate = rates.get(`${period}|${a.REGION ?? ''}|${a.INSTANCE_TYPE}`) ?? ownRate;
        const target = row(
          period,
          a.LINKED_ACCOUNT ?? '',
          a.REGION ?? '',
          familyOf(a.INSTANCE_TYPE),
          service,
        );
        target.covered += reserved * rate;
        if (service !== SERVICE) target.onDemand += onDemandCost;
      }
    }
    token = page.NextPageToken;
  } while (token);
  return [...rows.values()];
}
