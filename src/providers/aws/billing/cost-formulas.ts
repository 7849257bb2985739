/** The cost formulas of AWS-FACTS §3 over the typed fields of a line item (focus-mapping.ts, fieldsSql). */
import { inList } from './source-expressions.js';

/** Line item types that carry a negotiated discount as a line of its own ("manual discount compatibility"). */
export const DISCOUNT_LINE_TYPES = [
  'EdpDiscount',
  'PrivateRateDiscount',
  'BundledDiscount',
  'SppDiscount',
  'DistributorDiscount',
  'Discount',
] as const;

/** AWS-FACTS §3: line item type → FOCUS ChargeCategory; anything else is Usage. */
export const CHARGE_CATEGORY: Readonly<Record<string, string>> = {
  Tax: 'Tax',
  Fee: 'Purchase',
  RIFee: 'Purchase',
  SavingsPlanUpfrontFee: 'Purchase',
  SavingsPlanRecurringFee: 'Purchase',
  Credit: 'Credit',
  Refund: 'Adjustment',
};

/** SQL CASE over `li_type` for amortized cost; `net` picks the `*_net_*` counterparts (AWS-FACTS §3). */
export function effectiveSql(net: boolean, hasNetColumn: boolean): string {
  const pick = (netName: string, gross: string) => (net ? `coalesce(${netName}, ${gross})` : gross);
  const spRecurringGross = `coalesce(sp_total, 0) - coalesce(sp_used, 0)`;
  // No AWS column holds the net unused commitment: scale the gross one by the net/gross commitment ratio.
  const spRecurring = net
    ? `CASE WHEN coalesce(sp_gross_commit, 0) <> 0 AND sp_net_commit IS NOT NULL ` +
      `THEN (${spRecurringGross}) * sp_net_commit / sp_gross_commit ELSE ${spRecurringGross} END`
    : spRecurringGross;
  const otherwise = net ? netBilledSql(hasNetColumn) : 'unblended';
  return `CASE
      WHEN li_type = 'SavingsPlanCoveredUsage' THEN coalesce(${pick('sp_net_eff', 'sp_eff')}, 0)
      WHEN li_type = 'SavingsPlanRecurringFee' THEN ${spRecurring}
      WHEN li_type IN ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN 0
      WHEN li_type = 'DiscountedUsage' THEN coalesce(${pick('ri_net_eff', 'ri_eff')}, 0)
      WHEN li_type = 'RIFee' THEN coalesce(${pick('ri_net_unused_upfront', 'ri_unused_upfront')}, 0) + coalesce(${pick('ri_net_unused_recurring', 'ri_unused_recurring')}, 0)
      WHEN li_type = 'Fee' AND ri_arn IS NOT NULL THEN 0
      ELSE ${otherwise} END`;
}

/**
 * Net unblended. With net columns, AWS has already folded the negotiated discounts into the usage lines,
 * so a separate discount line counts 0 there (counting it too would subtract the discount twice); without
 * net columns the discount is on the line (`discount` map / `discount_total_discount`) or in the discount
 * lines themselves.
 */
export function netBilledSql(hasNetColumn: boolean): string {
  const discountLine = `li_type IN (${inList(DISCOUNT_LINE_TYPES)})`;
  if (hasNetColumn) {
    return `CASE WHEN ${discountLine} THEN 0 ELSE coalesce(net_unblended, unblended + coalesce(discount_total, 0)) END`;
  }
  return `CASE WHEN ${discountLine} THEN unblended ELSE unblended + coalesce(discount_total, 0) END`;
}

/** A cost as stored: rounded to 10 decimals. */
export const money = (expr: string) => `CAST(round(${expr}, 10) AS DECIMAL(18,10))`;
