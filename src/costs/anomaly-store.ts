/**
 * The stored anomalies (`cost_anomalies`): written by each recompute, listed with what people decided about them
 * (`cost_anomaly_states`, kept across recomputes).
 */
import { newId } from '../lib/ids.js';
import type { Queryable } from '../store/store.js';
import type { AccountNames } from './account-names.js';
import type { DetectedAnomaly } from './anomaly-detect.js';
import type { AnomalyState } from './anomaly-states.js';
import type { AnomalyDimension, AnomalyDriver } from './anomaly-types.js';
import { round6 } from './cost-answer.js';

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

/** An anomaly as stored by the previous recompute. */
export type StoredAnomaly = {
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

type ListedRow = StoredAnomaly & {
  state: AnomalyState | null;
  comment: string | null;
  user_id: string | null;
  updated_at: Date | string | null;
};

/** An anomaly found by a recompute, to be stored. */
export interface FoundAnomaly {
  dimension: AnomalyDimension;
  key: string;
  currency: string;
  a: DetectedAnomaly;
}

export const anomalyKey = (dimension: string, key: string, currency: string, date: string) =>
  JSON.stringify([dimension, key, currency, date]);

/** The key of a stored anomaly, as {@link anomalyKey}. */
export const storedKey = (r: StoredAnomaly) =>
  anomalyKey(r.dimension, r.dimension_value, r.currency, String(r.usage_date).slice(0, 10));

/** Every stored anomaly of the organization. */
export function readStored(store: Pick<Queryable, 'query'>, orgId: string): Promise<StoredAnomaly[]> {
  return store.query<StoredAnomaly>(
    `SELECT id, dimension, dimension_value, CAST(usage_date AS VARCHAR) AS usage_date, currency, actual_cost,
            expected_cost, threshold, direction, drivers, detected_at FROM cost_anomalies WHERE org_id = $1`,
    [orgId],
  );
}

/** One stored row per anomaly found: its ID and detection time kept when it was stored before. */
export function storedRow(
  orgId: string,
  f: FoundAnomaly,
  prev: StoredAnomaly | undefined,
  drivers: string,
  detectedAt: Date,
): (string | number | Date)[] {
  return [
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
    drivers,
    detectedAt,
  ];
}

/** Writes the anomalies found and deletes the stale ones, in the caller's transaction. */
export async function writeAnomalies(
  tx: Queryable,
  orgId: string,
  rows: readonly (string | number | Date)[][],
  staleIds: readonly string[],
): Promise<void> {
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
  for (let i = 0; i < staleIds.length; i += 500) {
    const ids = staleIds.slice(i, i + 500);
    await tx.execute(
      `DELETE FROM cost_anomalies WHERE org_id = $1 AND id IN (${ids.map((_, j) => `$${j + 2}`).join(', ')})`,
      [orgId, ...ids],
    );
  }
}

/** The organization's anomalies, newest and largest first, with what people decided and account names. */
export async function listAnomalies(
  store: Pick<Queryable, 'query'>,
  names: AccountNames,
  orgId: string,
  o: ListAnomaliesOptions & { id?: string } = {},
): Promise<CostAnomaly[]> {
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
