/**
 * The values a dimension takes over a date range, with their spend: what the explorer offers in its filters and
 * what an assistant looks up before filtering (`GET /api/v1/costs/dimensions/{dimension}/values`). Tag keys are
 * a lookup of their own (`tagKeys`); the values of one tag key are the dimension `tag:KEY`.
 */
import { InputError } from '../lib/errors.js';
import type { Dialect, SqlParam, Store } from '../store/store.js';
import type { AccountNames } from './account-names.js';
import { dimensionName, parseDimension, type CostBasis, type Dimension } from './cost-query.js';
import { costColumn, dimensionSql, Params, sourceFor, whereSql, type CostSource } from './cost-sql.js';
import { exactText, toUnits, unitsToNumber } from './exact-money.js';

/** A dimension's values, or the keys of a key-value column: tag keys, or the names of the cost categories. */
export type LookupDimension = Dimension | { kind: 'tagKey' } | { kind: 'costCategoryName' };

type KeyLookup = Extract<LookupDimension, { kind: 'tagKey' | 'costCategoryName' }>;
const KEY_COLUMNS: Record<KeyLookup['kind'], string> = {
  tagKey: 'tags',
  costCategoryName: 'x_cost_categories',
};
const isKeyLookup = (d: LookupDimension): d is KeyLookup =>
  d.kind === 'tagKey' || d.kind === 'costCategoryName';

export const MAX_VALUES = 1000;

/** Plural and key-listing names the lookup takes beside the dimensions of a cost query. */
const LOOKUP_ALIASES: Record<string, string> = {
  regions: 'region',
  usagetypes: 'usageType',
  usage_types: 'usageType',
  'usage-types': 'usageType',
  chargecategories: 'chargeCategory',
  charge_categories: 'chargeCategory',
};
const TAG_KEY_NAMES = new Set(['tagkeys', 'tag_keys', 'tag-keys', 'tags', 'tag']);
const COST_CATEGORY_NAMES = new Set(['costcategories', 'cost_categories', 'cost-categories', 'costcategory']);

export function parseLookupDimension(text: string, field = 'dimension'): LookupDimension {
  const t = text.trim();
  if (TAG_KEY_NAMES.has(t.toLowerCase())) return { kind: 'tagKey' };
  if (COST_CATEGORY_NAMES.has(t.toLowerCase())) return { kind: 'costCategoryName' };
  return parseDimension(LOOKUP_ALIASES[t.toLowerCase()] ?? t, field);
}

export function lookupName(d: LookupDimension): string {
  if (d.kind === 'tagKey') return 'tagKeys';
  return d.kind === 'costCategoryName' ? 'costCategories' : dimensionName(d);
}

export interface DimensionValuesOptions {
  from: string;
  to: string;
  search?: string;
  limit?: number;
  basis?: CostBasis;
}

export interface DimensionValue {
  /** null = rows without a value (untagged, no region…). */
  value: string | null;
  label: string;
  cost: number;
}

export interface DimensionValuesAnswer {
  dimension: string;
  from: string;
  to: string;
  basis: CostBasis;
  currency: string;
  search: string | null;
  /** Largest spend first. */
  values: DimensionValue[];
  /** Values matching before the limit. */
  count: number;
  truncated: boolean;
}

export type ValueRow = { v: string | null; cost: string | null; n: number | string };

/** Values with their spend in one currency ('' = rows without one), largest first, with the count before `limit`. */
export function dimensionValuesSql(
  orgId: string,
  d: LookupDimension,
  o: Required<Pick<DimensionValuesOptions, 'from' | 'to' | 'limit' | 'basis'>> & { search?: string },
  currency: string,
  dialect: Dialect,
): { sql: string; params: SqlParam[]; source: CostSource } {
  const p = new Params();
  const source: CostSource = isKeyLookup(d) ? 'cost_line_items' : sourceFor([d]);
  const expr = isKeyLookup(d) ? 'k.key' : dimensionSql(d, source, dialect, p);
  const extra = [currency ? `billing_currency = ${p.add(currency)}` : 'billing_currency IS NULL'];
  if (o.search) extra.push(`strpos(lower(${expr}), lower(${p.add(o.search)})) > 0`);
  const dimensions = isKeyLookup(d) ? [] : [d];
  const where = whereSql(
    { orgId, from: o.from, to: o.to, filters: [], dimensions, extra },
    source,
    dialect,
    p,
  );
  const from = isKeyLookup(d)
    ? `cost_line_items li CROSS JOIN LATERAL ${dialect.jsonKeys(`NULLIF(li.${KEY_COLUMNS[d.kind]}, '')`)} k`
    : source;
  const sql = `SELECT v, ${exactText('cost')} AS cost, n FROM (
  SELECT ${expr} AS v, SUM(${costColumn(source, o.basis)}) AS cost, COUNT(*) OVER () AS n
  FROM ${from} WHERE ${where} GROUP BY 1
) x ORDER BY x.cost DESC, v LIMIT ${p.add(o.limit)}`;
  return { sql, params: p.values, source };
}

export function checkLookupOptions(o: DimensionValuesOptions): { limit: number; search?: string } {
  const limit = o.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_VALUES)
    throw new InputError('limit', `limit: must be a whole number from 1 to ${MAX_VALUES}`);
  const search = o.search?.trim() || undefined;
  if (search !== undefined && search.length > 200)
    throw new InputError('search', 'search: at most 200 characters');
  return { limit, search };
}

/** Reads the values and labels them (accounts by name). */
export async function readDimensionValues(
  deps: { store: Pick<Store, 'query' | 'dialect'>; accountNames: AccountNames },
  orgId: string,
  d: LookupDimension,
  o: Required<Pick<DimensionValuesOptions, 'from' | 'to' | 'limit' | 'basis'>> & { search?: string },
  currency: string,
): Promise<Pick<DimensionValuesAnswer, 'values' | 'count' | 'truncated'>> {
  const { sql, params } = dimensionValuesSql(orgId, d, o, currency, deps.store.dialect);
  const rows = await deps.store.query<ValueRow>(sql, params);
  const names =
    d.kind === 'account'
      ? await deps.accountNames.lookup(
          orgId,
          rows.map((r) => r.v ?? '').filter((v) => v !== ''),
        )
      : new Map<string, string>();
  const values = rows.map((r) => {
    const value = r.v === '' || r.v === null ? null : r.v;
    const name = value === null ? undefined : names.get(value);
    const none = d.kind === 'tag' ? '(untagged)' : '(none)';
    return {
      value,
      label: value === null ? none : name ? `${name} (${value})` : value,
      cost: unitsToNumber(toUnits(r.cost)),
    };
  });
  const count = rows.length ? Number(rows[0].n) : 0;
  return { values, count, truncated: count > values.length };
}
