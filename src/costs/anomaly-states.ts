/**
 * What people decided about anomalies: acknowledged, marked expected, or commented. A state is keyed on the
 * anomaly's identity (dimension, its value, day, currency), not on a stored anomaly row, so it is kept across the
 * recomputes that rewrite the anomalies after every billing load.
 */
import type { Queryable } from '../store/store.js';
import type { AnomalyDimension } from './anomaly-types.js';

export const ANOMALY_STATES = ['open', 'acknowledged', 'expected'] as const;
export type AnomalyState = (typeof ANOMALY_STATES)[number];

export interface AnomalyIdentity {
  dimension: AnomalyDimension;
  key: string;
  date: string;
  currency: string;
}

export interface AnomalyStateRecord {
  state: AnomalyState;
  comment: string | null;
  /** Who set it last, and when (null while nobody has). */
  updatedBy: string | null;
  updatedAt: string | null;
}

export const OPEN_STATE: AnomalyStateRecord = {
  state: 'open',
  comment: null,
  updatedBy: null,
  updatedAt: null,
};

export const identityKey = (a: AnomalyIdentity): string =>
  JSON.stringify([a.dimension, a.key, a.date, a.currency]);

type Row = {
  dimension: AnomalyDimension;
  dimension_value: string;
  usage_date: string;
  currency: string;
  state: AnomalyState;
  comment: string | null;
  user_id: string | null;
  updated_at: Date | string;
};

/** The states of an organization's anomalies on days from `from` to `to`, by identity key. */
export async function readStates(
  q: Pick<Queryable, 'query'>,
  orgId: string,
  from: string,
  to: string,
): Promise<Map<string, AnomalyStateRecord>> {
  const rows = await q.query<Row>(
    `SELECT dimension, dimension_value, CAST(usage_date AS VARCHAR) AS usage_date, currency, state, comment, user_id,
            updated_at
     FROM cost_anomaly_states WHERE org_id = $1 AND usage_date >= $2 AND usage_date <= $3`,
    [orgId, from, to],
  );
  return new Map(
    rows.map((r) => [
      identityKey({
        dimension: r.dimension,
        key: r.dimension_value,
        date: String(r.usage_date),
        currency: r.currency,
      }),
      {
        state: r.state,
        comment: r.comment,
        updatedBy: r.user_id,
        updatedAt: new Date(r.updated_at).toISOString(),
      },
    ]),
  );
}

/** Sets the state and comment of one anomaly (an omitted field keeps its current value). */
export async function writeState(
  q: Queryable,
  orgId: string,
  a: AnomalyIdentity,
  change: { state?: AnomalyState; comment?: string | null },
  userId: string | null,
  now: Date,
): Promise<void> {
  const current = (await readStates(q, orgId, a.date, a.date)).get(identityKey(a)) ?? OPEN_STATE;
  const state = change.state ?? current.state;
  const comment = change.comment === undefined ? current.comment : change.comment;
  await q.execute(
    `INSERT INTO cost_anomaly_states (org_id, dimension, dimension_value, usage_date, currency, state, comment, user_id,
       updated_at)
     VALUES ($1, $2, $3, CAST($4 AS DATE), $5, $6, $7, $8, $9)
     ON CONFLICT (org_id, dimension, dimension_value, usage_date, currency) DO UPDATE SET
       state = excluded.state, comment = excluded.comment, user_id = excluded.user_id, updated_at = excluded.updated_at`,
    [orgId, a.dimension, a.key, a.date, a.currency, state, comment, userId, now],
  );
}
