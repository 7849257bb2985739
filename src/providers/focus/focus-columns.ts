/**
 * The FOCUS columns Cloudtally reads (FOCUS 1.0, 1.1 and 1.2, as written by AWS Data Exports, Azure Cost
 * Management, Google Cloud's FOCUS view and Oracle Cloud), and how a file's header is recognized: a FOCUS export,
 * a CUR pointed at as FOCUS, or neither. Names compare without case (files write PascalCase).
 */

/** Columns without which rows cannot be stored: `[one of these names]` each (1.2 renamed ProviderName). */
export const REQUIRED_FOCUS_COLUMNS: readonly (readonly string[])[] = [
  ['BilledCost'],
  ['EffectiveCost'],
  ['BillingCurrency'],
  ['BillingAccountId'],
  ['BillingPeriodStart'],
  ['ChargePeriodStart'],
  ['ChargeCategory'],
  ['ServiceName'],
  ['ProviderName', 'ServiceProviderName'],
];

/** FOCUS columns mapped one to one onto a column of cost_line_items (the rest of FOCUS is not stored). */
export const FOCUS_TO_LINE_ITEM: Readonly<Record<string, string>> = {
  BillingAccountId: 'billing_account_id',
  SubAccountId: 'sub_account_id',
  SubAccountName: 'sub_account_name',
  ChargePeriodStart: 'charge_period_start',
  ChargePeriodEnd: 'charge_period_end',
  ChargeCategory: 'charge_category',
  ChargeDescription: 'charge_description',
  ServiceName: 'service_name',
  RegionId: 'region_id',
  AvailabilityZone: 'availability_zone',
  ResourceId: 'resource_id',
  ResourceType: 'resource_type',
  SkuId: 'sku_id',
  PricingUnit: 'pricing_unit',
  ConsumedQuantity: 'consumed_quantity',
  BilledCost: 'billed_cost',
  EffectiveCost: 'effective_cost',
  ListCost: 'list_cost',
  BillingCurrency: 'billing_currency',
  CommitmentDiscountId: 'commitment_discount_id',
  CommitmentDiscountType: 'commitment_discount_type',
  Tags: 'tags',
};

/** Columns every CUR has and no FOCUS export does (CUR 2.0 snake_case, legacy `lineItem/…`, Athena names). */
const CUR_MARKERS = [
  'lineitemlineitemtype',
  'lineitemunblendedcost',
  'lineitemusageaccountid',
  'lineitemusagestartdate',
  'billbillingperiodstartdate',
];

/** FOCUS columns no CUR has. */
const FOCUS_MARKERS = [
  'billedcost',
  'effectivecost',
  'chargeperiodstart',
  'billingaccountid',
  'chargecategory',
];

const squash = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

export type FocusHeader =
  | { kind: 'focus'; missing: string[]; extensions: string[] }
  | { kind: 'cur'; seen: string[] }
  | { kind: 'other'; missing: string[] };

/** What a data file's header is. `missing` names the required FOCUS columns it lacks (by their FOCUS name). */
export function classifyFocusHeader(headers: readonly string[]): FocusHeader {
  const names = new Set(headers.map((h) => h.trim().toLowerCase()));
  const missing = REQUIRED_FOCUS_COLUMNS.filter((alts) => !alts.some((a) => names.has(a.toLowerCase()))).map(
    (alts) => alts.join(' or '),
  );
  const squashed = headers.map(squash);
  const cur = headers.filter((_h, i) => CUR_MARKERS.includes(squashed[i]));
  const focus = squashed.filter((h) => FOCUS_MARKERS.includes(h));
  if (cur.length >= 2 && focus.length < 2) return { kind: 'cur', seen: cur.map((h) => h.trim()) };
  if (focus.length >= 2) {
    return { kind: 'focus', missing, extensions: headers.filter((h) => /^x_/i.test(h.trim())) };
  }
  return { kind: 'other', missing };
}

/**
 * The provider id of a FOCUS `ProviderName` (`ServiceProviderName` in 1.2), as SQL over `expr`: the names the
 * clouds write map to Cloudtally's provider ids (`aws`, `azure`, `gcp`, `oci`), so that a FOCUS row of AWS and a
 * row of the AWS provider's own source share one `provider` value; any other name is kept, lower-cased.
 */
export function providerIdSql(expr: string): string {
  const n = `lower(trim(${expr}))`;
  return `CASE
      WHEN ${n} IN ('aws', 'amazon web services', 'amazon', 'amazon web services, inc.') THEN 'aws'
      WHEN ${n} IN ('microsoft', 'azure', 'microsoft azure', 'microsoft corporation') THEN 'azure'
      WHEN ${n} IN ('google', 'google cloud', 'google cloud platform', 'gcp') THEN 'gcp'
      WHEN ${n} IN ('oracle', 'oracle cloud infrastructure', 'oci', 'oracle cloud') THEN 'oci'
      WHEN ${n} = '' THEN NULL
      ELSE ${n} END`;
}
