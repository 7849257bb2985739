/**
 * SQL for cost queries. Dimensions that the `cost_daily` rollup holds are answered from it; resource, usage
 * type and tags need `cost_line_items`. Both tables carry the same costs, so the choice changes speed only.
 */
import { InputError } from '../lib/errors.js';
import type { Dialect, SqlParam } from '../store/store.js';
import {
  dimensionName,
  type CostBasis,
  type CostFilter,
  type CostQuery,
  type Dimension,
  type Granularity,
} from './cost-query.js';
import { eachDay, eachMonth, monthEnd } from './dates.js';
import { exactText } from './exact-money.js';

/** `cost_allocations`: the rollup's grain split by the value of one allocation dimension (src/allocation). */
export type CostSource = 'cost_daily' | 'cost_line_items' | 'cost_allocations';

const DAILY_COLUMNS: Partial<Record<Dimension['kind'], string>> = {
  account: 'sub_account_id',
  service: 'service_name',
  region: 'region_id',
  chargeCategory: 'charge_category',
  provider: 'provider',
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
  cost_allocations: {
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
  if (dimensions.some((d) => d.kind === 'allocation')) {
    allocationOf(dimensions);
    const other = dimensions.find(
      (d) => d.kind !== 'allocation' && (d.kind === 'provider' || DAILY_COLUMNS[d.kind] === undefined),
    );
    if (other)
      throw new InputError(
        'groupBy',
        `groupBy: an allocation dimension combines with account, service, region and chargeCategory, not ${dimensionName(other)}`,
      );
    return 'cost_allocations';
  }
  return dimensions.every((d) => DAILY_COLUMNS[d.kind] !== undefined) ? 'cost_daily' : 'cost_line_items';
}

/** The one allocation dimension among `dimensions` (a query reads one dimension's assignment), if any. */
export function allocationOf(dimensions: readonly Dimension[]): string | undefined {
  const names = [...new Set(dimensions.flatMap((d) => (d.kind === 'allocation' ? [d.name] : [])))];
  if (names.length > 1)
    throw new InputError(
      'groupBy',
      `groupBy: one allocation dimension per query (asked for ${names.map((n) => `allocation:${n}`).join(' and ')})`,
    );
  return names[0];
}

/** Rows of the applied version of the allocation dimension among `dimensions` (none: no condition). */
export function allocationScope(dimensions: readonly Dimension[], p: Params): string[] {
  const name = allocationOf(dimensions);
  if (name === undefined) return [];
  const n = p.add(name);
  return [
    `dimension = ${n}`,
    `version = (SELECT applied_version FROM allocation_dimensions a WHERE a.org_id = cost_allocations.org_id AND a.name = ${n})`,
  ];
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
  if (d.kind === 'allocation') {
    if (source !== 'cost_allocations')
      throw new InputError(
        'filter',
        `${dimensionName(d)} is not available here (line items carry no allocation)`,
      );
    return 'value';
  }
  if (d.kind === 'tag') {
    if (source !== 'cost_line_items') throw new Error('tags are only on line items');
    return `COALESCE(${dialect.jsonText("NULLIF(tags, '')", d.key, (v) => p.add(v))}, '')`;
  }
  if (d.kind === 'costCategory') {
    if (source !== 'cost_line_items') throw new Error('cost categories are only on line items');
    return `COALESCE(${dialect.jsonText("NULLIF(x_cost_categories, '')", d.name, (v) => p.add(v))}, '')`;
  }
  const col = (source === 'cost_line_items' ? LINE_ITEM_COLUMNS : DAILY_COLUMNS)[d.kind];
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

export function periodSql(granularity: Granularity, column = 'usage_date'): string {
  return granularity === 'day' ? column : `CAST(date_trunc('month', ${column}) AS DATE)`;
}

/** Periods of a query as date ranges (months cut to the query's range). */
export function periodRanges(
  q: Pick<CostQuery, 'from' | 'to' | 'granularity'>,
): { from: string; to: string }[] {
  if (q.granularity === 'day') return eachDay(q.from, q.to).map((d) => ({ from: d, to: d }));
  return eachMonth(q.from, q.to).map((m) => ({
    from: m < q.from ? q.from : m,
    to: monthEnd(m) > q.to ? q.to : monthEnd(m),
  }));
}

/** Periods up to which a many-group query sums every period in its one pass. */
const MAX_WIDE_PERIODS = 16;

export interface WhereOptions {
  orgId: string;
  from: string;
  to: string;
  currency?: string;
  filters: readonly CostFilter[];
  /** Dimensions grouped by besides the filters' (for the allocation dimension's scope). */
  dimensions?: readonly Dimension[];
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
  if (source === 'cost_allocations')
    parts.push(...allocationScope([...o.filters.map((f) => f.dimension), ...(o.dimensions ?? [])], p));
  return parts.join(' AND ');
}

/**
 * A row of the grouped query: `top` rows carry a top group's cost in a period, `all` rows the total of every group
 * in a period, and the one `count` row the number of groups (in `rn`).
 */
export type GroupedRow = {
  kind: 'top' | 'all' | 'count';
  period: string | null;
  g1: string | null;
  g2: string | null;
  rn: number | null;
  /** Exact text of a DECIMAL sum (see exact-money.ts). */
  cost: string | null;
};

/** Totals per currency of the rows a query selects (grouping aside), to pick the currency answered. */
export function currencySql(
  q: CostQuery,
  orgId: string,
  dialect: Dialect,
): { sql: string; params: SqlParam[] } {
  const source = sourceFor(q.filters.map((f) => f.dimension));
  const p = new Params();
  const where = whereSql({ orgId, from: q.from, to: q.to, filters: q.filters }, source, dialect, p);
  return {
    sql: `SELECT COALESCE(billing_currency, '') AS currency, SUM(${costColumn(source, q.basis)}) AS total
          FROM ${source} WHERE ${where} GROUP BY 1`,
    params: p.values,
  };
}

/**
 * The grouped series in one currency ('' = rows without one): the `limit` largest groups by total with their cost
 * per period, the total per period, and the number of groups; the "other" group is the period total less the top
 * groups. Costs come back as exact text, to be summed further without rounding (exact-money.ts). Two plans, both
 * reading the source once for the heavy part and ranking only the top groups:
 * - few groups per day (every dimension but resource): sum per day and group straight off the columns, roll the
 *   days up to months on that small set, then rank;
 * - many groups (resources): sum per group over the whole range, take the top N, and read the per-period costs of
 *   those N only.
 */
export function groupedSql(
  q: CostQuery,
  orgId: string,
  currency: string,
  dialect: Dialect,
): { sql: string; params: SqlParam[]; source: CostSource } {
  const dims = [...q.groupBy, ...q.filters.map((f) => f.dimension)];
  const source = sourceFor(dims);
  const p = new Params();
  const g = q.groupBy.map((d) => dimensionSql(d, source, dialect, p));
  const g1 = g[0] ?? `''`;
  const g2 = g[1] ?? `''`;
  const where = whereSql(
    { orgId, from: q.from, to: q.to, filters: q.filters, dimensions: q.groupBy },
    source,
    dialect,
    p,
  );
  const inCurrency = currency ? `billing_currency = ${p.add(currency)}` : 'billing_currency IS NULL';
  const limit = p.add(q.limit);
  const cost = costColumn(source, q.basis);
  const ranked = `top AS (
  SELECT g1, g2, ROW_NUMBER() OVER (ORDER BY total DESC, g1, g2) AS rn
  FROM (SELECT g1, g2, total FROM totals ORDER BY total DESC, g1, g2 LIMIT ${limit}) t
)`;
  const manyGroups = q.groupBy.some((d) => d.kind === 'resource');
  const periods = periodRanges(q);
  if (manyGroups && periods.length <= MAX_WIDE_PERIODS) {
    // One pass: each group's total and its cost in every period side by side, then the top N unpivoted.
    const bounds = periods.map((r) => ({ from: p.add(r.from), to: p.add(r.to), start: p.add(r.from) }));
    const columns = bounds
      .map(
        (b, i) =>
          `SUM(CASE WHEN usage_date >= ${b.from} AND usage_date <= ${b.to} THEN ${cost} ELSE 0 END) AS p${i}`,
      )
      .join(', ');
    const branches = bounds.flatMap((b, i) => [
      `SELECT 'top' AS kind, CAST(${b.start} AS DATE) AS period, g1, g2, rn, ${exactText(`p${i}`)} AS cost FROM top`,
      `SELECT 'all', CAST(${b.start} AS DATE), NULL, NULL, NULL, ${exactText(`SUM(p${i})`)} FROM totals`,
    ]);
    const sql = `
WITH totals AS (
  SELECT ${g1} AS g1, ${g2} AS g2, SUM(${cost}) AS total, ${columns}
  FROM ${source} WHERE ${where} AND ${inCurrency}
  GROUP BY 1, 2
), top AS (
  SELECT t.*, ROW_NUMBER() OVER (ORDER BY total DESC, g1, g2) AS rn
  FROM (SELECT * FROM totals ORDER BY total DESC, g1, g2 LIMIT ${limit}) t
)
${branches.join('\nUNION ALL\n')}
UNION ALL
SELECT 'count', NULL, NULL, NULL, COUNT(*), CAST(NULL AS VARCHAR) FROM totals`;
    return { sql, params: p.values, source };
  }
  const sql = manyGroups
    ? `
WITH totals AS (
  SELECT ${g1} AS g1, ${g2} AS g2, SUM(${cost}) AS total
  FROM ${source} WHERE ${where} AND ${inCurrency}
  GROUP BY 1, 2
), ${ranked}
SELECT 'top' AS kind, ${periodSql(q.granularity)} AS period, t.g1 AS g1, t.g2 AS g2, t.rn AS rn, ${exactText(`SUM(${cost})`)} AS cost
FROM ${source} JOIN top t ON ${g1} = t.g1 AND ${g2} = t.g2
WHERE ${where} AND ${inCurrency}
GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'all', d, NULL, NULL, NULL, ${exactText('SUM(cost)')} FROM (
  SELECT ${periodSql(q.granularity, 'usage_date')} AS d, SUM(${cost}) AS cost
  FROM ${source} WHERE ${where} AND ${inCurrency} GROUP BY usage_date
) x GROUP BY 2
UNION ALL
SELECT 'count', NULL, NULL, NULL, COUNT(*), CAST(NULL AS VARCHAR) FROM totals`
    : `
WITH daily AS (
  SELECT usage_date AS d, ${g1} AS g1, ${g2} AS g2, SUM(${cost}) AS cost
  FROM ${source}
  WHERE ${where} AND ${inCurrency}
  GROUP BY 1, 2, 3
), base AS MATERIALIZED (
  SELECT ${periodSql(q.granularity, 'd')} AS period, g1, g2, SUM(cost) AS cost FROM daily GROUP BY 1, 2, 3
), totals AS (
  SELECT g1, g2, SUM(cost) AS total FROM base GROUP BY g1, g2
), ${ranked}
SELECT 'top' AS kind, b.period AS period, t.g1 AS g1, t.g2 AS g2, t.rn AS rn, ${exactText('SUM(b.cost)')} AS cost
FROM base b JOIN top t ON b.g1 = t.g1 AND b.g2 = t.g2
GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'all', period, NULL, NULL, NULL, ${exactText('SUM(cost)')} FROM base GROUP BY 2
UNION ALL
SELECT 'count', NULL, NULL, NULL, COUNT(*), CAST(NULL AS VARCHAR) FROM totals`;
  return { sql, params: p.values, source };
}
