/**
 * Stored anomalies: recomputed from the `cost_daily` rollup after each billing load, listed with the line items
 * that drove them and with what people decided about them. Amortized cost is judged, so that a commitment bought
 * on the 1st is not a spike.
 */
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';
import type { AccountNames } from './account-names.js';
import { ANOMALY_COLUMN, driversFor } from './anomaly-drivers.js';
import {
  DEFAULT_ANOMALY_OPTIONS,
  detectAnomalies,
  type AnomalyOptions,
  type AnomalyPoint,
  type DetectedAnomaly,
} from './anomaly-detect.js';
import { writeState, type AnomalyState } from './anomaly-states.js';
import { round6 } from './cost-answer.js';
import { addDays, monthStart } from './dates.js';
import { ANOMALY_DIMENSIONS, type AnomalyDimension, type AnomalyDriver } from './anomaly-types.js';

export { ANOMALY_DIMENSIONS, type AnomalyDimension, type AnomalyDriver };

/** Days of history judged on each recompute (13 months and a baseline). */
const HISTORY_DAYS = 460;
/**
 * Charges that recur monthly (credits, fees, RI and Savings Plan fees, support, tax: FOCUS Credit, Purchase and
 * Tax), judged against the same day of previous months rather than against the week.
 */
const RECURRING = `charge_category IN ('Credit', 'Purchase', 'Tax')`;

export interface CostAnomaly {
  id: string;
  dimension: AnomalyDimension;
  key: string;
  label: string;
  date: string;
  currency: string;
  basis: 'amortized';
  actual: number;
  expected: number;
  change: number;
  /** Change relative to the baseline; null when the baseline is zero. */
  changePercent: number | null;
  threshold: number;
  direction: 'increase' | 'decrease';
  drivers: AnomalyDriver[];
  detectedAt: string;
  /** What people decided: open (nobody has yet), acknowledged, or expected. Kept across recomputes. */
  state: AnomalyState;
  comment: string | null;
  stateUpdatedBy: string | null;
  stateUpdatedAt: string | null;
}

export interface ListAnomaliesOptions {
  from?: string;
  to?: string;
  dimension?: AnomalyDimension;
  direction?: 'increase' | 'decrease';
  state?: AnomalyState;
  limit?: number;
}

export interface AnomalyEngineDeps {
  store: Store;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  names: AccountNames;
  options?: Partial<AnomalyOptions>;
}

type StoredRow = {
  id: string;
  dimension: AnomalyDimension;
  dimension_value: string;
  usage_date: string;
  currency: string;
  actual_cost: number;
  expected_cost: number;
  threshold: number;
  direction: 'increase' | 'decrease';
  drivers: string;
  detected_at: Date;
};

type ListedRow = StoredRow & {
  state: AnomalyState | null;
  comment: string | null;
  user_id: string | null;
  updated_at: Date | string | null;
};

/** A day of a series: its cost and the recurring part of it. */
type Day = { cost: number; recurring: number };
type Days = Map<string, Day>;

interface Series {
  key: string;
  currency: string;
  /** Accounts past their first weeks (or older than the history). */
  settled: Days;
  /** Accounts still in their first weeks at some judged day, each on its own. */
  young: Map<string, Days>;
}

const keyOf = (dimension: string, key: string, currency: string, date: string) =>
  JSON.stringify([dimension, key, currency, date]);

function add(days: Days, date: string, cost: number, recurring: number): void {
  const d = days.get(date) ?? { cost: 0, recurring: 0 };
  d.cost += cost;
  d.recurring += recurring;
  days.set(date, d);
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

export function createAnomalyEngine({ store, clock, log, names, options }: AnomalyEngineDeps) {
  const o = { ...DEFAULT_ANOMALY_OPTIONS, ...options };

  async function loadSeries(
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

  async function upsertRows(tx: Queryable, rows: readonly (string | number | Date)[][]): Promise<void> {
    const width = 14;
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      const values = chunk
        .map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`)
        .join(', ');
      // An upsert, never a delete and an insert of the same key in one transaction: DuckDB rejects that for rows
      // already checkpointed to its storage.
      await tx.execute(
        `INSERT INTO cost_anomalies (id, org_id, dimension, dimension_value, usage_date, currency, basis, actual_cost,
           expected_cost, spread, threshold, direction, drivers, detected_at) VALUES ${values}
         ON CONFLICT (org_id, dimension, dimension_value, usage_date, currency) DO UPDATE SET
           basis = excluded.basis, actual_cost = excluded.actual_cost, expected_cost = excluded.expected_cost,
           spread = excluded.spread, threshold = excluded.threshold, direction = excluded.direction,
           drivers = excluded.drivers, detected_at = excluded.detected_at`,
        chunk.flat(),
      );
    }
  }

  async function list(orgId: string, o: ListAnomaliesOptions & { id?: string } = {}): Promise<CostAnomaly[]> {
    const params: (string | number)[] = [orgId];
    const where = ['a.org_id = $1'];
    if (o.id) where.push(`a.id = $${params.push(o.id)}`);
    if (o.from) where.push(`a.usage_date >= $${params.push(o.from)}`);
    if (o.to) where.push(`a.usage_date <= $${params.push(o.to)}`);
    if (o.dimension) where.push(`a.dimension = $${params.push(o.dimension)}`);
    if (o.direction) where.push(`a.direction = $${params.push(o.direction)}`);
    if (o.state) where.push(`COALESCE(s.state, 'open') = $${params.push(o.state)}`);
    const rows = await store.query<ListedRow>(
      `SELECT a.id, a.dimension, a.dimension_value, CAST(a.usage_date AS VARCHAR) AS usage_date, a.currency,
              a.actual_cost, a.expected_cost, a.threshold, a.direction, a.drivers, a.detected_at,
              s.state, s.comment, s.user_id, s.updated_at
       FROM cost_anomalies a
       LEFT JOIN cost_anomaly_states s ON s.org_id = a.org_id AND s.dimension = a.dimension
         AND s.dimension_value = a.dimension_value AND s.usage_date = a.usage_date AND s.currency = a.currency
       WHERE ${where.join(' AND ')}
       ORDER BY a.usage_date DESC, abs(a.actual_cost - a.expected_cost) DESC, a.id
       LIMIT $${params.push(o.limit ?? 100)}`,
      params,
    );
    const accountIds = rows.filter((r) => r.dimension === 'account').map((r) => r.dimension_value);
    const labels = await names.lookup(orgId, [...new Set(accountIds)]);
    return rows.map((r) => {
      const actual = Number(r.actual_cost);
      const expected = Number(r.expected_cost);
      const name = r.dimension === 'account' ? labels.get(r.dimension_value) : undefined;
      return {
        id: r.id,
        dimension: r.dimension,
        key: r.dimension_value,
        label: name ? `${name} (${r.dimension_value})` : r.dimension_value,
        date: String(r.usage_date).slice(0, 10),
        currency: r.currency,
        basis: 'amortized' as const,
        actual: round6(actual),
        expected: round6(expected),
        change: round6(actual - expected),
        changePercent: expected === 0 ? null : round6(((actual - expected) / Math.abs(expected)) * 100),
        threshold: round6(Number(r.threshold)),
        direction: r.direction,
        drivers: JSON.parse(r.drivers) as AnomalyDriver[],
        detectedAt: r.detected_at instanceof Date ? r.detected_at.toISOString() : String(r.detected_at),
        state: r.state ?? 'open',
        comment: r.comment ?? null,
        stateUpdatedBy: r.user_id ?? null,
        stateUpdatedAt: r.updated_at ? new Date(r.updated_at).toISOString() : null,
      };
    });
  }

  return {
    /**
     * Recomputes the organization's anomalies from its cost history. With `cloudAccountId`, only the series that
     * connection's data touches are judged again (every service, and the accounts it delivered).
     */
    async recompute(orgId: string, cloudAccountId?: string): Promise<{ anomalies: number; series: number }> {
      const started = Date.now();
      const [range] = await store.query<{ first: string | null; last: string | null }>(
        `SELECT CAST(MIN(usage_date) AS VARCHAR) AS first, CAST(MAX(usage_date) AS VARCHAR) AS last
         FROM cost_daily WHERE org_id = $1`,
        [orgId],
      );
      let accountKeys: string[] | undefined;
      if (cloudAccountId) {
        const rows = await store.query<{ k: string }>(
          `SELECT DISTINCT sub_account_id AS k FROM cost_daily WHERE org_id = $1 AND cloud_account_id = $2 AND sub_account_id IS NOT NULL`,
          [orgId, cloudAccountId],
        );
        accountKeys = rows.map((r) => r.k);
      }
      const previous = await store.query<StoredRow>(
        `SELECT id, dimension, dimension_value, CAST(usage_date AS VARCHAR) AS usage_date, currency, actual_cost,
                expected_cost, threshold, direction, drivers, detected_at FROM cost_anomalies WHERE org_id = $1`,
        [orgId],
      );
      const previousBy = new Map(
        previous.map((r) => [
          keyOf(r.dimension, r.dimension_value, r.currency, String(r.usage_date).slice(0, 10)),
          r,
        ]),
      );
      let judged = 0;
      const found: { dimension: AnomalyDimension; key: string; currency: string; a: DetectedAnomaly }[] = [];
      if (range?.first && range.last) {
        const orgFirst = String(range.first).slice(0, 10);
        // The newest day is still being restated by the export; judge it once a later day has arrived.
        const last = addDays(String(range.last).slice(0, 10), -1);
        const first = [orgFirst, addDays(last, -HISTORY_DAYS)].sort().at(-1) ?? orgFirst;
        // The month of the newest data is open: its credits, fees and tax are not all booked yet.
        const openFrom = monthStart(last);
        // Accounts that appeared after the organization's history began, and are still in their first weeks on
        // some day judged now. Accounts present from the start joined before the history: they are settled.
        const firstDays = await store.query<{ a: string; d: string }>(
          `SELECT sub_account_id AS a, CAST(MIN(usage_date) AS VARCHAR) AS d FROM cost_daily
           WHERE org_id = $1 AND sub_account_id IS NOT NULL AND sub_account_id <> '' AND NOT (${RECURRING})
           GROUP BY 1`,
          [orgId],
        );
        const firstDay = new Map(firstDays.map((r) => [r.a, String(r.d).slice(0, 10)]));
        const young = [...firstDay]
          .filter(([, d]) => d > orgFirst && addDays(d, o.baselineDays) > first)
          .map(([a]) => a);
        for (const dimension of ANOMALY_DIMENSIONS) {
          const only = dimension === 'account' ? accountKeys : undefined;
          const series = await loadSeries(orgId, dimension, first, last, young, only);
          for (const s of series.values()) {
            judged++;
            for (const a of judgeSeries(s, last, firstDay, o.baselineDays, { ...options, openFrom }))
              found.push({ dimension, key: s.key, currency: s.currency, a });
          }
        }
      }
      const now = clock.now();
      // Drivers are kept when the day's cost has not changed since they were computed.
      const kept = (f: (typeof found)[number]) => {
        const prev = previousBy.get(keyOf(f.dimension, f.key, f.currency, f.a.date));
        return prev && Math.abs(Number(prev.actual_cost) - f.a.actual) < 1e-6 ? prev : undefined;
      };
      const computed = new Map<AnomalyDimension, Map<string, AnomalyDriver[]>>();
      for (const dimension of ANOMALY_DIMENSIONS) {
        const needed = found
          .filter((f) => f.dimension === dimension && !kept(f))
          .map((f) => ({ key: f.key, currency: f.currency, date: f.a.date }));
        computed.set(
          dimension,
          needed.length ? await driversFor(store, orgId, dimension, needed) : new Map(),
        );
      }
      const rows: (string | number | Date)[][] = [];
      const foundKeys = new Set<string>();
      for (const f of found) {
        const prev = previousBy.get(keyOf(f.dimension, f.key, f.currency, f.a.date));
        const unchanged = kept(f);
        foundKeys.add(keyOf(f.dimension, f.key, f.currency, f.a.date));
        const d = unchanged
          ? unchanged.drivers
          : JSON.stringify(
              computed.get(f.dimension)?.get(JSON.stringify([f.key, f.currency, f.a.date])) ?? [],
            );
        rows.push([
          prev ? prev.id : newId('anm'),
          orgId,
          f.dimension,
          f.key,
          f.a.date,
          f.currency,
          'amortized',
          f.a.actual,
          f.a.expected,
          f.a.spread,
          f.a.threshold,
          f.a.direction,
          d,
          unchanged ? unchanged.detected_at : now,
        ]);
      }
      // Anomalies judged again and not found any more; those of series not judged now stay.
      const rejudged = new Set(accountKeys);
      const stale = previous.filter(
        (r) =>
          (!cloudAccountId || r.dimension === 'service' || rejudged.has(r.dimension_value)) &&
          !foundKeys.has(
            keyOf(r.dimension, r.dimension_value, r.currency, String(r.usage_date).slice(0, 10)),
          ),
      );
      await store.transaction(async (tx) => {
        await upsertRows(tx, rows);
        for (let i = 0; i < stale.length; i += 500) {
          const ids = stale.slice(i, i + 500).map((r) => r.id);
          await tx.execute(
            `DELETE FROM cost_anomalies WHERE org_id = $1 AND id IN (${ids.map((_, j) => `$${j + 2}`).join(', ')})`,
            [orgId, ...ids],
          );
        }
      });
      log.info(
        { orgId, cloudAccountId, anomalies: rows.length, series: judged, ms: Date.now() - started },
        'cost anomalies recomputed',
      );
      return { anomalies: rows.length, series: judged };
    },

    list: (orgId: string, o: ListAnomaliesOptions = {}) => list(orgId, o),

    /** One anomaly by its ID, with what people decided about it. */
    async get(orgId: string, id: string): Promise<CostAnomaly> {
      const [a] = await list(orgId, { id, limit: 1 });
      if (!a) throw new NotFoundError('Anomaly', id);
      return a;
    },

    /** Acknowledges an anomaly, marks it expected or reopens it, and/or sets its comment. */
    async setState(
      orgId: string,
      id: string,
      change: { state?: AnomalyState; comment?: string | null },
      userId: string | null,
    ): Promise<CostAnomaly> {
      const [a] = await list(orgId, { id, limit: 1 });
      if (!a) throw new NotFoundError('Anomaly', id);
      await writeState(store, orgId, a, change, userId, clock.now());
      const [updated] = await list(orgId, { id, limit: 1 });
      return updated;
    },
  };
}

export type AnomalyEngine = ReturnType<typeof createAnomalyEngine>;
