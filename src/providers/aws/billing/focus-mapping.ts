/**
 * The one mapping from CUR columns (canonical snake_case names, see column-names.ts) to the FOCUS-aligned
 * columns of `cost_line_items`, as DuckDB SQL. Readers of every flavour present their files as a relation
 * `src` with canonical column names and the DuckDB types they arrived with; this module turns whatever
 * subset of columns is there into typed expressions (a missing optional column is NULL) and the cost
 * formulas of AWS-FACTS §3.
 */
import { LINE_ITEM_COLUMNS } from '../../../billing/line-item-columns.js';
import {
  COST_CATEGORY_COLUMN_PREFIX,
  TAG_COLUMN_PREFIX,
  canonicalTagKeySql,
  ident,
  literal,
} from './column-names.js';

/** The columns of `cost_line_items` (src/billing/line-item-columns.ts), which the mapping produces in order. */
export { LINE_ITEM_COLUMNS };

/** Columns without which a file cannot be billing data. */
export const REQUIRED_COLUMNS = [
  'line_item_usage_account_id',
  'line_item_line_item_type',
  'line_item_usage_start_date',
  'line_item_unblended_cost',
] as const;

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

export interface MappingOptions {
  orgId: string;
  cloudAccountId: string;
  /** First day of the billing period, `YYYY-MM-DD`. */
  billingPeriod: string;
  /** The account has an EDP / private pricing: net costs take its discounts into account. */
  edp: boolean;
}

/** Canonical column name → DuckDB type name as DESCRIBE reports it (`VARCHAR`, `DOUBLE`, `MAP(...)`, …). */
export type SourceColumns = ReadonlyMap<string, string>;

const isText = (type: string) => type === 'VARCHAR' || type.startsWith('JSON');
const isMap = (type: string) => type.startsWith('MAP(');

class Exprs {
  constructor(private readonly cols: SourceColumns) {}

  has(name: string): boolean {
    return this.cols.has(name);
  }

  private ref(name: string): string {
    return `src.${ident(name)}`;
  }

  /** Text value; empty text counts as missing, as in CUR CSV files. */
  text(name: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS VARCHAR)';
    if (isText(type)) return `NULLIF(${this.ref(name)}, '')`;
    return `CAST(${this.ref(name)} AS VARCHAR)`;
  }

  /** Numeric value as DOUBLE: Parquet gives doubles, CSV gives text (empty = missing); wrong text fails the load. */
  num(name: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS DOUBLE)';
    if (isText(type)) return `CAST(NULLIF(trim(${this.ref(name)}), '') AS DOUBLE)`;
    return `CAST(${this.ref(name)} AS DOUBLE)`;
  }

  /** A UTC instant as a naive TIMESTAMP. CUR writes UTC with or without `T`/`Z`; an explicit offset is honoured. */
  ts(name: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS TIMESTAMP)';
    const r = this.ref(name);
    if (type === 'TIMESTAMP WITH TIME ZONE') return `timezone('UTC', ${r})`;
    if (type.startsWith('TIMESTAMP') || type === 'DATE') return `CAST(${r} AS TIMESTAMP)`;
    const t = `NULLIF(trim(CAST(${r} AS VARCHAR)), '')`;
    return (
      `CASE WHEN length(${t}) > 19 AND NOT ends_with(${t}, 'Z') AND regexp_matches(${t}, '[+-][0-9]{2}:?[0-9]{2}$') ` +
      `THEN timezone('UTC', CAST(${t} AS TIMESTAMPTZ)) ELSE CAST(${t} AS TIMESTAMP) END`
    );
  }

  /** Text value of `key` in a map column (a MAP in Parquet, JSON text in CSV). */
  mapText(name: string, key: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS VARCHAR)';
    if (isMap(type))
      return `NULLIF(CAST(map_extract_value(${this.ref(name)}, ${literal(key)}) AS VARCHAR), '')`;
    return `NULLIF(json_extract_string(NULLIF(${this.ref(name)}, ''), ${literal(`$."${key}"`)}), '')`;
  }

  /** A map column as a list of `{key, value}` text entries (empty list when absent). */
  mapEntries(name: string): string {
    const type = this.cols.get(name);
    const empty = 'CAST([] AS STRUCT("key" VARCHAR, "value" VARCHAR)[])';
    if (type === undefined) return empty;
    const asMap = isMap(type)
      ? `CAST(${this.ref(name)} AS MAP(VARCHAR, VARCHAR))`
      : `CAST(json(NULLIF(trim(${this.ref(name)}), '')) AS MAP(VARCHAR, VARCHAR))`;
    return `coalesce(map_entries(${asMap}), ${empty})`;
  }

  /** Sum of the numeric values of a map column (the CUR 2.0 `discount` map). */
  mapSum(name: string, key?: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS DOUBLE)';
    const asMap = isMap(type)
      ? `CAST(${this.ref(name)} AS MAP(VARCHAR, DOUBLE))`
      : `CAST(json(NULLIF(trim(${this.ref(name)}), '')) AS MAP(VARCHAR, DOUBLE))`;
    if (key) return `map_extract_value(${asMap}, ${literal(key)})`;
    return `list_sum(map_values(${asMap}))`;
  }
}

/** The tags as a sorted list of `{key, value}` with canonical keys and no empty values (inner projection). */
function tagListExpr(e: Exprs, cols: SourceColumns): string | undefined {
  const parts: string[] = [];
  if (e.has('resource_tags')) {
    parts.push(
      `list_transform(${e.mapEntries('resource_tags')}, x -> {'key': ${canonicalTagKeySql('x.key')}, 'value': x.value})`,
    );
  }
  const tagColumns = [...cols.keys()].filter((c) => c.startsWith(TAG_COLUMN_PREFIX)).sort();
  if (tagColumns.length > 0) {
    const structs = tagColumns.map(
      (c) => `{'key': ${literal(c.slice(TAG_COLUMN_PREFIX.length))}, 'value': ${e.text(c)}}`,
    );
    parts.push(`[${structs.join(', ')}]`);
  }
  if (parts.length === 0) return undefined;
  const all = parts.length === 1 ? parts[0] : `list_concat(${parts.join(', ')})`;
  return `list_sort(list_filter(${all}, x -> x.value IS NOT NULL AND x.value <> ''))`;
}

/**
 * The cost categories as a sorted list of `{key, value}` (inner projection): CUR 2.0's `cost_category` map, or
 * legacy CUR's one column per category; a line outside a category (empty value) has no entry for it.
 */
function costCategoryListExpr(e: Exprs, cols: SourceColumns): string | undefined {
  const parts: string[] = [];
  if (e.has('cost_category')) parts.push(e.mapEntries('cost_category'));
  const columns = [...cols.keys()].filter((c) => c.startsWith(COST_CATEGORY_COLUMN_PREFIX)).sort();
  if (columns.length > 0) {
    const structs = columns.map(
      (c) => `{'key': ${literal(c.slice(COST_CATEGORY_COLUMN_PREFIX.length))}, 'value': ${e.text(c)}}`,
    );
    parts.push(`[${structs.join(', ')}]`);
  }
  if (parts.length === 0) return undefined;
  const all = parts.length === 1 ? parts[0] : `list_concat(${parts.join(', ')})`;
  return `list_sort(list_filter(${all}, x -> x.value IS NOT NULL AND x.value <> ''))`;
}

/** JSON object text of a `{key, value}` list (outer projection); NULL when the list is empty. */
const listJson = (list: string) =>
  `CASE WHEN len(${list}) = 0 THEN NULL ELSE ` +
  `'{' || array_to_string(list_transform(${list}, x -> to_json(x.key) || ':' || to_json(x.value)), ',') || '}' END`;

/** JSON text of the tag list (outer projection); NULL when a line has no tags. */
const TAGS_JSON = listJson('tag_list');

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

const inList = (values: readonly string[]) => values.map(literal).join(', ');

/**
 * The commitment columns kept on a commitment's own fee lines (RIFee, SavingsPlanRecurringFee,
 * SavingsPlanUpfrontFee, a reservation's Fee) in `x_provider_columns`: the terms the commitments domain reports
 * (start, end, type, payment, term, count) and the savings plan commitment figures, which have no column of their own.
 */
export const COMMITMENT_COLUMNS = [
  'reservation_start_time',
  'reservation_end_time',
  'reservation_number_of_reservations',
  'reservation_amortized_upfront_fee_for_billing_period',
  'reservation_upfront_value',
  'pricing_purchase_option',
  'pricing_lease_contract_length',
  'pricing_offering_class',
  'savings_plan_start_time',
  'savings_plan_end_time',
  'savings_plan_offering_type',
  'savings_plan_payment_option',
  'savings_plan_purchase_term',
  'savings_plan_region',
  'savings_plan_instance_type_family',
  'savings_plan_total_commitment_to_date',
  'savings_plan_used_commitment',
  'savings_plan_recurring_commitment_for_billing_period',
  'savings_plan_amortized_upfront_commitment_for_billing_period',
] as const;

const COMMITMENT_FEE_TYPES = ['RIFee', 'SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee', 'Fee'];

/** JSON text of the export's commitment columns on a commitment's fee lines; NULL on every other line. */
function commitmentColumnsSql(e: Exprs): string {
  const present = COMMITMENT_COLUMNS.filter((c) => e.has(c));
  if (present.length === 0) return 'CAST(NULL AS VARCHAR)';
  const pairs = present.map((c) => `${literal(c)}, ${e.text(c)}`).join(', ');
  const arn = `coalesce(${e.text('reservation_reservation_a_r_n')}, ${e.text('savings_plan_savings_plan_a_r_n')})`;
  return (
    `CASE WHEN ${arn} IS NOT NULL AND ${e.text('line_item_line_item_type')} IN (${inList(COMMITMENT_FEE_TYPES)}) ` +
    `THEN CAST(json_object(${pairs}) AS VARCHAR) END`
  );
}

/** SQL CASE over `li_type` for amortized cost; `net` picks the `*_net_*` counterparts (AWS-FACTS §3). */
function effectiveSql(net: boolean, hasNetColumn: boolean): string {
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
function netBilledSql(hasNetColumn: boolean): string {
  const discountLine = `li_type IN (${inList(DISCOUNT_LINE_TYPES)})`;
  if (hasNetColumn) {
    return `CASE WHEN ${discountLine} THEN 0 ELSE coalesce(net_unblended, unblended + coalesce(discount_total, 0)) END`;
  }
  return `CASE WHEN ${discountLine} THEN unblended ELSE unblended + coalesce(discount_total, 0) END`;
}

const money = (expr: string) => `CAST(round(${expr}, 10) AS DECIMAL(18,10))`;

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
