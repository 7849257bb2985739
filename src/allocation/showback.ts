/**
 * Showback: per month, each value of an allocation dimension with its direct cost (rules that assign it), its
 * shared cost (its part of split costs), the total, its share of the month and its change from the month before.
 * Read from the applied version of the dimension's assignment, in the currency with the largest total.
 */
import { pickCurrency } from '../costs/cost-answer.js';
import type { CostBasis } from '../costs/cost-query.js';
import { costColumn } from '../costs/cost-sql.js';
import { eachMonth, monthEnd, monthStartAfter } from '../costs/dates.js';
import { exactText, toUnits, unitsToNumber } from '../costs/exact-money.js';
import { toCsv } from '../lib/csv.js';
import type { Store } from '../store/store.js';

export interface ShowbackRow {
  /** YYYY-MM */
  month: string;
  value: string;
  direct: number;
  shared: number;
  total: number;
  /** Percent of the month's total. */
  share: number | null;
  /** Against the same value's total of the month before. */
  change: number;
  changePercent: number | null;
}

export interface ShowbackAnswer {
  dimension: string;
  /** The version of the rules the figures follow, and when it was applied. */
  version: number | null;
  asOf: string | null;
  from: string;
  to: string;
  basis: CostBasis;
  currency: string;
  rows: ShowbackRow[];
}

type Row = { month: string; value: string; shared: boolean | string; currency: string; cost: string };

const pct = (part: bigint, whole: bigint): number | null =>
  whole === 0n ? null : Math.round(Number((part * 10_000_000n) / whole)) / 100_000;

export async function readShowback(
  store: Pick<Store, 'query'>,
  orgId: string,
  d: { name: string; appliedVersion: number | null; appliedAt: string | null },
  o: { from: string; to: string; basis: CostBasis },
): Promise<ShowbackAnswer> {
  const months = eachMonth(o.from, o.to).map((m) => m.slice(0, 7));
  const first = monthStartAfter(o.from, -1);
  const rows = await store.query<Row>(
    `SELECT CAST(date_trunc('month', usage_date) AS VARCHAR) AS month, value, shared,
       COALESCE(billing_currency, '') AS currency, ${exactText(`SUM(${costColumn('cost_allocations', o.basis)})`)} AS cost
     FROM cost_allocations
     WHERE org_id = $1 AND dimension = $2 AND version = $3 AND usage_date >= $4 AND usage_date <= $5
     GROUP BY 1, 2, 3, 4`,
    [orgId, d.name, d.appliedVersion ?? -1, first, monthEnd(o.to)],
  );
  const perCurrency = new Map<string, number>();
  for (const r of rows)
    perCurrency.set(r.currency, (perCurrency.get(r.currency) ?? 0) + Math.abs(Number(r.cost)));
  const { currency } = pickCurrency([...perCurrency].map(([c, total]) => ({ currency: c, total })));
  const cells = new Map<string, { direct: bigint; shared: bigint }>();
  const key = (m: string, v: string) => `${m}\u0000${v}`;
  const values = new Set<string>();
  for (const r of rows.filter((x) => x.currency === currency)) {
    const m = String(r.month).slice(0, 7);
    const c = cells.get(key(m, r.value)) ?? { direct: 0n, shared: 0n };
    if (r.shared === true || r.shared === 'true') c.shared += toUnits(r.cost);
    else c.direct += toUnits(r.cost);
    cells.set(key(m, r.value), c);
    if (months.includes(m)) values.add(r.value);
  }
  const totalOf = (m: string, v: string) => {
    const c = cells.get(key(m, v));
    return c ? c.direct + c.shared : 0n;
  };
  const out: ShowbackRow[] = [];
  let prev = first.slice(0, 7);
  for (const m of months) {
    const monthTotal = [...values].reduce((s, v) => s + totalOf(m, v), 0n);
    const inMonth = [...values]
      .filter((v) => cells.has(key(m, v)) || cells.has(key(prev, v)))
      .sort((a, b) => {
        const x = totalOf(m, a);
        const y = totalOf(m, b);
        return x === y ? a.localeCompare(b) : x > y ? -1 : 1;
      });
    for (const v of inMonth) {
      const c = cells.get(key(m, v)) ?? { direct: 0n, shared: 0n };
      const total = c.direct + c.shared;
      const last = totalOf(prev, v);
      out.push({
        month: m,
        value: v,
        direct: unitsToNumber(c.direct),
        shared: unitsToNumber(c.shared),
        total: unitsToNumber(total),
        share: pct(total, monthTotal),
        change: unitsToNumber(total - last),
        changePercent: pct(total - last, last < 0n ? -last : last),
      });
    }
    prev = m;
  }
  return {
    dimension: d.name,
    version: d.appliedVersion,
    asOf: d.appliedAt,
    from: months[0],
    to: months.at(-1) ?? months[0],
    basis: o.basis,
    currency: currency || 'unknown',
    rows: out,
  };
}

export function showbackCsv(a: ShowbackAnswer): string {
  return toCsv(
    [
      'month',
      a.dimension,
      'direct',
      'shared',
      'total',
      'share_percent',
      'change',
      'change_percent',
      'currency',
    ],
    a.rows.map((r) => [
      r.month,
      r.value,
      r.direct,
      r.shared,
      r.total,
      r.share,
      r.change,
      r.changePercent,
      a.currency,
    ]),
  );
}
