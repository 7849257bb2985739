/**
 * Azure's "Cost and usage details" exports (actual cost and amortized cost) mapped onto the columns of
 * `cost_line_items`, as DuckDB SQL over a relation of one run's files. Their columns differ from FOCUS: `date` as
 * MM/DD/YYYY (or ISO), `costInBillingCurrency`, `chargeType`, `pricingModel`, `benefitId`, tags written as
 * `"k": "v"` pairs without braces. Names compare without case (older agreements capitalize them).
 *
 * An export carries one view of the bill: the actual-cost export's cost is both the billed and the amortized figure
 * of its rows (a reservation's purchase on its day, covered usage at 0); the amortized-cost export's cost is both
 * figures of its rows (the purchase spread over the term onto covered usage and `UnusedReservation` rows). The
 * FOCUS export carries both views on every row.
 */
import { LINE_ITEM_COLUMNS } from '../../../billing/line-item-columns.js';
import { ident, literal } from '../../../billing/sql-text.js';

/** Column name as the file spells it, and its DuckDB type, by lower-cased name. */
export type SourceColumns = ReadonlyMap<string, { name: string; type: string }>;

/** Columns without which a details export cannot be loaded: `[one of these names]` each. */
export const REQUIRED_DETAIL_COLUMNS: readonly (readonly string[])[] = [
  ['date'],
  ['subscriptionId', 'SubscriptionGuid'],
  ['costInBillingCurrency', 'CostInBillingCurrency', 'cost'],
  ['billingCurrency', 'billingCurrencyCode', 'Currency'],
  ['meterCategory'],
];

/** The required columns a header lacks (by their first name), compared without case. */
export function missingDetailColumns(header: readonly string[]): string[] {
  const have = new Set(header.map((h) => h.trim().toLowerCase()));
  return REQUIRED_DETAIL_COLUMNS.filter((names) => !names.some((n) => have.has(n.toLowerCase()))).map(
    (names) => names[0],
  );
}

const isText = (type: string) => type === 'VARCHAR' || type.startsWith('JSON');

export function buildDetailSelect(
  relation: string,
  cols: SourceColumns,
  opts: { orgId: string; cloudAccountId: string; period: string },
): string {
  const col = (...names: string[]) => names.map((n) => cols.get(n.toLowerCase())).find((c) => c);
  const text = (...names: string[]) => {
    const c = col(...names);
    if (!c) return 'CAST(NULL AS VARCHAR)';
    const r = `CAST(src.${ident(c.name)} AS VARCHAR)`;
    return `NULLIF(trim(${r}), '')`;
  };
  const num = (...names: string[]) => {
    const c = col(...names);
    if (!c) return 'CAST(NULL AS DOUBLE)';
    return isText(c.type) ? `CAST(${text(...names)} AS DOUBLE)` : `CAST(src.${ident(c.name)} AS DOUBLE)`;
  };
  const money = (expr: string) => `CAST(round(${expr}, 10) AS DECIMAL(18,10))`;
  const dateText = text('date');
  const day = `CAST(coalesce(try_strptime(${dateText}, '%m/%d/%Y'), TRY_CAST(${dateText} AS TIMESTAMP)) AS DATE)`;
  const cost = num('costInBillingCurrency', 'CostInBillingCurrency', 'cost');
  const chargeType = text('chargeType');
  const pricingModel = text('pricingModel');
  const resourceId = text('ResourceId', 'InstanceId', 'resourceUri');
  const tagsText = text('tags');
  const tags = `NULLIF(NULLIF(CAST(json(CASE WHEN ${tagsText} IS NULL THEN NULL WHEN starts_with(${tagsText}, '{') THEN ${tagsText} ELSE '{' || ${tagsText} || '}' END) AS VARCHAR), '{}'), 'null')`;
  const extras = [
    'resourceGroupName',
    'meterName',
    'meterSubCategory',
    'productName',
    'pricingModel',
    'frequency',
    'benefitName',
    'billingAccountName',
  ]
    .filter((n) => col(n))
    .map((n) => `${literal(n)}, ${text(n)}`);
  const out: Record<(typeof LINE_ITEM_COLUMNS)[number], string> = {
    org_id: literal(opts.orgId),
    cloud_account_id: literal(opts.cloudAccountId),
    billing_period: `DATE ${literal(opts.period)}`,
    billing_account_id: text('billingAccountId'),
    sub_account_id: `lower(${text('subscriptionId', 'SubscriptionGuid')})`,
    sub_account_name: text('subscriptionName'),
    charge_period_start: `CAST(${day} AS TIMESTAMP)`,
    charge_period_end: `CAST(${day} AS TIMESTAMP) + INTERVAL 1 DAY`,
    usage_date: day,
    charge_category: `CASE lower(coalesce(${chargeType}, 'usage'))
        WHEN 'purchase' THEN 'Purchase' WHEN 'refund' THEN 'Credit' WHEN 'tax' THEN 'Tax'
        WHEN 'adjustment' THEN 'Adjustment' ELSE 'Usage' END`,
    charge_description: text('meterName'),
    service_name: text('meterCategory'),
    service_code: `coalesce(${text('consumedService')}, ${text('meterCategory')})`,
    region_id: text('resourceLocation'),
    availability_zone: 'CAST(NULL AS VARCHAR)',
    resource_id: resourceId,
    resource_type: `NULLIF(regexp_extract(${resourceId}, '/providers/([^/]+/[^/]+)/', 1), '')`,
    sku_id: text('meterId'),
    pricing_unit: text('unitOfMeasure'),
    consumed_quantity: num('quantity'),
    billed_cost: money(cost),
    x_net_billed_cost: money(cost),
    effective_cost: money(cost),
    x_net_effective_cost: money(cost),
    list_cost: money(`coalesce(${num('paygCostInBillingCurrency')}, ${cost})`),
    billing_currency: text('billingCurrency', 'billingCurrencyCode', 'Currency'),
    commitment_discount_id: `coalesce(${text('benefitId')}, ${text('reservationId')})`,
    commitment_discount_type: `CASE lower(coalesce(${pricingModel}, ''))
        WHEN 'reservation' THEN 'Reservation' WHEN 'savingsplan' THEN 'Savings Plan' ELSE NULL END`,
    tags,
    x_line_item_type: chargeType,
    x_usage_type: text('meterName'),
    x_operation: 'CAST(NULL AS VARCHAR)',
    x_instance_type: 'CAST(NULL AS VARCHAR)',
    provider: `'azure'`,
    x_provider_columns: extras.length
      ? `CAST(json_object(${extras.join(', ')}) AS VARCHAR)`
      : 'CAST(NULL AS VARCHAR)',
    x_cost_categories: 'CAST(NULL AS VARCHAR)',
  };
  return `SELECT ${LINE_ITEM_COLUMNS.map((c) => `${out[c]} AS ${c}`).join(',\n    ')}
  FROM (${relation}) src`;
}
