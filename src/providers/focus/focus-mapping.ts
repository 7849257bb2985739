/**
 * The one mapping from a FOCUS export's columns to the columns of `cost_line_items`, as DuckDB SQL over a relation
 * of the export's files. Real exports differ in small ways, all handled here: `NULL` written as text, timestamps
 * with a space or a `T`, with or without `Z` or an offset, tags as JSON text (CSV) or a MAP / STRUCT (Parquet),
 * columns in any letter case, and any number of providers and currencies in one file.
 */
import { LINE_ITEM_COLUMNS } from '../../billing/line-item-columns.js';
import { ident, literal } from '../../billing/sql-text.js';
import { providerIdSql } from './focus-columns.js';

/** Column name as the file spells it, and its DuckDB type, by lower-cased name. */
export type FocusSourceColumns = ReadonlyMap<string, { name: string; type: string }>;

export interface FocusMappingOptions {
  orgId: string;
  cloudAccountId: string;
}

const isText = (type: string) => type === 'VARCHAR' || type.startsWith('JSON');

class Exprs {
  constructor(private readonly cols: FocusSourceColumns) {}

  private col(name: string) {
    return this.cols.get(name.toLowerCase());
  }

  /** Text; empty text and the literal `NULL` count as missing. */
  text(name: string): string {
    const c = this.col(name);
    if (!c) return 'CAST(NULL AS VARCHAR)';
    const r = `src.${ident(c.name)}`;
    if (!isText(c.type)) return `CAST(${r} AS VARCHAR)`;
    return `CASE WHEN upper(trim(${r})) IN ('', 'NULL') THEN NULL ELSE ${r} END`;
  }

  num(name: string): string {
    const c = this.col(name);
    if (!c) return 'CAST(NULL AS DOUBLE)';
    return isText(c.type)
      ? `CAST(trim(${this.text(name)}) AS DOUBLE)`
      : `CAST(src.${ident(c.name)} AS DOUBLE)`;
  }

  /** A UTC instant as a naive TIMESTAMP (`2025-01-01 00:00:00`, `2025-01-01T00:00:00Z`, `…+02:00`). */
  ts(name: string): string {
    const c = this.col(name);
    if (!c) return 'CAST(NULL AS TIMESTAMP)';
    const r = `src.${ident(c.name)}`;
    if (c.type === 'TIMESTAMP WITH TIME ZONE') return `timezone('UTC', ${r})`;
    if (c.type.startsWith('TIMESTAMP') || c.type === 'DATE') return `CAST(${r} AS TIMESTAMP)`;
    const t = `trim(${this.text(name)})`;
    return (
      `CASE WHEN ends_with(${t}, 'Z') OR regexp_matches(${t}, '[T ][0-9:.]+[+-][0-9]{2}:?[0-9]{2}$') ` +
      `THEN timezone('UTC', CAST(${t} AS TIMESTAMPTZ)) ELSE CAST(${t} AS TIMESTAMP) END`
    );
  }

  /** A key-value column (JSON text in CSV, a MAP or STRUCT in Parquet) as JSON object text, NULL when empty. */
  object(name: string): string {
    const c = this.col(name);
    if (!c) return 'CAST(NULL AS VARCHAR)';
    const r = `src.${ident(c.name)}`;
    const json = isText(c.type)
      ? `CAST(json(${this.text(name)}) AS VARCHAR)`
      : `CAST(to_json(${r}) AS VARCHAR)`;
    return `NULLIF(NULLIF(${json}, '{}'), 'null')`;
  }

  /** The `x_` columns as one JSON object text (NULL without any). */
  extensions(): string {
    const xs = [...this.cols.values()].filter((c) => /^x_/i.test(c.name));
    if (xs.length === 0) return 'CAST(NULL AS VARCHAR)';
    const pairs = xs.map(
      (c) => `${literal(c.name)}, ${isText(c.type) ? this.text(c.name) : `src.${ident(c.name)}`}`,
    );
    return `CAST(json_object(${pairs.join(', ')}) AS VARCHAR)`;
  }
}

const money = (expr: string) => `CAST(round(${expr}, 10) AS DECIMAL(18,10))`;

/** The billing month (`YYYY-MM-01`, DATE) of a FOCUS row, as SQL over `src`. */
export function billingPeriodSql(cols: FocusSourceColumns): string {
  return `CAST(date_trunc('month', ${new Exprs(cols).ts('BillingPeriodStart')}) AS DATE)`;
}

/** The normalizing SELECT over `relation`: the columns of `cost_line_items`, in order. */
export function buildFocusSelect(
  relation: string,
  cols: FocusSourceColumns,
  opts: FocusMappingOptions,
): string {
  const e = new Exprs(cols);
  const start = e.ts('ChargePeriodStart');
  const provider = cols.has('serviceprovidername')
    ? `coalesce(${e.text('ServiceProviderName')}, ${e.text('ProviderName')})`
    : e.text('ProviderName');
  const out: Record<(typeof LINE_ITEM_COLUMNS)[number], string> = {
    org_id: literal(opts.orgId),
    cloud_account_id: literal(opts.cloudAccountId),
    billing_period: billingPeriodSql(cols),
    billing_account_id: e.text('BillingAccountId'),
    sub_account_id: e.text('SubAccountId'),
    sub_account_name: e.text('SubAccountName'),
    charge_period_start: `timezone('UTC', ${start})`,
    charge_period_end: `timezone('UTC', ${e.ts('ChargePeriodEnd')})`,
    usage_date: `CAST(${start} AS DATE)`,
    charge_category: e.text('ChargeCategory'),
    charge_description: e.text('ChargeDescription'),
    service_name: e.text('ServiceName'),
    service_code: `coalesce(${e.text('x_ServiceCode')}, ${e.text('ServiceName')})`,
    region_id: `coalesce(${e.text('RegionId')}, ${e.text('Region')})`,
    availability_zone: e.text('AvailabilityZone'),
    resource_id: e.text('ResourceId'),
    resource_type: e.text('ResourceType'),
    sku_id: e.text('SkuId'),
    pricing_unit: e.text('PricingUnit'),
    consumed_quantity: e.num('ConsumedQuantity'),
    billed_cost: money(e.num('BilledCost')),
    // FOCUS's BilledCost is what is invoiced, negotiated discounts included; EffectiveCost is its amortized form.
    x_net_billed_cost: money(e.num('BilledCost')),
    effective_cost: money(e.num('EffectiveCost')),
    x_net_effective_cost: money(e.num('EffectiveCost')),
    list_cost: money(e.num('ListCost')),
    billing_currency: e.text('BillingCurrency'),
    commitment_discount_id: e.text('CommitmentDiscountId'),
    commitment_discount_type: e.text('CommitmentDiscountType'),
    tags: e.object('Tags'),
    x_line_item_type: 'CAST(NULL AS VARCHAR)',
    x_usage_type: e.text('x_UsageType'),
    x_operation: e.text('x_Operation'),
    x_instance_type: 'CAST(NULL AS VARCHAR)',
    provider: providerIdSql(provider),
    x_provider_columns: e.extensions(),
    // FOCUS has no cost category column; AWS's FOCUS export carries them in its `x_CostCategories` extension.
    x_cost_categories: e.object('x_CostCategories'),
  };
  return `SELECT ${LINE_ITEM_COLUMNS.map((c) => `${out[c]} AS ${c}`).join(',\n    ')}
  FROM (${relation}) src`;
}
