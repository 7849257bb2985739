import { sqlString } from './lineitems.js';

/** Per-bill facts the column expressions need. */
export interface RenderContext {
  payerAccountId: string;
  accountNames: Record<string, string>;
  costCategories: Record<string, Record<string, string>>;
  invoiceId: string;
  p0: number;
  p1: number;
  seed: number;
  resourceIds: boolean;
  /** On-line discounts fill the `discount` map; otherwise EdpDiscount rows carry them. */
  discountsOnLine: boolean;
  hasEdp: boolean;
  /** Resource-tag keys present in the period (legacy CUR has one column per key). */
  tagKeys: string[];
}

export interface Column {
  name: string;
  expr: string;
  /** Type named in the manifest. */
  type: string;
  /**
   * The expression reads only per-dimension attributes (account, product, usage type, tags), so it is computed
   * once per distinct dimension and joined, instead of once per row: building maps per row is what costs most.
   */
  dim?: boolean;
}

/** Attributes that make a dimension; `li` rows are joined to their dimension on a hash of them. */
export const DIM_ATTRS = [
  'account_id',
  'product_code',
  'product_name',
  'region',
  'usage_type',
  'operation',
  'tag_keys',
  'tag_vals',
];
export const DIM_KEY = (alias: string): string => `hash(${DIM_ATTRS.map((a) => `${alias}.${a}`).join(', ')})`;

const ts = (col: string): string => `make_timestamp((${col})::BIGINT * 1000000)`;
const tsText = (col: string, millis: boolean): string =>
  `strftime(${ts(col)}, '${millis ? '%Y-%m-%dT%H:%M:%S.000Z' : '%Y-%m-%dT%H:%M:%SZ'}')`;
const optTs = (col: string): string => `CASE WHEN ${col} IS NULL THEN '' ELSE ${tsText(col, false)} END`;
const rate = (col: string): string => `CASE WHEN ${col} IS NULL THEN '' ELSE CAST(${col} AS VARCHAR) END`;

function accountNameExpr(ctx: RenderContext, col: string): string {
  const whens = Object.entries(ctx.accountNames)
    .map(([id, n]) => `WHEN ${sqlString(id)} THEN ${sqlString(n)}`)
    .join(' ');
  return whens ? `CASE ${col} ${whens} ELSE '' END` : `''`;
}

function costCategoryMapExpr(ctx: RenderContext): string {
  const perAccount = new Map<string, Array<[string, string]>>();
  for (const name of Object.keys(ctx.costCategories).sort()) {
    for (const [acct, value] of Object.entries(ctx.costCategories[name])) {
      perAccount.set(acct, [...(perAccount.get(acct) ?? []), [name, value]]);
    }
  }
  const empty = 'MAP {}::MAP(VARCHAR, VARCHAR)';
  if (perAccount.size === 0) return empty;
  const whens = [...perAccount.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([acct, kv]) => {
      const keys = kv.map(([k]) => sqlString(k)).join(', ');
      const vals = kv.map(([, v]) => sqlString(v)).join(', ');
      return `WHEN ${sqlString(acct)} THEN map([${keys}]::VARCHAR[], [${vals}]::VARCHAR[])`;
    })
    .join(' ');
  return `CASE account_id ${whens} ELSE ${empty} END`;
}

const LINE_ID = (ctx: RenderContext): string =>
  `printf('%016x%016x', hash(${ctx.seed}, meter_id, sub, ts0, line_type), hash(${ctx.seed + 1}, account_id, product_code, region, resource_id, ts0))`;

/** CUR 2.0 columns, in the order AWS writes its standard export. `csv` renders maps as JSON text. */
export function cur2Columns(ctx: RenderContext, csv: boolean): Column[] {
  const T = (col: string): string => (csv ? tsText(col, true) : ts(col));
  const tsType = 'timestamp';
  const map = (expr: string): string => (csv ? `to_json(${expr})` : expr);
  const discount = ctx.discountsOnLine
    ? `CASE WHEN edp <> 0 THEN map_from_entries([('edp_discount', edp), ('total_discount', edp)]) ELSE MAP {}::MAP(VARCHAR, DOUBLE) END`
    : 'MAP {}::MAP(VARCHAR, DOUBLE)';
  const cols: Column[] = [
    { name: 'identity_line_item_id', expr: LINE_ID(ctx), type: 'string' },
    {
      name: 'identity_time_interval',
      expr: `${tsText('ts0', false)} || '/' || ${tsText('ts1', false)}`,
      type: 'string',
    },
    { name: 'bill_bill_type', expr: `'Anniversary'`, type: 'string' },
    { name: 'bill_billing_entity', expr: `'AWS'`, type: 'string' },
    { name: 'bill_billing_period_end_date', expr: T(`${ctx.p1}`), type: tsType },
    { name: 'bill_billing_period_start_date', expr: T(`${ctx.p0}`), type: tsType },
    { name: 'bill_invoice_id', expr: sqlString(ctx.invoiceId), type: 'string' },
    { name: 'bill_invoicing_entity', expr: `'Amazon Web Services, Inc.'`, type: 'string' },
    { name: 'bill_payer_account_id', expr: sqlString(ctx.payerAccountId), type: 'string' },
    {
      name: 'bill_payer_account_name',
      expr: sqlString(ctx.accountNames[ctx.payerAccountId] ?? ''),
      type: 'string',
    },
    { name: 'cost_category', expr: map(costCategoryMapExpr(ctx)), type: 'map<string,string>', dim: true },
    { name: 'discount', expr: map(discount), type: 'map<string,double>' },
    { name: 'discount_bundled_discount', expr: '0.0', type: 'double' },
    { name: 'discount_total_discount', expr: ctx.discountsOnLine ? 'edp' : '0.0', type: 'double' },
    { name: 'line_item_availability_zone', expr: 'az', type: 'string' },
    { name: 'line_item_blended_cost', expr: 'unblended', type: 'double' },
    { name: 'line_item_blended_rate', expr: rate('unblended_rate'), type: 'string' },
    { name: 'line_item_currency_code', expr: `'USD'`, type: 'string' },
    { name: 'line_item_legal_entity', expr: `'Amazon Web Services, Inc.'`, type: 'string' },
    { name: 'line_item_line_item_description', expr: 'description', type: 'string' },
    { name: 'line_item_line_item_type', expr: 'line_type', type: 'string' },
    { name: 'line_item_net_unblended_cost', expr: 'net_unblended', type: 'double' },
    {
      name: 'line_item_net_unblended_rate',
      expr: `CASE WHEN usage_amount <> 0 THEN CAST(net_unblended / usage_amount AS VARCHAR) ELSE '' END`,
      type: 'string',
    },
    { name: 'line_item_normalization_factor', expr: '0.0', type: 'double' },
    { name: 'line_item_operation', expr: 'operation', type: 'string' },
    { name: 'line_item_product_code', expr: 'product_code', type: 'string' },
  ];
  if (ctx.resourceIds) cols.push({ name: 'line_item_resource_id', expr: 'resource_id', type: 'string' });
  cols.push(
    {
      name: 'line_item_tax_type',
      expr: `CASE WHEN line_type = 'Tax' THEN 'Sales Tax' ELSE '' END`,
      type: 'string',
    },
    { name: 'line_item_unblended_cost', expr: 'unblended', type: 'double' },
    { name: 'line_item_unblended_rate', expr: rate('unblended_rate'), type: 'string' },
    { name: 'line_item_usage_account_id', expr: 'account_id', type: 'string' },
    {
      name: 'line_item_usage_account_name',
      expr: accountNameExpr(ctx, 'account_id'),
      type: 'string',
      dim: true,
    },
    { name: 'line_item_usage_amount', expr: 'usage_amount', type: 'double' },
    { name: 'line_item_usage_end_date', expr: T('ts1'), type: tsType },
    { name: 'line_item_usage_start_date', expr: T('ts0'), type: tsType },
    { name: 'line_item_usage_type', expr: 'usage_type', type: 'string' },
    { name: 'pricing_public_on_demand_cost', expr: 'coalesce(public_cost, 0.0)', type: 'double' },
    { name: 'pricing_public_on_demand_rate', expr: rate('public_rate'), type: 'string' },
    { name: 'pricing_term', expr: 'term', type: 'string' },
    { name: 'pricing_unit', expr: 'pricing_unit', type: 'string' },
    {
      name: 'product',
      expr: map(
        `map(['product_name', 'region', 'servicecode', 'servicename', 'usagetype', 'operation']::VARCHAR[], [product_name, region, product_code, product_name, usage_type, operation]::VARCHAR[])`,
      ),
      type: 'map<string,string>',
      dim: true,
    },
    { name: 'product_instance_type', expr: 'instance_type', type: 'string' },
    { name: 'product_product_family', expr: 'product_family', type: 'string' },
    { name: 'product_region_code', expr: 'region', type: 'string' },
    { name: 'product_servicecode', expr: 'product_code', type: 'string' },
    { name: 'product_sku', expr: 'sku', type: 'string' },
    {
      name: 'reservation_amortized_upfront_fee_for_billing_period',
      expr: 'ri_amortized_upfront',
      type: 'double',
    },
    { name: 'reservation_effective_cost', expr: 'ri_effective', type: 'double' },
    { name: 'reservation_end_time', expr: optTs('ri_end'), type: 'string' },
    { name: 'reservation_net_effective_cost', expr: 'ri_effective', type: 'double' },
    {
      name: 'reservation_net_unused_amortized_upfront_fee_for_billing_period',
      expr: 'ri_unused_upfront',
      type: 'double',
    },
    { name: 'reservation_net_unused_recurring_fee', expr: 'ri_unused_recurring', type: 'double' },
    { name: 'reservation_reservation_a_r_n', expr: 'ri_arn', type: 'string' },
    { name: 'reservation_start_time', expr: optTs('ri_start'), type: 'string' },
    {
      name: 'reservation_unused_amortized_upfront_fee_for_billing_period',
      expr: 'ri_unused_upfront',
      type: 'double',
    },
    { name: 'reservation_unused_recurring_fee', expr: 'ri_unused_recurring', type: 'double' },
    {
      name: 'resource_tags',
      expr: map(
        `map(list_transform(tag_keys, k -> 'user_' || lower(regexp_replace(k, '[^A-Za-z0-9]', '_', 'g'))), tag_vals)`,
      ),
      type: 'map<string,string>',
      dim: true,
    },
    { name: 'savings_plan_end_time', expr: optTs('sp_end'), type: 'string' },
    { name: 'savings_plan_net_savings_plan_effective_cost', expr: 'sp_effective', type: 'double' },
    { name: 'savings_plan_offering_type', expr: 'sp_offering', type: 'string' },
    { name: 'savings_plan_savings_plan_a_r_n', expr: 'sp_arn', type: 'string' },
    { name: 'savings_plan_savings_plan_effective_cost', expr: 'sp_effective', type: 'double' },
    { name: 'savings_plan_savings_plan_rate', expr: rate('sp_rate'), type: 'string' },
    { name: 'savings_plan_start_time', expr: optTs('sp_start'), type: 'string' },
    { name: 'savings_plan_total_commitment_to_date', expr: 'sp_total_commitment', type: 'double' },
    { name: 'savings_plan_used_commitment', expr: 'sp_used_commitment', type: 'double' },
  );
  return cols;
}

/** Legacy CUR columns (`category/Name`), one `resourceTags/user:KEY` per tag key seen in the period. */
export function legacyColumns(ctx: RenderContext): Array<Column & { category: string; short: string }> {
  const c = (
    category: string,
    short: string,
    expr: string,
    type: string,
  ): Column & { category: string; short: string } => ({
    name: `${category}/${short}`,
    category,
    short,
    expr,
    type,
  });
  const num = 'OptionalBigDecimal';
  const cols = [
    c('identity', 'LineItemId', LINE_ID(ctx), 'String'),
    c('identity', 'TimeInterval', `${tsText('ts0', false)} || '/' || ${tsText('ts1', false)}`, 'Interval'),
    c('bill', 'InvoiceId', sqlString(ctx.invoiceId), 'String'),
    c('bill', 'InvoicingEntity', `'Amazon Web Services, Inc.'`, 'String'),
    c('bill', 'BillingEntity', `'AWS'`, 'String'),
    c('bill', 'BillType', `'Anniversary'`, 'String'),
    c('bill', 'PayerAccountId', sqlString(ctx.payerAccountId), 'String'),
    c('bill', 'BillingPeriodStartDate', tsText(`${ctx.p0}`, false), 'DateTime'),
    c('bill', 'BillingPeriodEndDate', tsText(`${ctx.p1}`, false), 'DateTime'),
    c('lineItem', 'UsageAccountId', 'account_id', 'String'),
    c('lineItem', 'LineItemType', 'line_type', 'String'),
    c('lineItem', 'UsageStartDate', tsText('ts0', false), 'DateTime'),
    c('lineItem', 'UsageEndDate', tsText('ts1', false), 'DateTime'),
    c('lineItem', 'ProductCode', 'product_code', 'String'),
    c('lineItem', 'UsageType', 'usage_type', 'String'),
    c('lineItem', 'Operation', 'operation', 'String'),
    c('lineItem', 'AvailabilityZone', 'az', 'String'),
  ];
  if (ctx.resourceIds) cols.push(c('lineItem', 'ResourceId', 'resource_id', 'String'));
  cols.push(
    c('lineItem', 'UsageAmount', 'usage_amount', 'BigDecimal'),
    c('lineItem', 'CurrencyCode', `'USD'`, 'String'),
    c('lineItem', 'UnblendedRate', rate('unblended_rate'), 'OptionalBigDecimal'),
    c('lineItem', 'UnblendedCost', 'unblended', 'BigDecimal'),
    c('lineItem', 'BlendedRate', rate('unblended_rate'), 'OptionalBigDecimal'),
    c('lineItem', 'BlendedCost', 'unblended', 'BigDecimal'),
  );
  if (ctx.hasEdp) cols.push(c('lineItem', 'NetUnblendedCost', 'net_unblended', num));
  cols.push(
    c('lineItem', 'LineItemDescription', 'description', 'String'),
    c('lineItem', 'TaxType', `CASE WHEN line_type = 'Tax' THEN 'Sales Tax' ELSE '' END`, 'String'),
    c('lineItem', 'LegalEntity', `'Amazon Web Services, Inc.'`, 'String'),
    c('product', 'ProductName', 'product_name', 'String'),
    c('product', 'instanceType', 'instance_type', 'String'),
    c('product', 'productFamily', 'product_family', 'String'),
    c('product', 'region', 'region', 'String'),
    c('product', 'servicecode', 'product_code', 'String'),
    c('product', 'sku', 'sku', 'String'),
    c('pricing', 'publicOnDemandCost', 'public_cost', num),
    c('pricing', 'publicOnDemandRate', rate('public_rate'), num),
    c('pricing', 'term', 'term', 'String'),
    c('pricing', 'unit', 'pricing_unit', 'String'),
    c('reservation', 'AmortizedUpfrontFeeForBillingPeriod', 'ri_amortized_upfront', num),
    c('reservation', 'EffectiveCost', 'ri_effective', num),
    c('reservation', 'EndTime', optTs('ri_end'), 'OptionalString'),
    c('reservation', 'ReservationARN', 'ri_arn', 'OptionalString'),
    c('reservation', 'StartTime', optTs('ri_start'), 'OptionalString'),
    c('reservation', 'UnusedAmortizedUpfrontFeeForBillingPeriod', 'ri_unused_upfront', num),
    c('reservation', 'UnusedRecurringFee', 'ri_unused_recurring', num),
  );
  if (ctx.hasEdp) {
    cols.push(
      c('reservation', 'NetEffectiveCost', 'ri_effective', num),
      c('reservation', 'NetUnusedAmortizedUpfrontFeeForBillingPeriod', 'ri_unused_upfront', num),
      c('reservation', 'NetUnusedRecurringFee', 'ri_unused_recurring', num),
    );
  }
  cols.push(
    c('savingsPlan', 'SavingsPlanARN', 'sp_arn', 'OptionalString'),
    c('savingsPlan', 'SavingsPlanEffectiveCost', 'sp_effective', num),
    c('savingsPlan', 'SavingsPlanRate', rate('sp_rate'), num),
    c('savingsPlan', 'TotalCommitmentToDate', 'sp_total_commitment', num),
    c('savingsPlan', 'UsedCommitment', 'sp_used_commitment', num),
    c('savingsPlan', 'StartTime', optTs('sp_start'), 'OptionalString'),
    c('savingsPlan', 'EndTime', optTs('sp_end'), 'OptionalString'),
    c('savingsPlan', 'OfferingType', 'sp_offering', 'OptionalString'),
  );
  if (ctx.hasEdp) cols.push(c('savingsPlan', 'NetSavingsPlanEffectiveCost', 'sp_effective', num));
  for (const k of ctx.tagKeys) {
    cols.push(
      c(
        'resourceTags',
        `user:${k}`,
        `coalesce(list_extract(tag_vals, list_position(tag_keys, ${sqlString(k)})), '')`,
        'OptionalString',
      ),
    );
  }
  for (const name of Object.keys(ctx.costCategories).sort()) {
    const byAcct = Object.entries(ctx.costCategories[name])
      .map(([a, v]) => `WHEN ${sqlString(a)} THEN ${sqlString(v)}`)
      .join(' ');
    cols.push(
      c('costCategory', name, byAcct ? `CASE account_id ${byAcct} ELSE '' END` : `''`, 'OptionalString'),
    );
  }
  return cols;
}

const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The per-row select list; dimension columns come from the joined `dims` table. */
export function selectList(cols: Column[]): string {
  return cols
    .map((c) => (c.dim ? `dims.${quoted(c.name)} AS ${quoted(c.name)}` : `${c.expr} AS ${quoted(c.name)}`))
    .join(',\n  ');
}

/** Builds table `dims`: one row per distinct dimension in `li`, with the dimension columns computed once. */
export function dimsTableSql(cols: Column[]): string {
  const computed = cols.filter((c) => c.dim).map((c) => `${c.expr} AS ${quoted(c.name)}`);
  return `CREATE OR REPLACE TEMP TABLE dims AS SELECT ${DIM_KEY('d')} AS dim_key${computed.length ? `, ${computed.join(', ')}` : ''}
    FROM (SELECT DISTINCT ${DIM_ATTRS.join(', ')} FROM li) d`;
}
