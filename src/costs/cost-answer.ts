/** Turns the grouped rows of a cost query into the answer clients see: one currency, dense series, labels. */
import { eachDay, eachMonth } from '../lib/dates.js';
import { dimensionName, type CostQuery, type Dimension } from './cost-query.js';
import type { CostSource, GroupedRow } from './cost-sql.js';
import { toUnits, unitsToNumber } from './exact-money.js';
import type { FilterWarning } from './filter-warnings.js';

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
  /**
   * The newest day with cost data in the organization (it may lie after `to`); null with no data. Days of the
   * range after it have no data yet (billing runs about a day behind), which is not the same as costing nothing.
   */
  dataThrough: string | null;
  /** Filter values that match no cost in the range, each with the closest known values. */
  warnings: FilterWarning[];
  /**
   * With an allocation dimension: the version of its rules the figures follow and when it was applied ("as of");
   * `pending` when a newer version is still being applied in the background.
   */
  allocation?: { dimension: string; version: number | null; asOf: string | null; pending: boolean };
}

const sumUnits = (values: readonly bigint[]): bigint => values.reduce((s, v) => s + v, 0n);

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
  totals: readonly { currency: string; total: number }[],
  asked?: string,
): { currency: string; others: { currency: string; total: number }[] } {
  const ranked = totals
    .map((t) => [t.currency, Number(t.total)] as const)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
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
  { currency, others }: { currency: string; others: { currency: string; total: number }[] },
  dataThrough: string | null,
): CostAnswer {
  const periods = periodsOf(q);
  const index = new Map(periods.map((p, i) => [p, i]));
  const names = q.groupBy.map(dimensionName);
  // Exact sums in units of 1e-10, rounded once per figure answered.
  const tops = new Map<string, { rank: number; key: (string | null)[]; values: bigint[] }>();
  const totalSeries = periods.map(() => 0n);
  let groupCount = 0;
  for (const r of rows) {
    if (r.kind === 'count') {
      groupCount = Number(r.rn);
      continue;
    }
    const i = index.get(periodKey(String(r.period), q.granularity));
    if (i === undefined) continue;
    if (r.kind === 'all') {
      totalSeries[i] += toUnits(r.cost);
      continue;
    }
    const key = [r.g1, r.g2].slice(0, names.length).map((v) => (v === '' || v === null ? null : v));
    const id = JSON.stringify(key);
    let g = tops.get(id);
    if (!g) {
      g = { rank: Number(r.rn), key, values: periods.map(() => 0n) };
      tops.set(id, g);
    }
    g.values[i] += toUnits(r.cost);
  }
  const out: CostGroup[] = [...tops.values()]
    .sort((a, b) => a.rank - b.rank)
    .map((g) => ({
      key: Object.fromEntries(names.map((n, i) => [n, g.key[i]])),
      label: names.length ? q.groupBy.map((d, i) => label(d, g.key[i])).join(' / ') : 'Total',
      total: unitsToNumber(sumUnits(g.values)),
      series: periods.map((period, i) => ({ period, cost: unitsToNumber(g.values[i]) })),
    }));
  if (groupCount > tops.size) {
    const folded = groupCount - tops.size;
    const rest = totalSeries.map((t, i) => t - sumUnits([...tops.values()].map((g) => g.values[i])));
    out.push({
      key: Object.fromEntries(names.map((n) => [n, null])),
      label: `(${folded} other group${folded === 1 ? '' : 's'})`,
      total: unitsToNumber(sumUnits(rest)),
      series: periods.map((period, i) => ({ period, cost: unitsToNumber(rest[i]) })),
      other: { groups: folded },
    });
  }
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
    total: unitsToNumber(sumUnits(totalSeries)),
    periods,
    series: periods.map((period, i) => ({ period, cost: unitsToNumber(totalSeries[i]) })),
    groups: out,
    groupCount,
    truncated: groupCount > q.limit,
    otherCurrencies: others,
    source,
    dataThrough,
    warnings: [],
  };
}
