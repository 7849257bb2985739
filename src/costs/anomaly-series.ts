/**
 * The daily cost series anomalies are judged on: read from the `cost_daily` rollup per dimension value and
 * currency, with accounts still in their first weeks kept apart, and judged day by day (anomaly-detect.ts).
 */
import type { Queryable } from '../store/store.js';
import { ANOMALY_COLUMN } from './anomaly-drivers.js';
import {
  detectAnomalies,
  type AnomalyOptions,
  type AnomalyPoint,
  type DetectedAnomaly,
} from './anomaly-detect.js';
import type { AnomalyDimension } from './anomaly-types.js';
import { addDays } from './dates.js';

/**
 * Charges that recur monthly (credits, fees, RI and Savings Plan fees, support, tax: FOCUS Credit, Purchase and
 * Tax), judged against the same day of previous months rather than against the week.
 */
export const RECURRING = `charge_category IN ('Credit', 'Purchase', 'Tax')`;

/** A day of a series: its cost and the recurring part of it. */
type Day = { cost: number; recurring: number };
type Days = Map<string, Day>;

export interface Series {
  key: string;
  currency: string;
  /** Accounts past their first weeks (or older than the history). */
  settled: Days;
  /** Accounts still in their first weeks at some judged day, each on its own. */
  young: Map<string, Days>;
}

function add(days: Days, date: string, cost: number, recurring: number): void {
  const d = days.get(date) ?? { cost: 0, recurring: 0 };
  d.cost += cost;
  d.recurring += recurring;
  days.set(date, d);
}

/**
 * The series of one dimension from `from` to `to`, per value and currency. A service's series keeps the accounts
 * listed in `young` apart; `onlyKeys` restricts the values read.
 */
export async function loadSeries(
  store: Pick<Queryable, 'query'>,
  orgId: string,
  dimension: AnomalyDimension,
  from: string,
  to: string,
  young: readonly string[],
  onlyKeys?: readonly string[],
): Promise<Map<string, Series>> {
  const params: (string | number)[] = [orgId, from, to];
  const column = ANOMALY_COLUMN[dimension];
  let restrict = '';
  if (onlyKeys) {
    if (onlyKeys.length === 0) return new Map();
    restrict = ` AND ${column} IN (${onlyKeys.map((k) => `$${params.push(k)}`).join(', ')})`;
  }
  // A service's series keeps the accounts still in their first weeks apart; an account's series is its own.
  const account =
    dimension === 'service' && young.length > 0
      ? `CASE WHEN sub_account_id IN (${young.map((a) => `$${params.push(a)}`).join(', ')}) THEN sub_account_id ELSE '' END`
      : `''`;
  const rows = await store.query<{
    d: string;
    k: string;
    a: string;
    currency: string;
    cost: number;
    rec: number;
  }>(
    `SELECT CAST(usage_date AS VARCHAR) AS d, ${column} AS k, ${account} AS a, billing_currency AS currency,
            SUM(effective_cost) AS cost, SUM(CASE WHEN ${RECURRING} THEN effective_cost ELSE 0 END) AS rec
     FROM cost_daily
     WHERE org_id = $1 AND usage_date >= $2 AND usage_date <= $3 AND ${column} IS NOT NULL
       AND ${column} <> '' AND billing_currency IS NOT NULL${restrict}
     GROUP BY 1, 2, 3, 4`,
    params,
  );
  const out = new Map<string, Series>();
  for (const r of rows) {
    const id = JSON.stringify([r.k, r.currency]);
    let s = out.get(id);
    if (!s) {
      s = { key: r.k, currency: r.currency, settled: new Map(), young: new Map() };
      out.set(id, s);
    }
    let days = s.settled;
    if (r.a) {
      days = s.young.get(r.a) ?? new Map<string, Day>();
      s.young.set(r.a, days);
    }
    add(days, String(r.d).slice(0, 10), Number(r.cost), Number(r.rec));
  }
  return out;
}

/**
 * Judges one series up to `last`. An account's costs count in a service's series only from the day the account
 * has a whole baseline of history (`settledAfter` days after its first cost), and then with that history, so that
 * an account joining the organization is neither judged nor a step in the services it uses.
 */
export function judgeSeries(
  s: Pick<Series, 'settled' | 'young'>,
  last: string,
  firstDay: ReadonlyMap<string, string>,
  settledAfter: number,
  options?: Partial<AnomalyOptions>,
): DetectedAnomaly[] {
  const entries = [...s.young.keys()]
    .map((a) => ({ account: a, from: addDays(firstDay.get(a) ?? last, settledAfter) }))
    .sort((x, y) => x.from.localeCompare(y.from));
  const bounds = [...new Set(entries.map((e) => e.from))].filter((d) => d <= last);
  const intervals: { from: string; to: string; accounts: string[] }[] = [];
  let from = '0000-01-01';
  for (const b of [...bounds, null]) {
    const to = b === null ? last : addDays(b, -1);
    if (from <= to)
      intervals.push({ from, to, accounts: entries.filter((e) => e.from <= from).map((e) => e.account) });
    if (b !== null) from = b;
  }
  const out: DetectedAnomaly[] = [];
  for (const interval of intervals) {
    const parts = [s.settled, ...interval.accounts.map((a) => s.young.get(a) ?? new Map<string, Day>())];
    const dates = parts.flatMap((p) => [...p.keys()]).filter((d) => d <= interval.to);
    if (dates.length === 0) continue;
    const start = dates.sort()[0];
    const points: AnomalyPoint[] = [];
    for (let date = start; date <= interval.to; date = addDays(date, 1)) {
      let cost = 0;
      let recurring = 0;
      for (const p of parts) {
        const d = p.get(date);
        if (d) {
          cost += d.cost;
          recurring += d.recurring;
        }
      }
      points.push({ date, cost, recurring });
    }
    for (const a of detectAnomalies(points, options)) if (a.date >= interval.from) out.push(a);
  }
  return out;
}
