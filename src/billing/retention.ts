/**
 * The retention window every billing source keeps (months of history, the current one included), and the
 * bookkeeping each source does around its loads: drop what fell out of the window, report the newest usage date.
 */
import { addMonths, isoDate, monthStart } from '../lib/dates.js';
import type { Queryable, Store } from '../store/store.js';

export const DEFAULT_RETENTION_MONTHS = 13;

/** First day (`YYYY-MM-DD`) of the oldest month kept when `months` months are retained at `now`. */
export function oldestRetainedPeriod(now: Date, months: number): string {
  return addMonths(monthStart(isoDate(now)), -(Math.max(1, months) - 1));
}

/** Newest usage date of the account's stored billing data (YYYY-MM-DD), null when none. */
export async function newestUsageDate(store: Queryable, cloudAccountId: string): Promise<string | null> {
  const [row] = await store.query<{ d: string | null }>(
    `SELECT CAST(max(newest_usage_date) AS VARCHAR) AS d FROM billing_periods WHERE cloud_account_id = $1`,
    [cloudAccountId],
  );
  return row?.d ?? null;
}

/** Removes the account's periods older than `oldest` (`YYYY-MM-DD`), line items, rollup and bookkeeping together. */
export async function dropOlderThan(store: Store, cloudAccountId: string, oldest: string): Promise<void> {
  await store.transaction(async (tx) => {
    for (const table of ['cost_line_items', 'cost_daily', 'billing_periods']) {
      await tx.execute(
        `DELETE FROM ${table} WHERE cloud_account_id = $1 AND billing_period < CAST($2 AS DATE)`,
        [cloudAccountId, oldest],
      );
    }
  });
}
