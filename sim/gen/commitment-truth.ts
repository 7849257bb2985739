import type { World } from '../world/world.js';
import type { CeRow } from './generate.js';
import { cents } from './truth.js';
import { serviceOfProduct } from '../world/reservation-services.js';
import { commitmentDays, type TruthCommitmentDay } from './commitment-days.js';

/** A commitment as the bill and the Savings Plans / EC2 APIs describe it. */
export interface TruthCommitment {
  /** Savings plan ID or reserved-instances ID. */
  id: string;
  arn: string;
  kind: 'savings_plan' | 'reservation';
  /** `ComputeSavingsPlans`, `EC2InstanceSavingsPlans`; reserved instances `EC2`, `RDS`, `ElastiCache`, … */
  type: string;
  accountId: string;
  /** '' for a savings plan (they apply in every region). */
  region: string;
  instanceType: string;
  /** Reserved instances: how many; savings plans: 0. */
  count: number;
  /** Savings plans: the hourly commitment in USD; reserved instances: 0. */
  commitmentPerHourUsd: number;
  termYears: number;
  paymentOption: 'No Upfront' | 'Partial Upfront' | 'All Upfront';
  /** ISO timestamps. */
  start: string;
  end: string;
  upfrontUsd: number;
  recurringHourlyUsd: number;
}

/**
 * One commitment over one billing period (the month's current data), USD rounded to the cent:
 * - committed: savings plans Σ `savings_plan_total_commitment_to_date` of the SavingsPlanRecurringFee lines;
 *   reserved instances the amortized cost of every purchased hour (covered usage's `reservation_effective_cost`
 *   plus the RIFee's unused upfront and recurring fee);
 * - used: Σ `savings_plan_used_commitment` / Σ `reservation_effective_cost` of the DiscountedUsage lines;
 * - unused = committed − used (the waste); utilization = used / committed in % (RIs: used / purchased hours);
 * - onDemandEquivalent: Σ `pricing_public_on_demand_cost` of the usage the commitment covered;
 * - amortized = committed; netSavings = onDemandEquivalent − amortized (AWS's net savings).
 */
export interface TruthCommitmentMonth {
  committed: number;
  used: number;
  unused: number;
  utilization: number;
  onDemandEquivalent: number;
  amortized: number;
  netSavings: number;
  /** Reserved instances only: instance-hours purchased and used (2 decimals). */
  purchasedHours?: number;
  usedHours?: number;
}

/**
 * Coverage of instance usage a commitment can cover — EC2 (`*BoxUsage:*`) and the instance (node) usage of RDS,
 * ElastiCache, OpenSearch and Redshift — per month, service (product code), usage account, region and instance
 * family, at on-demand prices: covered = usage a reservation or savings plan paid for, onDemand = the uncovered
 * usage (the coverage gap), total = both, coverage = covered / total in %.
 */
export interface TruthCoverageRow {
  period: string;
  service: string;
  accountId: string;
  region: string;
  instanceFamily: string;
  covered: number;
  onDemand: number;
  total: number;
  coverage: number;
}

export interface TruthCommitments {
  inventory: TruthCommitment[];
  /** By commitment ARN, then billing period (YYYY-MM). */
  months: Record<string, Record<string, TruthCommitmentMonth>>;
  /** By commitment ARN, then day (YYYY-MM-DD): see commitment-days.ts. */
  days: Record<string, Record<string, TruthCommitmentDay>>;
  coverage: TruthCoverageRow[];
}

const pct = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 10000) / 100 : 0;
const hours2 = (x: number): number => Math.round(x * 100) / 100;

export function commitmentInventory(world: World): TruthCommitment[] {
  const iso = (s: number): string => new Date(s * 1000).toISOString();
  const years = (start: number, end: number): number => Math.round((end - start) / (365 * 86400));
  return [
    ...world.savingsPlans.map((p): TruthCommitment => ({
      id: p.id,
      arn: p.arn,
      kind: 'savings_plan',
      type: p.type,
      accountId: p.accountId,
      region: '',
      instanceType: '',
      count: 0,
      commitmentPerHourUsd: p.commitmentPerHourUsd,
      termYears: years(p.start, p.end),
      paymentOption: 'No Upfront',
      start: iso(p.start),
      end: iso(p.end),
      upfrontUsd: 0,
      recurringHourlyUsd: p.commitmentPerHourUsd,
    })),
    ...world.reservations.map((r): TruthCommitment => ({
      id: r.id,
      arn: r.arn,
      kind: 'reservation',
      type: r.service,
      accountId: r.accountId,
      region: r.region,
      instanceType: r.instanceType,
      count: r.count,
      commitmentPerHourUsd: 0,
      termYears: years(r.start, r.end),
      paymentOption:
        r.upfrontUsd === 0 ? 'No Upfront' : r.recurringHourlyUsd === 0 ? 'All Upfront' : 'Partial Upfront',
      start: iso(r.start),
      end: iso(r.end),
      upfrontUsd: r.upfrontUsd,
      recurringHourlyUsd: r.recurringHourlyUsd,
    })),
  ].sort((a, b) => a.arn.localeCompare(b.arn));
}

interface Acc {
  committed: number;
  used: number;
  onDemand: number;
  unusedCost: number;
  purchasedHours: number;
  usedHours: number;
}

/** Per-commitment, per-period sums over the Cost Explorer rows (which the generator aggregates from line items). */
export function commitmentSums(ce: readonly CeRow[]): Map<string, Map<string, Acc>> {
  const out = new Map<string, Map<string, Acc>>();
  for (const r of ce) {
    if (!r.arn) continue;
    const period = r.day.slice(0, 7);
    const byPeriod = out.get(r.arn) ?? new Map<string, Acc>();
    out.set(r.arn, byPeriod);
    const a = byPeriod.get(period) ?? {
      committed: 0,
      used: 0,
      onDemand: 0,
      unusedCost: 0,
      purchasedHours: 0,
      usedHours: 0,
    };
    byPeriod.set(period, a);
    switch (r.lineType) {
      case 'SavingsPlanRecurringFee':
        a.committed += r.spTotal;
        a.used += r.spUsed;
        break;
      case 'SavingsPlanCoveredUsage':
        a.onDemand += r.onDemand;
        break;
      case 'DiscountedUsage':
        a.used += r.amortized;
        a.onDemand += r.onDemand;
        a.usedHours += r.usage;
        break;
      case 'RIFee':
        a.unusedCost += r.amortized;
        a.purchasedHours += r.usage;
        break;
      default:
        break;
    }
  }
  return out;
}

export function monthOf(a: Acc, kind: TruthCommitment['kind']): TruthCommitmentMonth {
  if (kind === 'savings_plan') {
    return {
      committed: cents(a.committed),
      used: cents(a.used),
      unused: cents(a.committed - a.used),
      utilization: pct(a.used, a.committed),
      onDemandEquivalent: cents(a.onDemand),
      amortized: cents(a.committed),
      netSavings: cents(a.onDemand - a.committed),
    };
  }
  const committed = a.used + a.unusedCost;
  return {
    committed: cents(committed),
    used: cents(a.used),
    unused: cents(a.unusedCost),
    utilization: pct(a.usedHours, a.purchasedHours),
    onDemandEquivalent: cents(a.onDemand),
    amortized: cents(committed),
    netSavings: cents(a.onDemand - committed),
    purchasedHours: hours2(a.purchasedHours),
    usedHours: hours2(a.usedHours),
  };
}

export const COVERED_LINE_TYPES = ['DiscountedUsage', 'SavingsPlanCoveredUsage'];

/** The family of an instance type: `m5.large` → `m5`, `db.r6g.xlarge` → `db.r6g`, `cache.r6g.large` → `cache.r6g`. */
export function familyOf(instanceType: string): string {
  const parts = instanceType.split('.');
  return ['db', 'cache'].includes(parts[0]) && parts.length > 2 ? `${parts[0]}.${parts[1]}` : parts[0];
}

const isReservable = (r: CeRow): boolean =>
  r.instanceType !== '' &&
  (r.productCode === 'AmazonEC2'
    ? r.usageType.includes('BoxUsage:')
    : serviceOfProduct(r.productCode) !== undefined);

export function coverageRows(ce: readonly CeRow[]): TruthCoverageRow[] {
  const acc = new Map<string, { covered: number; onDemand: number }>();
  for (const r of ce) {
    if (!isReservable(r)) continue;
    const covered = COVERED_LINE_TYPES.includes(r.lineType);
    if (!covered && r.lineType !== 'Usage') continue;
    const key = [r.day.slice(0, 7), r.productCode, r.accountId, r.region, familyOf(r.instanceType)].join('|');
    const a = acc.get(key) ?? { covered: 0, onDemand: 0 };
    acc.set(key, a);
    if (covered) a.covered += r.onDemand;
    else a.onDemand += r.onDemand;
  }
  return [...acc.entries()]
    .map(([key, a]) => {
      const [period, service, accountId, region, instanceFamily] = key.split('|');
      return {
        period,
        service,
        accountId,
        region,
        instanceFamily,
        covered: cents(a.covered),
        onDemand: cents(a.onDemand),
        total: cents(a.covered + a.onDemand),
        coverage: pct(a.covered, a.covered + a.onDemand),
      };
    })
    .sort((a, b) =>
      [a.period, a.service, a.accountId, a.region, a.instanceFamily]
        .join('|')
        .localeCompare([b.period, b.service, b.accountId, b.region, b.instanceFamily].join('|')),
    );
}

/** Ground truth of every commitment: inventory, per-month utilization and savings, and coverage. */
export function commitmentTruth(world: World, ce: readonly CeRow[]): TruthCommitments {
  const inventory = commitmentInventory(world);
  const kinds = new Map(inventory.map((c) => [c.arn, c.kind]));
  const months: TruthCommitments['months'] = {};
  for (const [arn, byPeriod] of commitmentSums(ce)) {
    const kind = kinds.get(arn);
    if (!kind) continue;
    months[arn] = Object.fromEntries(
      [...byPeriod.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, a]) => [p, monthOf(a, kind)]),
    );
  }
  return { inventory, months, days: commitmentDays(world, ce), coverage: coverageRows(ce) };
}
