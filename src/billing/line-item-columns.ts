/**
 * The columns of `cost_line_items`, in the order every writer uses (INSERT … SELECT, COPY, CSV). A billing source
 * of any provider produces exactly these columns: FOCUS 1.x names where FOCUS has one (snake_case), `x_` columns
 * for the rest.
 *
 * - `provider`: the cloud the line is from (`aws`, `azure`, `gcp`, `oci`, …): the account's provider for a
 *   provider's own source, the row's `ProviderName` for a FOCUS export (migration 34).
 * - `x_provider_columns`: the row's provider-specific columns that have no column here (a FOCUS export's `x_`
 *   columns; an AWS commitment's terms on its fee lines), as JSON object text, or NULL (migration 34).
 * - `x_cost_categories`: the provider's own cost categories of the line (AWS cost categories: name → value), as
 *   JSON object text with keys sorted, or NULL when the line has none (migration 37).
 */
export const LINE_ITEM_COLUMNS = [
  'org_id',
  'cloud_account_id',
  'billing_period',
  'billing_account_id',
  'sub_account_id',
  'sub_account_name',
  'charge_period_start',
  'charge_period_end',
  'usage_date',
  'charge_category',
  'charge_description',
  'service_name',
  'service_code',
  'region_id',
  'availability_zone',
  'resource_id',
  'resource_type',
  'sku_id',
  'pricing_unit',
  'consumed_quantity',
  'billed_cost',
  'x_net_billed_cost',
  'effective_cost',
  'x_net_effective_cost',
  'list_cost',
  'billing_currency',
  'commitment_discount_id',
  'commitment_discount_type',
  'tags',
  'x_line_item_type',
  'x_usage_type',
  'x_operation',
  'x_instance_type',
  'provider',
  'x_provider_columns',
  'x_cost_categories',
] as const;

export type LineItemColumn = (typeof LINE_ITEM_COLUMNS)[number];
