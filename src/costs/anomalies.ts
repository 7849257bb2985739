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
  async function drivers(
    orgId: string,
    dimension: AnomalyDimension,
    key: string,
    currency: string,
    date: string,
  ): Promise<AnomalyDriver[]> {
    const window = 28;
    const rows = await store.query<{
      resource_id: string | null;
      usage_type: string | null;
      service: string | null;
      account: string | null;
      region: string | null;
      day_cost: number;
      base_cost: number;
    }>(
      `SELECT resource_id, x_usage_type AS usage_type, service_name AS service, sub_account_id AS account,
              region_id AS region,
              SUM(CASE WHEN usage_date = $5 THEN effective_cost ELSE 0 END) AS day_cost,
              SUM(CASE WHEN usage_date < $5 THEN effective_cost ELSE 0 END) AS base_cost
       FROM cost_line_items
       WHERE org_id = $1 AND ${COLUMN[dimension]} = $2 AND billing_currency = $3 AND usage_date >= $4 AND usage_date <= $5
       GROUP BY 1, 2, 3, 4, 5`,
      [orgId, key, currency, addDays(date, -window), date],
    );
    return rows
      .map((r) => {
        const cost = Number(r.day_cost);
        const baseline = Number(r.base_cost) / window;
        return {
          resourceId: r.resource_id || null,
          usageType: r.usage_type || null,
          service: r.service || null,
          account: r.account || null,
          region: r.region || null,
          cost: round6(cost),
          baseline: round6(baseline),
          change: round6(cost - baseline),
        };
      })
      .filter((d) => d.change !== 0)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
      .slice(0, DRIVER_LIMIT);
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
      const rows: (string | number | Date)[][] = [];
      for (const f of found) {
        const prev = previousBy.get(seriesKey(f.dimension, f.key, f.currency) + f.a.date);
        // Drivers are kept when the day's cost has not changed since they were computed.
        const same = prev && Math.abs(Number(prev.actual_cost) - f.a.actual) < 1e-6;
        const d = same
          ? prev.drivers
          : JSON.stringify(await drivers(orgId, f.dimension, f.key, f.currency, f.a.date));
        rows.push([
          same ? prev.id : newId('anm'),
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
          same ? prev.detected_at : now,
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
