/** Turns the grouped rows of a cost query into the answer clients see: one currency, dense series, labels. */
import { eachDay, eachMonth } from './dates.js';
import { dimensionName, type CostQuery, type Dimension } from './cost-query.js';
import type { CostSource, GroupedRow } from './cost-sql.js';

export interface SeriesPoint {
  period: string;
  cost: number;
}

export interface CostGroup {
  /** Dimension name → value; null means "no value" (untagged, no region…) or, for the other group, folded. */
  key: Record<string, string | null>;
  label: string;
  total: number;
  series: SeriesPoint[];
  /** Present on the group that folds the smaller groups past `limit`. */
  other?: { groups: number };
}

export interface CostAnswer {
  from: string;
  to: string;
  /** `to` is the last day included. */
  toInclusive: true;
  granularity: CostQuery['granularity'];
  groupBy: string[];
  filters: { dimension: string; values: (string | null)[]; exclude: boolean }[];
  basis: CostQuery['basis'];
  currency: string;
  total: number;
  /** Every period of the range: YYYY-MM-DD for days, YYYY-MM for months. */
  periods: string[];
  /** The total per period. */
  series: SeriesPoint[];
  groups: CostGroup[];
  /** Groups before folding; `groups` holds at most `limit` of them plus one "other" group. */
  groupCount: number;
  truncated: boolean;
  /** Totals of the rows in other currencies, left out of every sum above; ask again with `currency` for them. */
  otherCurrencies: { currency: string; total: number }[];
  source: CostSource;
}

export function round6(x: number): number {
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}

export function periodsOf(q: Pick<CostQuery, 'from' | 'to' | 'granularity'>): string[] {
  return q.granularity === 'day' ? eachDay(q.from, q.to) : eachMonth(q.from, q.to).map((m) => m.slice(0, 7));
}

function periodKey(period: string, granularity: CostQuery['granularity']): string {
  return granularity === 'day' ? period.slice(0, 10) : period.slice(0, 7);
}

/** The currency answered: the one asked for, else the one with the largest total (ties: alphabetical). */
export function pickCurrency(
  rows: readonly GroupedRow[],
  asked?: string,
): { currency: string; others: { currency: string; total: number }[] } {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.currency, (totals.get(r.currency) ?? 0) + Number(r.cost));
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const currency = asked ?? ranked[0]?.[0] ?? 'USD';
  const others = ranked
    .filter(([c]) => c !== currency)
    .map(([c, t]) => ({ currency: c || 'unknown', total: round6(t) }));
  return { currency, others };
}

export type Labeler = (d: Dimension, value: string | null) => string;

export function buildAnswer(
  q: CostQuery,
  rows: readonly GroupedRow[],
  source: CostSource,
  label: Labeler,
): CostAnswer {
  const { currency, others } = pickCurrency(rows, q.currency);
  const periods = periodsOf(q);
  const index = new Map(periods.map((p, i) => [p, i]));
  const names = q.groupBy.map(dimensionName);
  const groups = new Map<
    string,
    { rank: number; key: (string | null)[]; top: boolean; n: number; values: number[] }
  >();
  const totalSeries = periods.map(() => 0);
  let groupCount = 0;
  for (const r of rows) {
    if (r.currency !== currency) continue;
    const i = index.get(periodKey(String(r.period), q.granularity));
    if (i === undefined) continue;
    const top = r.top === true || String(r.top) === 'true';
    const key = top
      ? [r.g1, r.g2].slice(0, names.length).map((v) => (v === '' || v === null ? null : v))
      : [];
    const id = top ? JSON.stringify(key) : '\u0000other';
    let g = groups.get(id);
    if (!g) {
      g = { rank: Number(r.rn), key, top, n: 0, values: periods.map(() => 0) };
      groups.set(id, g);
    }
    g.rank = Math.min(g.rank, Number(r.rn));
    g.values[i] += Number(r.cost);
    totalSeries[i] += Number(r.cost);
    groupCount = Math.max(groupCount, Number(r.n));
  }
  const out: CostGroup[] = [...groups.values()]
    .sort((a, b) => Number(b.top) - Number(a.top) || a.rank - b.rank)
    .map((g) => {
      const series = periods.map((period, i) => ({ period, cost: round6(g.values[i]) }));
      const total = round6(g.values.reduce((s, v) => s + v, 0));
      if (!g.top) {
        const folded = groupCount - q.limit;
        return {
          key: Object.fromEntries(names.map((n) => [n, null])),
          label: `(${folded} other group${folded === 1 ? '' : 's'})`,
          total,
          series,
          other: { groups: folded },
        };
      }
      const key = Object.fromEntries(names.map((n, i) => [n, g.key[i]]));
      const text = q.groupBy.map((d, i) => label(d, g.key[i])).join(' / ');
      return { key, label: names.length ? text : 'Total', total, series };
    });
  return {
    from: q.from,
    to: q.to,
    toInclusive: true,
    granularity: q.granularity,
    groupBy: names,
    filters: q.filters.map((f) => ({
      dimension: dimensionName(f.dimension),
      values: f.values,
      exclude: f.exclude,
    })),
    basis: q.basis,
    currency: currency || 'unknown',
    total: round6(totalSeries.reduce((s, v) => s + v, 0)),
    periods,
    series: periods.map((period, i) => ({ period, cost: round6(totalSeries[i]) })),
    groups: out,
    groupCount,
    truncated: groupCount > q.limit,
    otherCurrencies: others,
    source,
  };
}
