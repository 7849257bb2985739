/**
 * Stored anomalies: recomputed from the `cost_daily` rollup after each billing load, listed with the line items
 * that drove them. Amortized cost is judged, so that a commitment bought on the 1st is not a spike.
 */
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';
import type { AccountNames } from './account-names.js';
import { detectAnomalies, type AnomalyOptions, type DetectedAnomaly } from './anomaly-detect.js';
import { round6 } from './cost-answer.js';
import { addDays, daysBetween } from './dates.js';

export const ANOMALY_DIMENSIONS = ['account', 'service'] as const;
export type AnomalyDimension = (typeof ANOMALY_DIMENSIONS)[number];

const COLUMN: Record<AnomalyDimension, string> = { account: 'sub_account_id', service: 'service_name' };
/** Days of history judged on each recompute (13 months and a baseline). */
const HISTORY_DAYS = 460;
const DRIVER_LIMIT = 5;

export interface AnomalyDriver {
  resourceId: string | null;
  usageType: string | null;
  service: string | null;
  account: string | null;
  region: string | null;
  /** Cost of these line items on the anomalous day. */
  cost: number;
  /** Their average daily cost over the baseline window. */
  baseline: number;
  change: number;
}

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
}

export interface ListAnomaliesOptions {
  from?: string;
  to?: string;
  dimension?: AnomalyDimension;
  direction?: 'increase' | 'decrease';
  limit?: number;
}

export interface AnomalyEngineDeps {
  store: Store;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  names: AccountNames;
  options?: Partial<AnomalyOptions>;
}

type SeriesRow = {
  d: string;
  k: string;
  currency: string;
  cost: number;
};

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

function seriesKey(dimension: string, key: string, currency: string): string {
  return JSON.stringify([dimension, key, currency]);
}

export function createAnomalyEngine({ store, clock, log, names, options }: AnomalyEngineDeps) {
  /**
   * The line items (by resource, usage type, service, account, region) that changed most on each anomalous day
   * against their average over the 28 days before, for many anomalies of one dimension in one statement.
   */
  async function driversFor(
    orgId: string,
    dimension: AnomalyDimension,
    list: readonly { key: string; currency: string; date: string }[],
  ): Promise<Map<string, AnomalyDriver[]>> {
    const out = new Map<string, AnomalyDriver[]>();
    const window = 28;
    for (let i = 0; i < list.length; i += 100) {
      const chunk = list.slice(i, i + 100);
      const params: (string | number)[] = [orgId];
      const values = chunk
        .map(
          (a) =>
            `(${['key', 'currency'].map((f) => `$${params.push(a[f as 'key' | 'currency'])}`).join(', ')}, ` +
            `CAST($${params.push(addDays(a.date, -window))} AS DATE), CAST($${params.push(a.date)} AS DATE))`,
        )
        .join(', ');
      const dates = chunk.map((a) => a.date).sort();
      const lo = `$${params.push(addDays(dates[0], -window))}`;
      const hi = `$${params.push(dates.at(-1) ?? dates[0])}`;
      const top = `$${params.push(DRIVER_LIMIT)}`;
      const rows = await store.query<{
        ak: string;
        ac: string;
        ad: string;
        resource_id: string | null;
        usage_type: string | null;
        service: string | null;
        account: string | null;
        region: string | null;
        day_cost: number;
        base_cost: number;
      }>(
        `WITH a (ak, ac, lo, ad) AS (VALUES ${values}),
         g AS (
           SELECT a.ak AS ak, a.ac AS ac, a.ad AS ad, li.resource_id AS resource_id, li.x_usage_type AS usage_type,
                  li.service_name AS service, li.sub_account_id AS account, li.region_id AS region,
                  SUM(CASE WHEN li.usage_date = a.ad THEN li.effective_cost ELSE 0 END) AS day_cost,
                  SUM(CASE WHEN li.usage_date < a.ad THEN li.effective_cost ELSE 0 END) AS base_cost
           FROM cost_line_items li
           JOIN a ON li.${COLUMN[dimension]} = a.ak AND li.billing_currency = a.ac
                 AND li.usage_date >= a.lo AND li.usage_date <= a.ad
           WHERE li.org_id = $1 AND li.usage_date >= ${lo} AND li.usage_date <= ${hi}
           GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
         )
         SELECT * FROM (
           SELECT g.*, ROW_NUMBER() OVER (
             PARTITION BY ak, ac, ad ORDER BY abs(day_cost - base_cost / ${window}) DESC, resource_id, usage_type
           ) AS rn
           FROM g WHERE day_cost - base_cost / ${window} <> 0
         ) x WHERE rn <= ${top}`,
        params,
      );
      for (const r of rows) {
        const id = JSON.stringify([r.ak, r.ac, String(r.ad).slice(0, 10)]);
        const cost = Number(r.day_cost);
        const baseline = Number(r.base_cost) / window;
        const list = out.get(id) ?? [];
        list.push({
          resourceId: r.resource_id || null,
          usageType: r.usage_type || null,
          service: r.service || null,
          account: r.account || null,
          region: r.region || null,
          cost: round6(cost),
          baseline: round6(baseline),
          change: round6(cost - baseline),
        });
        out.set(id, list);
      }
    }
    for (const l of out.values()) l.sort((x, y) => Math.abs(y.change) - Math.abs(x.change));
    return out;
  }

  async function loadSeries(
    orgId: string,
    dimension: AnomalyDimension,
    from: string,
    to: string,
    onlyKeys?: readonly string[],
  ): Promise<Map<string, { key: string; currency: string; points: Map<string, number> }>> {
    const params: (string | number)[] = [orgId, from, to];
    let restrict = '';
    if (onlyKeys) {
      if (onlyKeys.length === 0) return new Map();
      restrict = ` AND ${COLUMN[dimension]} IN (${onlyKeys.map((k) => `$${params.push(k)}`).join(', ')})`;
    }
    const rows = await store.query<SeriesRow>(
      `SELECT usage_date AS d, ${COLUMN[dimension]} AS k, billing_currency AS currency, SUM(effective_cost) AS cost
       FROM cost_daily
       WHERE org_id = $1 AND usage_date >= $2 AND usage_date <= $3 AND ${COLUMN[dimension]} IS NOT NULL
         AND ${COLUMN[dimension]} <> '' AND billing_currency IS NOT NULL${restrict}
       GROUP BY 1, 2, 3`,
      params,
    );
    const out = new Map<string, { key: string; currency: string; points: Map<string, number> }>();
    for (const r of rows) {
      const id = seriesKey(dimension, r.k, r.currency);
      let s = out.get(id);
      if (!s) {
        s = { key: r.k, currency: r.currency, points: new Map() };
        out.set(id, s);
      }
      s.points.set(String(r.d), Number(r.cost));
    }
    return out;
  }

  async function insertRows(tx: Queryable, rows: readonly (string | number | Date)[][]): Promise<void> {
    const width = 14;
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      const values = chunk
        .map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`)
        .join(', ');
      await tx.execute(
        `INSERT INTO cost_anomalies (id, org_id, dimension, dimension_value, usage_date, currency, basis, actual_cost,
           expected_cost, spread, threshold, direction, drivers, detected_at) VALUES ${values}`,
        chunk.flat(),
      );
    }
  }

  return {
    /**
     * Recomputes the organization's anomalies from its cost history. With `cloudAccountId`, only the series that
     * connection's data touches are judged again (every service, and the accounts it delivered).
     */
    async recompute(orgId: string, cloudAccountId?: string): Promise<{ anomalies: number; series: number }> {
      const started = Date.now();
      const [range] = await store.query<{ first: string | null; last: string | null }>(
        'SELECT MIN(usage_date) AS first, MAX(usage_date) AS last FROM cost_daily WHERE org_id = $1',
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
        `SELECT id, dimension, dimension_value, usage_date, currency, actual_cost, expected_cost, threshold, direction,
                drivers, detected_at FROM cost_anomalies WHERE org_id = $1`,
        [orgId],
      );
      const previousBy = new Map(
        previous.map((r) => [seriesKey(r.dimension, r.dimension_value, r.currency) + r.usage_date, r]),
      );
      const judged = new Set<string>();
      const found: { dimension: AnomalyDimension; key: string; currency: string; a: DetectedAnomaly }[] = [];
      if (range?.first && range.last) {
        // The newest day is still being restated by the export; judge it once a later day has arrived.
        const last = addDays(String(range.last), -1);
        const first =
          [String(range.first), addDays(last, -HISTORY_DAYS)].sort().at(-1) ?? String(range.first);
        for (const dimension of ANOMALY_DIMENSIONS) {
          const only = dimension === 'account' ? accountKeys : undefined;
          const series = await loadSeries(orgId, dimension, first, last, only);
          for (const [id, s] of series) {
            judged.add(id);
            const start = [...s.points.keys()].sort()[0];
            const length = daysBetween(start, last) + 1;
            const points = Array.from({ length }, (_, i) => {
              const date = addDays(start, i);
              return { date, cost: s.points.get(date) ?? 0 };
            });
            for (const a of detectAnomalies(points, options))
              found.push({ dimension, key: s.key, currency: s.currency, a });
          }
        }
      }
      const now = clock.now();
      // Drivers are kept when the day's cost has not changed since they were computed.
      const kept = (f: (typeof found)[number]) => {
        const prev = previousBy.get(seriesKey(f.dimension, f.key, f.currency) + f.a.date);
        return prev && Math.abs(Number(prev.actual_cost) - f.a.actual) < 1e-6 ? prev : undefined;
      };
      const computed = new Map<AnomalyDimension, Map<string, AnomalyDriver[]>>();
      for (const dimension of ANOMALY_DIMENSIONS) {
        const needed = found
          .filter((f) => f.dimension === dimension && !kept(f))
          .map((f) => ({ key: f.key, currency: f.currency, date: f.a.date }));
        computed.set(dimension, needed.length ? await driversFor(orgId, dimension, needed) : new Map());
      }
      const rows: (string | number | Date)[][] = [];
      for (const f of found) {
        const prev = kept(f);
        const d = prev
          ? prev.drivers
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
          prev ? prev.detected_at : now,
        ]);
      }
      const rejudged = new Set(accountKeys);
      const stale = previous.filter((r) => r.dimension === 'service' || rejudged.has(r.dimension_value));
      await store.transaction(async (tx) => {
        if (!cloudAccountId) await tx.execute('DELETE FROM cost_anomalies WHERE org_id = $1', [orgId]);
        else
          for (let i = 0; i < stale.length; i += 500) {
            const ids = stale.slice(i, i + 500).map((r) => r.id);
            await tx.execute(
              `DELETE FROM cost_anomalies WHERE org_id = $1 AND id IN (${ids.map((_, j) => `$${j + 2}`).join(', ')})`,
              [orgId, ...ids],
            );
          }
        await insertRows(tx, rows);
      });
      log.info(
        { orgId, cloudAccountId, anomalies: rows.length, series: judged.size, ms: Date.now() - started },
        'cost anomalies recomputed',
      );
      return { anomalies: rows.length, series: judged.size };
    },

    async list(orgId: string, o: ListAnomaliesOptions = {}): Promise<CostAnomaly[]> {
      const params: (string | number)[] = [orgId];
      const where = ['org_id = $1'];
      if (o.from) where.push(`usage_date >= $${params.push(o.from)}`);
      if (o.to) where.push(`usage_date <= $${params.push(o.to)}`);
      if (o.dimension) where.push(`dimension = $${params.push(o.dimension)}`);
      if (o.direction) where.push(`direction = $${params.push(o.direction)}`);
      const rows = await store.query<StoredRow>(
        `SELECT id, dimension, dimension_value, usage_date, currency, actual_cost, expected_cost, threshold, direction,
                drivers, detected_at
         FROM cost_anomalies WHERE ${where.join(' AND ')}
         ORDER BY usage_date DESC, abs(actual_cost - expected_cost) DESC, id
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
          date: String(r.usage_date),
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
        };
      });
    },
  };
}

export type AnomalyEngine = ReturnType<typeof createAnomalyEngine>;
