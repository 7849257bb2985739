import { addDays, daysBetween, isoDate, isoTimestamp, minDate } from '../lib/dates.js';
import { findBill } from '../inventory/resource-costs.js';
import type { Queryable } from '../store/store.js';

/**
 * Savings realized: the recommendations that were acted on — closed because the resource is gone or because the
 * condition no longer holds (resized, attached, stopped), not because a rule was turned off or removed — with the
 * saving the bill shows since. The resource's monthly cost before is its billed cost over the 30 days before the
 * day it was closed; after, its billed cost per day over the days since (the day after closing up to 30 days, as
 * far as the bill goes) times 30. The observed saving is before minus after, in cents; null while the bill has no
 * day after the closing yet.
 */

/** The opening words of the engine's closed reasons that mean "acted on" (recommendation-service.ts writes them). */
export const ACTED_ON = { gone: 'The resource is gone', noLonger: 'No longer applies' } as const;

export const WINDOW_DAYS = 30;

export interface RealizedSaving {
  id: string;
  rule: string;
  title: string;
  resourceId: string;
  resourceType: string | null;
  awsAccountId: string;
  cloudAccountId: string;
  region: string | null;
  closedReason: string;
  closedAt: string;
  /** What the recommendation expected per month when it was last open. */
  estimatedMonthlySavings: number;
  /** The resource's billed cost in the 30 days before the closing day. */
  monthlyCostBefore: number;
  /** Its billed cost per day since the closing day, times 30; null when the bill has no day since yet. */
  monthlyCostAfter: number | null;
  /** Before minus after; null when the bill has no day since yet. */
  observedMonthlySavings: number | null;
  /** Days of the bill after the closing day that `monthlyCostAfter` is measured over (0 to 30). */
  daysObserved: number;
  /** `YYYY-MM-DD` windows: before `[from, to)`, after `[from, to)` (empty when daysObserved is 0). */
  before: { from: string; to: string };
  after: { from: string; to: string };
  currency: string;
}

export interface RealizedSavings {
  items: RealizedSaving[];
  /** Sum of the observed savings per month (the items without an observation count 0). */
  totalObservedMonthlySavings: number;
  totalEstimatedMonthlySavings: number;
  currency: string;
}

const cents = (n: number): number => Math.round(n * 100) / 100;

type Row = {
  id: string;
  rule: string;
  title: string;
  resource_id: string;
  resource_type: string | null;
  aws_account_id: string;
  cloud_account_id: string;
  region: string | null;
  closed_reason: string;
  closed_at: Date | string;
  monthly_savings: number;
  currency: string;
};

/** The billed cost of one resource (its ID, or an ARN ending in `/ID`) over `[from, to)` in one bill. */
async function billedCost(
  q: Queryable,
  input: {
    orgId: string;
    cloudAccountId: string;
    awsAccountId: string;
    resourceId: string;
    from: string;
    to: string;
  },
): Promise<number> {
  if (input.from >= input.to) return 0;
  const [row] = await q.query<{ cost: number | null }>(
    `SELECT CAST(sum(billed_cost) AS DOUBLE PRECISION) AS cost FROM cost_line_items
     WHERE org_id = $1 AND cloud_account_id = $2 AND sub_account_id = $3
       AND usage_date >= $4::DATE AND usage_date < $5::DATE
       AND (resource_id = $6 OR resource_id LIKE $7)`,
    [
      input.orgId,
      input.cloudAccountId,
      input.awsAccountId,
      input.from,
      input.to,
      input.resourceId,
      `%/${input.resourceId}`,
    ],
  );
  return Number(row?.cost ?? 0);
}

export async function realizedSavings(q: Queryable, orgId: string, now: Date): Promise<RealizedSavings> {
  const rows = await q.query<Row>(
    `SELECT id, rule, title, resource_id, resource_type, aws_account_id, cloud_account_id, region, closed_reason,
            closed_at, CAST(monthly_savings AS DOUBLE PRECISION) AS monthly_savings, currency
     FROM recommendations
     WHERE org_id = $1 AND status = 'closed' AND closed_at IS NOT NULL
       AND (closed_reason LIKE $2 OR closed_reason LIKE $3)
     ORDER BY closed_at DESC, id`,
    [orgId, `${ACTED_ON.gone}%`, `${ACTED_ON.noLonger}%`],
  );
  const items: RealizedSaving[] = [];
  for (const r of rows) {
    const closedAt = new Date(isoTimestamp(r.closed_at) ?? '');
    const closedDay = isoDate(closedAt);
    const bill = await findBill(q, orgId, r.aws_account_id, now);
    const before = { from: addDays(closedDay, -WINDOW_DAYS), to: closedDay };
    const afterFrom = addDays(closedDay, 1);
    const afterEnd = bill ? addDays(bill.newestDay, 1) : afterFrom;
    const afterTo = minDate(afterEnd, addDays(afterFrom, WINDOW_DAYS));
    const after = { from: afterFrom, to: afterTo > afterFrom ? afterTo : afterFrom };
    const daysObserved = daysBetween(after.from, after.to);
    const base = {
      orgId,
      cloudAccountId: bill?.sourceCloudAccountId ?? r.cloud_account_id,
      awsAccountId: r.aws_account_id,
      resourceId: r.resource_id,
    };
    const monthlyCostBefore = cents(await billedCost(q, { ...base, ...before }));
    const afterCost = daysObserved > 0 ? await billedCost(q, { ...base, ...after }) : 0;
    const monthlyCostAfter = daysObserved > 0 ? cents((afterCost / daysObserved) * WINDOW_DAYS) : null;
    items.push({
      id: r.id,
      rule: r.rule,
      title: r.title,
      resourceId: r.resource_id,
      resourceType: r.resource_type,
      awsAccountId: r.aws_account_id,
      cloudAccountId: r.cloud_account_id,
      region: r.region,
      closedReason: r.closed_reason,
      closedAt: closedAt.toISOString(),
      estimatedMonthlySavings: cents(Number(r.monthly_savings)),
      monthlyCostBefore,
      monthlyCostAfter,
      observedMonthlySavings: monthlyCostAfter === null ? null : cents(monthlyCostBefore - monthlyCostAfter),
      daysObserved,
      before,
      after,
      currency: bill?.currency ?? r.currency,
    });
  }
  const sum = (xs: number[]) => cents(xs.reduce((a, b) => a + b, 0));
  return {
    items,
    totalObservedMonthlySavings: sum(items.map((i) => i.observedMonthlySavings ?? 0)),
    totalEstimatedMonthlySavings: sum(items.map((i) => i.estimatedMonthlySavings)),
    currency: items[0]?.currency ?? 'USD',
  };
}
