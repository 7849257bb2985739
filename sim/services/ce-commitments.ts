import { SimError } from '../server/errors.js';
import { jsonResponse, type SimResponse } from '../server/protocol.js';
import type { HandlerContext } from '../server/types.js';
import type { CeRow } from '../gen/generate.js';
import type { Reservation, SavingsPlan } from '../world/world.js';
import { buckets, CT, payerRows, periodOf } from './ce-common.js';
import {
  reservationServiceOf,
  serviceOfProduct,
  type ReservationService,
} from '../world/reservation-services.js';

// Cost Explorer's commitment operations, answered from the same daily rows as GetCostAndUsage (each row carries
// the savings plan or reservation ARN it belongs to), so they agree with the CUR to the cent.

const f8 = (x: number): string => x.toFixed(8);
const pct = (part: number, whole: number): string => (whole > 0 ? ((part / whole) * 100).toFixed(2) : '0');
const iso = (s: number): string => new Date(s * 1000).toISOString();
const termOf = (start: number, end: number): string => `${Math.round((end - start) / (365 * 86_400))} Year`;
const epoch = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;

function visible<T extends { accountId: string }>(ctx: HandlerContext, items: T[]): T[] {
  const payer = ctx.state.world.payerAccountId;
  return ctx.caller.accountId === payer ? items : items.filter((x) => x.accountId === ctx.caller.accountId);
}

function groupKeys(body: Record<string, unknown>, allowed: readonly string[]): string[] {
  const groupBy = (body.GroupBy ?? []) as Array<{ Type?: string; Key?: string }>;
  return groupBy.map((g) => {
    const key = String(g.Key ?? '');
    if (g.Type !== 'DIMENSION' || !allowed.includes(key)) {
      throw new SimError(
        'ValidationException',
        `GroupBy ${key} is not supported: use ${allowed.join(', ')}`,
        400,
      );
    }
    return key;
  });
}

/**
 * The services a reservation request asks about: a Filter on the SERVICE dimension (its values OR'd), else EC2 —
 * Cost Explorer's default for reservations.
 */
function reservationServices(body: Record<string, unknown>): Set<ReservationService> {
  const dims = (body.Filter as { Dimensions?: { Key?: string; Values?: string[] } } | undefined)?.Dimensions;
  if (body.Filter !== undefined && dims?.Key !== 'SERVICE') {
    throw new SimError('ValidationException', 'Filter supports the SERVICE dimension only here', 400);
  }
  if (!dims) return new Set<ReservationService>(['EC2']);
  const out = new Set<ReservationService>();
  for (const v of dims.Values ?? []) {
    const s = reservationServiceOf(v);
    if (s) out.add(s);
  }
  return out;
}

/** Instance-hours a reservation offered in [from, to) (days), within the billed history. */
function purchasedHours(ctx: HandlerContext, ri: Reservation, from: string, to: string): number {
  const { today, historyStart } = ctx.state.world.clock;
  const cut = Math.min(epoch(to), today);
  return (
    (ri.count * Math.max(0, Math.min(cut, ri.end) - Math.max(epoch(from), ri.start, historyStart))) / 3600
  );
}

interface RiFigures {
  purchased: number;
  used: number;
  onDemand: number;
  upfront: number;
  recurring: number;
  usedCost: number;
}

function riFigures(
  ctx: HandlerContext,
  rows: CeRow[],
  ris: Reservation[],
  from: string,
  to: string,
): RiFigures {
  const f: RiFigures = { purchased: 0, used: 0, onDemand: 0, upfront: 0, recurring: 0, usedCost: 0 };
  const arns = new Set(ris.map((r) => r.arn));
  for (const ri of ris) {
    const h = purchasedHours(ctx, ri, from, to);
    f.purchased += h;
    f.upfront += h * (ri.effectiveHourlyUsd - ri.recurringHourlyUsd);
    f.recurring += h * ri.recurringHourlyUsd;
  }
  for (const r of rows) {
    if (r.lineType !== 'DiscountedUsage' || !arns.has(r.arn) || r.day < from || r.day >= to) continue;
    f.used += r.usage;
    f.onDemand += r.onDemand;
    f.usedCost += r.amortized;
  }
  return f;
}

function riUtilization(f: RiFigures): Record<string, string> {
  const total = f.upfront + f.recurring;
  const unusedCost = Math.max(0, total - f.usedCost);
  return {
    UtilizationPercentage: pct(f.used, f.purchased),
    PurchasedHours: f.purchased.toFixed(2),
    TotalActualHours: f.used.toFixed(2),
    UnusedHours: Math.max(0, f.purchased - f.used).toFixed(2),
    OnDemandCostOfRIHoursUsed: f8(f.onDemand),
    NetRISavings: f8(f.onDemand - total),
    TotalPotentialRISavings: f8(
      f.purchased > 0 ? (f.onDemand / Math.max(f.used, 1e-12)) * f.purchased - total : 0,
    ),
    AmortizedUpfrontFee: f8(f.upfront),
    AmortizedRecurringFee: f8(f.recurring),
    TotalAmortizedFee: f8(total),
    RICostForUnusedHours: f8(unusedCost),
    RealizedSavings: f8(f.onDemand - f.usedCost),
    UnrealizedSavings: f8(unusedCost),
  };
}

function riAttributes(ri: Reservation): Record<string, string> {
  return {
    accountId: ri.accountId,
    leaseId: ri.id,
    subscriptionId: ri.id,
    region: ri.region,
    instanceType: ri.instanceType,
    numberOfInstances: String(ri.count),
    platform: 'Linux/UNIX',
    tenancy: 'Shared',
    subscriptionType:
      ri.upfrontUsd === 0 ? 'No Upfront' : ri.recurringHourlyUsd === 0 ? 'All Upfront' : 'Partial Upfront',
    upfrontCost: f8(ri.upfrontUsd),
    recurringCharge: f8(ri.recurringHourlyUsd),
    term: termOf(ri.start, ri.end),
    startDateTime: iso(ri.start),
    endDateTime: iso(ri.end),
  };
}

/** GetReservationUtilization; GroupBy SUBSCRIPTION_ID gives one group per reservation with its attributes. */
export function getReservationUtilization(ctx: HandlerContext): SimResponse {
  const b = ctx.req.json;
  const { start, end } = periodOf(b);
  const granularity = String(b.Granularity ?? 'MONTHLY');
  const bySubscription = groupKeys(b, ['SUBSCRIPTION_ID']).length > 0;
  const rows = payerRows(ctx);
  const services = reservationServices(b);
  const ris = visible(ctx, ctx.state.world.reservations).filter((ri) => services.has(ri.service));
  const by = buckets(start, end, granularity).map((p) => ({
    TimePeriod: { Start: p.start, End: p.end },
    Groups: bySubscription
      ? ris
          .filter((ri) => purchasedHours(ctx, ri, p.start, p.end) > 0)
          .map((ri) => ({
            Key: 'SUBSCRIPTION_ID',
            Value: ri.id,
            Attributes: riAttributes(ri),
            Utilization: riUtilization(riFigures(ctx, rows, [ri], p.start, p.end)),
          }))
      : [],
    Total: riUtilization(riFigures(ctx, rows, ris, p.start, p.end)),
  }));
  return jsonResponse(
    200,
    { UtilizationsByTime: by, Total: riUtilization(riFigures(ctx, rows, ris, start, end)) },
    ctx.req.requestId,
    CT,
  );
}

function spFigures(rows: CeRow[], arns: Set<string>, from: string, to: string): Record<string, unknown> {
  let total = 0;
  let used = 0;
  let onDemand = 0;
  for (const r of rows) {
    if (!arns.has(r.arn) || r.day < from || r.day >= to) continue;
    if (r.lineType === 'SavingsPlanRecurringFee') {
      total += r.spTotal;
      used += r.spUsed;
    } else if (r.lineType === 'SavingsPlanCoveredUsage') onDemand += r.onDemand;
  }
  return {
    Utilization: {
      TotalCommitment: f8(total),
      UsedCommitment: f8(used),
      UnusedCommitment: f8(total - used),
      UtilizationPercentage: pct(used, total),
    },
    Savings: { NetSavings: f8(onDemand - total), OnDemandCostEquivalent: f8(onDemand) },
    AmortizedCommitment: {
      AmortizedRecurringCommitment: f8(total),
      AmortizedUpfrontCommitment: '0',
      TotalAmortizedCommitment: f8(total),
    },
  };
}

function spAttributes(sp: SavingsPlan): Record<string, string> {
  return {
    AccountId: sp.accountId,
    SavingsPlansType: sp.type,
    PaymentOption: 'No Upfront',
    Term: termOf(sp.start, sp.end),
    StartDateTime: iso(sp.start),
    EndDateTime: iso(sp.end),
    RecurringHourlyFee: f8(sp.commitmentPerHourUsd),
    UpfrontFee: '0',
    Region: '',
  };
}

export function getSavingsPlansUtilization(ctx: HandlerContext): SimResponse {
  const b = ctx.req.json;
  const { start, end } = periodOf(b);
  const granularity = String(b.Granularity ?? 'MONTHLY');
  const rows = payerRows(ctx);
  const arns = new Set(visible(ctx, ctx.state.world.savingsPlans).map((p) => p.arn));
  const by = buckets(start, end, granularity).map((p) => ({
    TimePeriod: { Start: p.start, End: p.end },
    ...spFigures(rows, arns, p.start, p.end),
  }));
  return jsonResponse(
    200,
    { SavingsPlansUtilizationsByTime: by, Total: spFigures(rows, arns, start, end) },
    ctx.req.requestId,
    CT,
  );
}

/** One entry per savings plan active in the period (Filter on SAVINGS_PLAN_ARN honoured), with its attributes. */
export function getSavingsPlansUtilizationDetails(ctx: HandlerContext): SimResponse {
  const b = ctx.req.json;
  const { start, end } = periodOf(b);
  const rows = payerRows(ctx);
  const filter = (b.Filter as { Dimensions?: { Key?: string; Values?: string[] } } | undefined)?.Dimensions;
  const plans = visible(ctx, ctx.state.world.savingsPlans).filter(
    (p) =>
      p.start < Math.min(epoch(end), ctx.state.world.clock.today) &&
      p.end > epoch(start) &&
      (filter?.Key !== 'SAVINGS_PLAN_ARN' || (filter.Values ?? []).includes(p.arn)),
  );
  return jsonResponse(
    200,
    {
      SavingsPlansUtilizationDetails: plans.map((p) => ({
        SavingsPlanArn: p.arn,
        Attributes: spAttributes(p),
        ...spFigures(rows, new Set([p.arn]), start, end),
      })),
      Total: spFigures(rows, new Set(plans.map((p) => p.arn)), start, end),
      TimePeriod: { Start: start, End: end },
    },
    ctx.req.requestId,
    CT,
  );
}

const isInstanceUsage = (r: CeRow): boolean =>
  r.productCode === 'AmazonEC2' && r.usageType.includes('BoxUsage:') && r.instanceType !== '';

/** Instance (node) usage of one of `services` that a reservation could cover. */
function isReservable(r: CeRow, services: Set<ReservationService>): boolean {
  const service = serviceOfProduct(r.productCode);
  if (!service || !services.has(service) || r.instanceType === '') return false;
  return service !== 'EC2' || isInstanceUsage(r);
}

function attributesOf(r: CeRow, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (k === 'LINKED_ACCOUNT') out.LINKED_ACCOUNT = r.accountId;
    else if (k === 'REGION') out.REGION = r.region;
    else if (k === 'INSTANCE_TYPE') out.INSTANCE_TYPE = r.instanceType;
    else if (k === 'INSTANCE_FAMILY') out.INSTANCE_FAMILY = r.instanceType.split('.')[0];
    else if (k === 'SERVICE') out.SERVICE = 'Amazon Elastic Compute Cloud - Compute';
  }
  return out;
}

function grouped<T>(
  rows: CeRow[],
  keys: string[],
  init: () => T,
  add: (acc: T, r: CeRow) => void,
): Array<{ attributes: Record<string, string>; acc: T }> {
  const m = new Map<string, { attributes: Record<string, string>; acc: T }>();
  for (const r of rows) {
    const attributes = attributesOf(r, keys);
    const k = JSON.stringify(attributes);
    const g = m.get(k) ?? { attributes, acc: init() };
    m.set(k, g);
    add(g.acc, r);
  }
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g);
}

/**
 * GetReservationCoverage: instance hours of the filtered services (EC2 by default) run by reservations vs on demand
 * (savings-plan-covered hours are on demand to a reservation), GroupBy LINKED_ACCOUNT, REGION, INSTANCE_TYPE.
 */
export function getReservationCoverage(ctx: HandlerContext): SimResponse {
  const b = ctx.req.json;
  const { start, end } = periodOf(b);
  const keys = groupKeys(b, ['LINKED_ACCOUNT', 'REGION', 'INSTANCE_TYPE']);
  const services = reservationServices(b);
  const rows = payerRows(ctx).filter(
    (r) =>
      isReservable(r, services) &&
      ['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage'].includes(r.lineType),
  );
  type Acc = { reserved: number; onDemand: number; onDemandCost: number };
  const init = (): Acc => ({ reserved: 0, onDemand: 0, onDemandCost: 0 });
  const add = (a: Acc, r: CeRow): void => {
    if (r.lineType === 'DiscountedUsage') a.reserved += r.usage;
    else {
      a.onDemand += r.usage;
      a.onDemandCost += r.onDemand;
    }
  };
  const coverage = (a: Acc) => ({
    CoverageHours: {
      OnDemandHours: a.onDemand.toFixed(2),
      ReservedHours: a.reserved.toFixed(2),
      TotalRunningHours: (a.onDemand + a.reserved).toFixed(2),
      CoverageHoursPercentage: pct(a.reserved, a.onDemand + a.reserved),
    },
    CoverageCost: { OnDemandCost: f8(a.onDemandCost) },
  });
  const total = init();
  const by = buckets(start, end, String(b.Granularity ?? 'MONTHLY')).map((p) => {
    const inPeriod = rows.filter((r) => r.day >= p.start && r.day < p.end);
    const t = init();
    inPeriod.forEach((r) => {
      add(t, r);
      add(total, r);
    });
    return {
      TimePeriod: { Start: p.start, End: p.end },
      Groups:
        keys.length > 0
          ? grouped(inPeriod, keys, init, add).map((g) => ({
              Attributes: g.attributes,
              Coverage: coverage(g.acc),
            }))
          : [],
      Total: coverage(t),
    };
  });
  return jsonResponse(200, { CoveragesByTime: by, Total: coverage(total) }, ctx.req.requestId, CT);
}

/**
 * GetSavingsPlansCoverage: EC2 instance spend at on-demand prices that savings plans covered vs ran on demand
 * (reservation-covered usage is not eligible), GroupBy LINKED_ACCOUNT, REGION, INSTANCE_FAMILY, SERVICE.
 */
export function getSavingsPlansCoverage(ctx: HandlerContext): SimResponse {
  const b = ctx.req.json;
  const { start, end } = periodOf(b);
  const keys = groupKeys(b, ['LINKED_ACCOUNT', 'REGION', 'INSTANCE_FAMILY', 'SERVICE']);
  const rows = payerRows(ctx).filter(
    (r) => isInstanceUsage(r) && ['Usage', 'SavingsPlanCoveredUsage'].includes(r.lineType),
  );
  type Acc = { covered: number; onDemand: number };
  const init = (): Acc => ({ covered: 0, onDemand: 0 });
  const add = (a: Acc, r: CeRow): void => {
    if (r.lineType === 'SavingsPlanCoveredUsage') a.covered += r.onDemand;
    else a.onDemand += r.onDemand;
  };
  const out: unknown[] = [];
  for (const p of buckets(start, end, String(b.Granularity ?? 'MONTHLY'))) {
    const inPeriod = rows.filter((r) => r.day >= p.start && r.day < p.end);
    for (const g of grouped(inPeriod, keys, init, add)) {
      out.push({
        Attributes: g.attributes,
        Coverage: {
          SpendCoveredBySavingsPlans: f8(g.acc.covered),
          OnDemandCost: f8(g.acc.onDemand),
          TotalCost: f8(g.acc.covered + g.acc.onDemand),
          CoveragePercentage: pct(g.acc.covered, g.acc.covered + g.acc.onDemand),
        },
        TimePeriod: { Start: p.start, End: p.end },
      });
    }
  }
  return jsonResponse(200, { SavingsPlansCoverages: out }, ctx.req.requestId, CT);
}
