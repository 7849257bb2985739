/**
 * What to buy: the `savings_plan_commitment` rule's method, shown with its assumptions. Per usage account, the
 * Compute usage (EC2 instances, Fargate, Lambda) that ran on demand every day of the lookback is summed by day at
 * on-demand prices; a 1-year no-upfront Compute Savings Plan sized to the lowest day is used in full every day of
 * the window (daily granularity: hours within a day below the floor are not seen), so its whole discount is saved.
 */
import { cents, percent } from './commitment-figures.js';
import type { OnDemandDay } from './commitment-types.js';

export interface PurchaseAssumptions {
  /** Days of bill looked back over; a suggestion needs uncovered usage on every one of them. */
  lookbackDays: number;
  /** The plan's discount over on-demand prices (the rule's setting). */
  savingsRate: number;
  term: '1yr';
  paymentOption: 'No Upfront';
  planType: 'ComputeSavingsPlans';
}

export interface PurchaseSuggestion {
  awsAccountId: string;
  currency: string;
  window: { from: string; to: string };
  assumptions: PurchaseAssumptions;
  /** The commitment to buy, per hour (what the plan costs: the floor at the discounted rate). */
  hourlyCommitment: number;
  minDailyOnDemand: number;
  avgDailyOnDemand: number;
  monthlySavings: number;
  /** Coverage of the account's Compute usage over the window, now and with the plan. */
  coverageNow: number;
  coverageAfter: number;
  /** The plan's utilization over the window (100 when every day reached the floor). */
  utilizationAfter: number;
  /** The month in which savings repay what was paid up front (no upfront payment: the first). */
  breakEvenMonth: number;
  method: string;
}

export const PURCHASE_METHOD =
  'Sized to the lowest day of on-demand Compute spend (EC2 instances, Fargate, Lambda) not covered by a reservation or savings plan over the lookback, at on-demand prices, for each usage account; ' +
  'the saving is that floor times 30 days times the assumed discount. Daily figures: dips within a day are not seen, and the discount is the rule setting, not a quoted price.';

/** Suggestions from the daily Compute usage over the window, one per account with on-demand usage every day. */
export function suggestPurchases(
  days: readonly OnDemandDay[],
  window: { from: string; to: string },
  assumptions: PurchaseAssumptions,
  minMonthlySavings: number,
): PurchaseSuggestion[] {
  const byAccount = new Map<string, OnDemandDay[]>();
  for (const d of days) byAccount.set(d.awsAccountId, [...(byAccount.get(d.awsAccountId) ?? []), d]);
  const out: PurchaseSuggestion[] = [];
  for (const [account, rows] of byAccount) {
    const withUsage = rows.filter((d) => d.onDemand > 0);
    if (withUsage.length < assumptions.lookbackDays) continue;
    const floor = Math.min(...withUsage.map((d) => d.onDemand));
    const totalOnDemand = rows.reduce((a, d) => a + d.onDemand, 0);
    const totalCovered = rows.reduce((a, d) => a + d.covered, 0);
    const monthlySavings = cents(floor * 30 * assumptions.savingsRate);
    if (monthlySavings < minMonthlySavings || monthlySavings <= 0) continue;
    const newlyCovered = floor * rows.length;
    out.push({
      awsAccountId: account,
      currency: rows[0].currency,
      window,
      assumptions,
      hourlyCommitment: Math.floor((floor / 24) * (1 - assumptions.savingsRate) * 1000) / 1000,
      minDailyOnDemand: cents(floor),
      avgDailyOnDemand: cents(totalOnDemand / rows.length),
      monthlySavings,
      coverageNow: percent(totalCovered, totalCovered + totalOnDemand),
      coverageAfter: percent(totalCovered + newlyCovered, totalCovered + totalOnDemand),
      utilizationAfter: 100,
      breakEvenMonth: 1,
      method: PURCHASE_METHOD,
    });
  }
  return out.sort((a, b) => b.monthlySavings - a.monthlySavings);
}
