/**
 * Stored anomalies: recomputed from the `cost_daily` rollup after each billing load, listed with the line items
 * that drove them and with what people decided about them. Amortized cost is judged, so that a commitment bought
 * on the 1st is not a spike. The series are read and judged in anomaly-series.ts, stored in anomaly-store.ts.
 */
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import type { Store } from '../store/store.js';
import type { AccountNames } from './account-names.js';
import { driversFor } from './anomaly-drivers.js';
import { DEFAULT_ANOMALY_OPTIONS, type AnomalyOptions } from './anomaly-detect.js';
import { judgeSeries, loadSeries, RECURRING } from './anomaly-series.js';
import { writeState, type AnomalyState } from './anomaly-states.js';
import {
  anomalyKey,
  listAnomalies,
  readStored,
  storedKey,
  storedRow,
  writeAnomalies,
  type CostAnomaly,
  type FoundAnomaly,
  type ListAnomaliesOptions,
} from './anomaly-store.js';
import { addDays, monthStart } from './dates.js';
import { ANOMALY_DIMENSIONS, type AnomalyDimension, type AnomalyDriver } from './anomaly-types.js';

export { ANOMALY_DIMENSIONS, type AnomalyDimension, type AnomalyDriver };
export type { CostAnomaly, ListAnomaliesOptions };

/** Days of history judged on each recompute (13 months and a baseline). */
const HISTORY_DAYS = 460;

export interface AnomalyEngineDeps {
  store: Store;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  names: AccountNames;
  options?: Partial<AnomalyOptions>;
}

export function createAnomalyEngine({ store, clock, log, names, options }: AnomalyEngineDeps) {
  const o = { ...DEFAULT_ANOMALY_OPTIONS, ...options };
  const list = (orgId: string, lo: ListAnomaliesOptions & { id?: string } = {}) =>
    listAnomalies(store, names, orgId, lo);

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
      const previous = await readStored(store, orgId);
      const previousBy = new Map(previous.map((r) => [storedKey(r), r]));
      let judged = 0;
      const found: FoundAnomaly[] = [];
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
          const series = await loadSeries(store, orgId, dimension, first, last, young, only);
          for (const s of series.values()) {
            judged++;
            for (const a of judgeSeries(s, last, firstDay, o.baselineDays, { ...options, openFrom }))
              found.push({ dimension, key: s.key, currency: s.currency, a });
          }
        }
      }
      const now = clock.now();
      // Drivers are kept when the day's cost has not changed since they were computed.
      const kept = (f: FoundAnomaly) => {
        const prev = previousBy.get(anomalyKey(f.dimension, f.key, f.currency, f.a.date));
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
        const prev = previousBy.get(anomalyKey(f.dimension, f.key, f.currency, f.a.date));
        const unchanged = kept(f);
        foundKeys.add(anomalyKey(f.dimension, f.key, f.currency, f.a.date));
        const d = unchanged
          ? unchanged.drivers
          : JSON.stringify(
              computed.get(f.dimension)?.get(JSON.stringify([f.key, f.currency, f.a.date])) ?? [],
            );
        rows.push(storedRow(orgId, f, prev, d, unchanged ? unchanged.detected_at : now));
      }
      // Anomalies judged again and not found any more; those of series not judged now stay.
      const rejudged = new Set(accountKeys);
      const stale = previous.filter(
        (r) =>
          (!cloudAccountId || r.dimension === 'service' || rejudged.has(r.dimension_value)) &&
          !foundKeys.has(storedKey(r)),
      );
      await store.transaction((tx) =>
        writeAnomalies(
          tx,
          orgId,
          rows,
          stale.map((r) => r.id),
        ),
      );
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
