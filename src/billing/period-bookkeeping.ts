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

/** One period of an export as last loaded (or failed), with what a load decides a reload by. */
export interface CurrentPeriod {
  identity: string | null;
  state: 'loaded' | 'failed' | string;
  rowCount: number;
  /** The period's totals as stored (JSON text, see period-writer.ts). */
  totals: string;
  /** The accounts left out of the period (JSON text). */
  notImported: string;
}

/** The bookkeeping of one period of an export, or undefined when it was never loaded nor failed. */
export async function currentPeriod(
  q: Queryable,
  cloudAccountId: string,
  exportKey: string,
  period: string,
): Promise<CurrentPeriod | undefined> {
  const [row] = await q.query<{
    manifest_identity: string | null;
    state: string;
    row_count: unknown;
    totals: string;
    not_imported: string;
  }>(
    `SELECT manifest_identity, state, row_count, totals, not_imported FROM billing_periods
     WHERE cloud_account_id = $1 AND export_key = $2 AND billing_period = CAST($3 AS DATE)`,
    [cloudAccountId, exportKey, period],
  );
  if (!row) return undefined;
  return {
    identity: row.manifest_identity,
    state: row.state,
    rowCount: Number(row.row_count),
    totals: row.totals,
    notImported: row.not_imported,
  };
}

/**
 * Records a month loaded from a source without manifests or left-out accounts (the Cost Explorer API), in the
 * caller's transaction: bookkeeping of another export of the same month is stale and goes; on a reload the stored
 * organization, manifest key and left-out accounts stay as they are.
 */
export async function recordApiMonthLoaded(
  tx: Queryable,
  m: {
    orgId: string;
    cloudAccountId: string;
    exportKey: string;
    month: string;
    identity: string;
    /** The month's totals, stored whole as JSON (the rows and newest usage day also in their columns). */
    totals: { rows: number; newestUsageDate: string | null };
    now: Date;
  },
): Promise<void> {
  await tx.execute(
    `DELETE FROM billing_periods WHERE cloud_account_id = $1 AND billing_period = CAST($2 AS DATE) AND export_key <> $3`,
    [m.cloudAccountId, m.month, m.exportKey],
  );
  await tx.execute(
    `INSERT INTO billing_periods (org_id, cloud_account_id, export_key, billing_period, manifest_key,
       manifest_identity, row_count, totals, not_imported, newest_usage_date, state, error, loaded_at)
     VALUES ($1, $2, $3, CAST($4 AS DATE), NULL, $5, $6, $7, '{}', CAST($8 AS DATE), 'loaded', NULL, $9)
     ON CONFLICT (cloud_account_id, export_key, billing_period) DO UPDATE SET
       manifest_identity = excluded.manifest_identity, row_count = excluded.row_count, totals = excluded.totals,
       newest_usage_date = excluded.newest_usage_date, state = 'loaded', error = NULL, loaded_at = excluded.loaded_at`,
    [
      m.orgId,
      m.cloudAccountId,
      m.exportKey,
      m.month,
      m.identity,
      m.totals.rows,
      JSON.stringify(m.totals),
      m.totals.newestUsageDate,
      m.now,
    ],
  );
}
