/**
 * Sums of several date ranges in one pass (month to date, the same days last month, last month; or the two
 * periods of a movers comparison), per currency and optionally per group, so that comparisons cost one scan.
 */
import type { Dialect, SqlParam, Store } from '../store/store.js';
import type { CostBasis, CostFilter, Dimension } from './cost-query.js';
import { costColumn, dimensionSql, Params, sourceFor, whereSql } from './cost-sql.js';

export interface Range {
  from: string;
  /** Last day, included. */
  to: string;
}

export interface RangeSums {
  currency: string;
  /** The group's value ('' = none); '' when not grouped. */
  key: string;
  /** One sum per range, in the order given. */
  sums: number[];
}

export function rangeSumsSql(
  orgId: string,
  ranges: readonly Range[],
  basis: CostBasis,
  filters: readonly CostFilter[],
  dialect: Dialect,
  groupBy?: Dimension,
): { sql: string; params: SqlParam[] } {
  const source = sourceFor([...filters.map((f) => f.dimension), ...(groupBy ? [groupBy] : [])]);
  const p = new Params();
  const col = costColumn(source, basis);
  const key = groupBy ? dimensionSql(groupBy, source, dialect, p) : `''`;
  const from = ranges.map((r) => r.from).sort()[0];
  const to =
    ranges
      .map((r) => r.to)
      .sort()
      .at(-1) ?? from;
  const sums = ranges
    .map(
      (r, i) =>
        `SUM(CASE WHEN usage_date >= ${p.add(r.from)} AND usage_date <= ${p.add(r.to)} THEN ${col} ELSE 0 END) AS s${i}`,
    )
    .join(', ');
  const where = whereSql(
    { orgId, from, to, filters, dimensions: groupBy ? [groupBy] : [] },
    source,
    dialect,
    p,
  );
  return {
    sql: `SELECT COALESCE(billing_currency, '') AS currency, ${key} AS k, ${sums} FROM ${source} WHERE ${where} GROUP BY 1, 2`,
    params: p.values,
  };
}

export async function rangeSums(
  store: Pick<Store, 'query' | 'dialect'>,
  orgId: string,
  ranges: readonly Range[],
  basis: CostBasis,
  filters: readonly CostFilter[] = [],
  groupBy?: Dimension,
): Promise<RangeSums[]> {
  const { sql, params } = rangeSumsSql(orgId, ranges, basis, filters, store.dialect, groupBy);
  const rows = await store.query<Record<string, unknown>>(sql, params);
  return rows.map((r) => ({
    currency: String(r.currency ?? ''),
    key: String(r.k ?? ''),
    sums: ranges.map((_, i) => Number(r[`s${i}`] ?? 0)),
  }));
}
