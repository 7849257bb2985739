/** What `billing_periods` says of an account's periods, for the billing sources that decide what to load. */
import type { Queryable } from '../store/store.js';

export interface StoredPeriod {
  /** `YYYY-MM-DD`, first day of the period. */
  period: string;
  /** Identity of the last good load (manifest + settings), null when none. */
  identity: string | null;
  state: 'loaded' | 'failed' | string;
  rowCount: number;
}

/** The periods of one export of an account, as last loaded (or failed). */
export async function storedPeriods(
  q: Queryable,
  cloudAccountId: string,
  exportKey: string,
): Promise<StoredPeriod[]> {
  const rows = await q.query<{ period: string; identity: string | null; state: string; row_count: unknown }>(
    `SELECT CAST(billing_period AS VARCHAR) AS period, manifest_identity AS identity, state, row_count
     FROM billing_periods WHERE cloud_account_id = $1 AND export_key = $2`,
    [cloudAccountId, exportKey],
  );
  return rows.map((r) => ({
    period: r.period.slice(0, 10),
    identity: r.identity,
    state: r.state,
    rowCount: Number(r.row_count ?? 0),
  }));
}
