/**
 * The one mapping from CUR columns (canonical snake_case names, see column-names.ts) to the FOCUS-aligned
 * columns of `cost_line_items`, as DuckDB SQL. Readers of every flavour present their files as a relation
 * `src` with canonical column names and the DuckDB types they arrived with; this module turns whatever
 * subset of columns is there into typed expressions (source-expressions.ts) and the cost formulas of AWS-FACTS §3
 * (cost-formulas.ts).
 */
import { LINE_ITEM_COLUMNS } from '../../../billing/line-item-columns.js';
import { literal } from './column-names.js';
import { commitmentColumnsSql } from './commitment-columns.js';
import { CHARGE_CATEGORY, effectiveSql, money, netBilledSql } from './cost-formulas.js';
import {
  costCategoryListExpr,
  Exprs,
  listJson,
  tagListExpr,
  TAGS_JSON,
  type SourceColumns,
} from './source-expressions.js';

/** The columns of `cost_line_items` (src/billing/line-item-columns.ts), which the mapping produces in order. */
export { LINE_ITEM_COLUMNS };

/** Columns without which a file cannot be billing data. */
export const REQUIRED_COLUMNS = [
  'line_item_usage_account_id',
  'line_item_line_item_type',
  'line_item_usage_start_date',
  'line_item_unblended_cost',
] as const;

export interface MappingOptions {
  orgId: string;
  cloudAccountId: string;
  /** First day of the billing period, `YYYY-MM-DD`. */
  billingPeriod: string;
  /** The account has an EDP / private pricing: net costs take its discounts into account. */
  edp: boolean;
}

/**
 * The typed, canonical fields of one line item (inner projection): every later formula reads these,
 * so a column's absence or type is handled in one place.
 */
function fieldsSql(e: Exprs, cols: SourceColumns): string {
  const f: [string, string][] = [
    ['payer', e.text('bill_payer_account_id')],
    ['acct', e.text('line_item_usage_account_id')],
    ['acct_name', e.text('line_item_usage_account_name')],
    ['li_type', e.text('line_item_line_item_type')],
    ['start_ts', e.ts('line_item_usage_start_date')],
    ['end_ts', e.ts('line_item_usage_end_date')],
    ['descr', e.text('line_item_line_item_description')],
    [
      'product_code',
      `coalesce(${e.text('line_item_product_code')}, ${e.text('product_servicecode')}, ${e.mapText('product', 'servicecode')})`,
    ],
    [
      'product_name',
      `coalesce(${e.text('product_product_name')}, ${e.mapText('product', 'product_name')}, ${e.text('product_servicename')})`,
    ],
    [
      'region',
      `coalesce(${e.text('product_region_code')}, ${e.mapText('product', 'region_code')}, ${e.text('product_region')}, ${e.mapText('product', 'region')})`,
    ],
    ['az', e.text('line_item_availability_zone')],
    ['resource_id', e.text('line_item_resource_id')],
    ['family', `coalesce(${e.text('product_product_family')}, ${e.mapText('product', 'product_family')})`],
    ['sku', `coalesce(${e.text('product_sku')}, ${e.mapText('product', 'sku')})`],
    ['unit', e.text('pricing_unit')],
    ['qty', e.num('line_item_usage_amount')],
    ['unblended', `coalesce(${e.num('line_item_unblended_cost')}, 0)`],
    ['net_unblended', e.num('line_item_net_unblended_cost')],
    // A line without a public price (tax, credit, fee) lists at 0; an export without the column has no list cost.
    [
      'list',
      e.has('pricing_public_on_demand_cost')
        ? `coalesce(${e.num('pricing_public_on_demand_cost')}, 0)`
        : e.num('pricing_public_on_demand_cost'),
    ],
    ['currency', `coalesce(${e.text('line_item_currency_code')}, 'USD')`],
    ['ri_arn', e.text('reservation_reservation_a_r_n')],
    ['sp_arn', e.text('savings_plan_savings_plan_a_r_n')],
    ['ri_eff', e.num('reservation_effective_cost')],
    ['ri_net_eff', e.num('reservation_net_effective_cost')],
    ['ri_unused_upfront', e.num('reservation_unused_amortized_upfront_fee_for_billing_period')],
    ['ri_net_unused_upfront', e.num('reservation_net_unused_amortized_upfront_fee_for_billing_period')],
    ['ri_unused_recurring', e.num('reservation_unused_recurring_fee')],
    ['ri_net_unused_recurring', e.num('reservation_net_unused_recurring_fee')],
    ['sp_eff', e.num('savings_plan_savings_plan_effective_cost')],
    ['sp_net_eff', e.num('savings_plan_net_savings_plan_effective_cost')],
    ['sp_total', e.num('savings_plan_total_commitment_to_date')],
    ['sp_used', e.num('savings_plan_used_commitment')],
    [
      'sp_gross_commit',
      `${e.num('savings_plan_amortized_upfront_commitment_for_billing_period')} + ${e.num('savings_plan_recurring_commitment_for_billing_period')}`,
    ],
    [
      'sp_net_commit',
      `${e.num('savings_plan_net_amortized_upfront_commitment_for_billing_period')} + ${e.num('savings_plan_net_recurring_commitment_for_billing_period')}`,
    ],
    [
      'discount_total',
      e.has('discount_total_discount')
        ? e.num('discount_total_discount')
        : `coalesce(${e.mapSum('discount', 'total_discount')}, ${e.mapSum('discount')})`,
    ],
    ['tag_list', tagListExpr(e, cols) ?? 'CAST(NULL AS STRUCT("key" VARCHAR, "value" VARCHAR)[])'],
    [
      'cost_category_list',
      costCategoryListExpr(e, cols) ?? 'CAST(NULL AS STRUCT("key" VARCHAR, "value" VARCHAR)[])',
    ],
    ['usage_type', e.text('line_item_usage_type')],
    ['operation', e.text('line_item_operation')],
    [
      'instance_type',
      `coalesce(${e.text('product_instance_type')}, ${e.mapText('product', 'instance_type')})`,
    ],
  ];
  f.push(['commitment_cols', commitmentColumnsSql(e)]);
  return f.map(([name, sql]) => `${sql} AS ${name}`).join(',\n    ');
}

export interface FocusSelect {
  /** `SELECT <LINE_ITEM_COLUMNS> FROM (<relation>) src`. */
  sql: string;
  missingRequired: string[];
}

/**
 * The normalizing SELECT over `relation` (SQL producing the source rows with canonical column names).
 * Its output columns are {@link LINE_ITEM_COLUMNS} in order, ready for INSERT or COPY.
 */
export function buildFocusSelect(relation: string, cols: SourceColumns, opts: MappingOptions): FocusSelect {
  const missingRequired = REQUIRED_COLUMNS.filter((c) => !cols.has(c));
  const e = new Exprs(cols);
  const hasNet = opts.edp && cols.has('line_item_net_unblended_cost');
  const chargeCategory = Object.entries(CHARGE_CATEGORY)
    .map(([type, cat]) => `WHEN ${literal(type)} THEN ${literal(cat)}`)
    .join(' ');
  const netBilled = opts.edp ? netBilledSql(hasNet) : 'unblended';
  const netEffective = opts.edp ? effectiveSql(true, hasNet) : effectiveSql(false, false);
  const period = literal(opts.billingPeriod);
  const sql = `SELECT
    ${literal(opts.orgId)} AS org_id,
    ${literal(opts.cloudAccountId)} AS cloud_account_id,
    CAST(${period} AS DATE) AS billing_period,
    payer AS billing_account_id,
    acct AS sub_account_id,
    acct_name AS sub_account_name,
    timezone('UTC', start_ts) AS charge_period_start,
    timezone('UTC', end_ts) AS charge_period_end,
    coalesce(CAST(start_ts AS DATE), CAST(${period} AS DATE)) AS usage_date,
    CASE li_type ${chargeCategory} ELSE 'Usage' END AS charge_category,
    descr AS charge_description,
    coalesce(product_name, product_code) AS service_name,
    product_code AS service_code,
    region AS region_id,
    az AS availability_zone,
    resource_id,
    family AS resource_type,
    sku AS sku_id,
    unit AS pricing_unit,
    qty AS consumed_quantity,
    ${money('unblended')} AS billed_cost,
    ${money(netBilled)} AS x_net_billed_cost,
    ${money(effectiveSql(false, false))} AS effective_cost,
    ${money(netEffective)} AS x_net_effective_cost,
    ${money('list')} AS list_cost,
    currency AS billing_currency,
    coalesce(sp_arn, ri_arn) AS commitment_discount_id,
    CASE WHEN sp_arn IS NOT NULL THEN 'Savings Plan' WHEN ri_arn IS NOT NULL THEN 'Reserved Instance' END AS commitment_discount_type,
    ${TAGS_JSON} AS tags,
    li_type AS x_line_item_type,
    usage_type AS x_usage_type,
    operation AS x_operation,
    instance_type AS x_instance_type,
    'aws' AS provider,
    commitment_cols AS x_provider_columns,
    ${listJson('cost_category_list')} AS x_cost_categories
  FROM (SELECT
    ${fieldsSql(e, cols)}
  FROM (${relation}) src) AS f`;
  return { sql, missingRequired };
}
