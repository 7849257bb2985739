/**
 * A filter value that matches nothing in the range asked is most often a misspelling (`service=Amazon EC2` for
 * "Amazon Elastic Compute Cloud"): the answer then carries a warning naming the value and the closest known ones,
 * instead of a silent zero.
 */
import type { Store } from '../store/store.js';
import { closestValues, type Candidate } from './closest-values.js';
import { dimensionName, type CostFilter, type CostQuery } from './cost-query.js';
import { dimensionSql, Params, sourceFor, whereSql } from './cost-sql.js';

export interface FilterWarning {
  /** The query parameter: filter or exclude. */
  field: 'filter' | 'exclude';
  dimension: string;
  value: string;
  message: string;
  /** Known values closest to `value` (the service code counts for services), closest first. */
  closest: string[];
}

/** Known values compared against at most: the largest by spend. */
const MAX_CANDIDATES = 5000;

async function missingValues(
  store: Pick<Store, 'query' | 'dialect'>,
  orgId: string,
  q: CostQuery,
  f: CostFilter,
): Promise<string[]> {
  const asked = [...new Set(f.values.filter((v): v is string => v !== null))];
  if (asked.length === 0) return [];
  const source = sourceFor([f.dimension]);
  const p = new Params();
  const expr = dimensionSql(f.dimension, source, store.dialect, p);
  const list = asked.map((v) => p.add(v)).join(', ');
  const where = whereSql(
    { orgId, from: q.from, to: q.to, filters: [], dimensions: [f.dimension] },
    source,
    store.dialect,
    p,
  );
  const found = await store.query<{ v: string }>(
    `SELECT DISTINCT ${expr} AS v FROM ${source} WHERE ${where} AND ${expr} IN (${list})`,
    p.values,
  );
  const seen = new Set(found.map((r) => r.v));
  return asked.filter((v) => !seen.has(v));
}

async function candidates(
  store: Pick<Store, 'query' | 'dialect'>,
  orgId: string,
  q: CostQuery,
  f: CostFilter,
): Promise<Candidate[]> {
  const source = sourceFor([f.dimension]);
  const p = new Params();
  const expr = dimensionSql(f.dimension, source, store.dialect, p);
  const code = f.dimension.kind === 'service' ? 'MAX(service_code)' : 'NULL';
  const where = whereSql(
    { orgId, from: q.from, to: q.to, filters: [], dimensions: [f.dimension] },
    source,
    store.dialect,
    p,
  );
  const rows = await store.query<{ v: string; code: string | null }>(
    `SELECT ${expr} AS v, ${code} AS code FROM ${source} WHERE ${where} AND ${expr} <> ''
     GROUP BY 1 ORDER BY SUM(billed_cost) DESC, 1 LIMIT ${MAX_CANDIDATES}`,
    p.values,
  );
  return rows.map((r) => ({ value: r.v, aliases: r.code ? [r.code] : [] }));
}

export async function filterWarnings(
  store: Pick<Store, 'query' | 'dialect'>,
  orgId: string,
  q: CostQuery,
): Promise<FilterWarning[]> {
  const out: FilterWarning[] = [];
  for (const f of q.filters) {
    const missing = await missingValues(store, orgId, q, f);
    if (missing.length === 0) continue;
    const known = await candidates(store, orgId, q, f);
    const dimension = dimensionName(f.dimension);
    const field = f.exclude ? 'exclude' : 'filter';
    for (const value of missing) {
      const closest = closestValues(value, known);
      const hint = closest.length
        ? `closest known values: ${closest.map((c) => JSON.stringify(c)).join(', ')}`
        : `no known value is close; list them with GET /api/v1/costs/dimensions/${encodeURIComponent(dimension)}/values`;
      out.push({
        field,
        dimension,
        value,
        closest,
        message: `${field}: ${dimension} ${JSON.stringify(value)} matches no cost from ${q.from} to ${q.to}; ${hint}`,
      });
    }
  }
  return out;
}
