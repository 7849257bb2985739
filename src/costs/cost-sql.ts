/**
 * SQL for cost queries. Dimensions that the `cost_daily` rollup holds are answered from it; resource, usage
 * type and tags need `cost_line_items`. Both tables carry the same costs, so the choice changes speed only.
 */
import type { Dialect, SqlParam } from '../store/store.js';
import type { CostBasis, CostFilter, CostQuery, Dimension, Granularity } from './cost-query.js';

export type CostSource = 'cost_daily' | 'cost_line_items';

const DAILY_COLUMNS: Partial<Record<Dimension['kind'], string>> = {
  account: 'sub_account_id',
  service: 'service_name',
  region: 'region_id',
  chargeCategory: 'charge_category',
};

const LINE_ITEM_COLUMNS: Partial<Record<Dimension['kind'], string>> = {
  ...DAILY_COLUMNS,
  resource: 'resource_id',
  usageType: 'x_usage_type',
};

const COST_COLUMNS: Record<CostSource, Record<CostBasis, string>> = {
  cost_daily: {
    billed: 'billed_cost',
    net: 'net_billed_cost',
    amortized: 'effective_cost',
    net_amortized: 'net_effective_cost',
  },
  cost_line_items: {
    billed: 'billed_cost',
    net: 'x_net_billed_cost',
    amortized: 'effective_cost',
    net_amortized: 'x_net_effective_cost',
  },
};

export function costColumn(source: CostSource, basis: CostBasis): string {
  return COST_COLUMNS[source][basis];
}

export function sourceFor(dimensions: readonly Dimension[]): CostSource {
  return dimensions.every((d) => DAILY_COLUMNS[d.kind] !== undefined) ? 'cost_daily' : 'cost_line_items';
}

/** Collects positional parameters while SQL is assembled. */
export class Params {
  readonly values: SqlParam[] = [];
  add(v: SqlParam): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The value of a dimension as text, with "no value" (NULL or empty) as ''. */
export function dimensionSql(d: Dimension, source: CostSource, dialect: Dialect, p: Params): string {
  if (d.kind === 'tag') {
    if (source !== 'cost_line_items') throw new Error('tags are only on line items');
    return `COALESCE(${dialect.jsonText("NULLIF(tags, '')", p.add(d.key))}, '')`;
  }
  const col = (source === 'cost_daily' ? DAILY_COLUMNS : LINE_ITEM_COLUMNS)[d.kind];
  if (!col) throw new Error(`${d.kind} is not a column of ${source}`);
  return `COALESCE(${col}, '')`;
}

export function filterSql(
  filters: readonly CostFilter[],
  source: CostSource,
  dialect: Dialect,
  p: Params,
): string[] {
  return filters.map((f) => {
    const expr = dimensionSql(f.dimension, source, dialect, p);
    const list = f.values.map((v) => p.add(v ?? '')).join(', ');
    return `${expr} ${f.exclude ? 'NOT IN' : 'IN'} (${list})`;
  });
}

export function periodSql(granularity: Granularity): string {
  return granularity === 'day' ? 'usage_date' : `CAST(date_trunc('month', usage_date) AS DATE)`;
}

export interface WhereOptions {
  orgId: string;
  from: string;
  to: string;
  currency?: string;
  filters: readonly CostFilter[];
  extra?: string[];
}

export function whereSql(o: WhereOptions, source: CostSource, dialect: Dialect, p: Params): string {
  const parts = [
    `org_id = ${p.add(o.orgId)}`,
    `usage_date >= ${p.add(o.from)}`,
    `usage_date <= ${p.add(o.to)}`,
  ];
  if (o.currency) parts.push(`billing_currency = ${p.add(o.currency)}`);
  parts.push(...filterSql(o.filters, source, dialect, p), ...(o.extra ?? []));
  return parts.join(' AND ');
}

export type GroupedRow = {
  period: string;
  currency: string;
  g1: string | null;
  g2: string | null;
  /** Rank of the group by total within its currency (1 = largest); for the folded "other" rows, the smallest rank folded. */
  rn: number;
  /** Number of groups in the currency before folding. */
  n: number;
  top: boolean;
  cost: number;
};

/**
 * One statement for the grouped series: sums per period and group, ranks groups by their total within each
 * currency, and folds groups past `limit` into one "other" group per period.
 */
export function groupedSql(
  q: CostQuery,
  orgId: string,
  dialect: Dialect,
): { sql: string; params: SqlParam[]; source: CostSource } {
  const dims = [...q.groupBy, ...q.filters.map((f) => f.dimension)];
  const source = sourceFor(dims);
  const p = new Params();
  const g = q.groupBy.map((d) => dimensionSql(d, source, dialect, p));
  const g1 = g[0] ?? `''`;
  const g2 = g[1] ?? `''`;
  const where = whereSql(
    { orgId, from: q.from, to: q.to, currency: q.currency, filters: q.filters },
    source,
    dialect,
    p,
  );
  const limit = p.add(q.limit);
  const sql = `
WITH base AS (
  SELECT ${periodSql(q.granularity)} AS period, COALESCE(billing_currency, '') AS currency, ${g1} AS g1, ${g2} AS g2,
         SUM(${costColumn(source, q.basis)}) AS cost
  FROM ${source}
  WHERE ${where}
  GROUP BY 1, 2, 3, 4
), totals AS (
  SELECT currency, g1, g2, SUM(cost) AS total FROM base GROUP BY currency, g1, g2
), ranked AS (
  SELECT currency, g1, g2,
         ROW_NUMBER() OVER (PARTITION BY currency ORDER BY total DESC, g1, g2) AS rn,
         COUNT(*) OVER (PARTITION BY currency) AS n
  FROM totals
)
SELECT b.period AS period, b.currency AS currency,
       CASE WHEN r.rn <= ${limit} THEN b.g1 END AS g1,
       CASE WHEN r.rn <= ${limit} THEN b.g2 END AS g2,
       (r.rn <= ${limit}) AS top,
       MIN(r.rn) AS rn, MAX(r.n) AS n, SUM(b.cost) AS cost
FROM base b JOIN ranked r ON r.currency = b.currency AND r.g1 = b.g1 AND r.g2 = b.g2
GROUP BY 1, 2, 3, 4, 5`;
  return { sql, params: p.values, source };
}
