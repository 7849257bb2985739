/**
 * Writes one normalized billing period into the store in one transaction: the period's previous rows,
 * rollup and bookkeeping are replaced together or not at all.
 *
 * - A store whose engine reads files (traits.filesInEngine, DuckDB): the normalizing INSERT runs in the
 *   store's own engine, inside the transaction.
 * - Otherwise (PostgreSQL): a scratch DuckDB normalizes into a Parquet file; the kept rows and the rollup go
 *   to PostgreSQL with COPY inside one transaction.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Queryable, Store } from '../store/store.js';
import { literal } from './sql-text.js';
import { loadError } from './diagnostics.js';
import { LINE_ITEM_COLUMNS } from './line-item-columns.js';
import {
  accountsSql,
  DAILY_COLUMNS,
  dailyRollupSql,
  groupsSql,
  keptCondition,
  notImportedSql,
  toNotImported,
  toTotals,
  totalsSql,
  type NotImported,
  type PeriodTotals,
} from './rollup.js';

export interface PeriodTarget {
  orgId: string;
  cloudAccountId: string;
  exportKey: string;
  /** `YYYY-MM-DD`, first day of the period. */
  period: string;
  manifestKey: string;
  /** Identity of what was loaded (manifest + settings); a later load of the same identity is skipped. */
  identity: string;
  /** Account IDs whose rows are kept, or 'all'. */
  keep: readonly string[] | 'all';
  now: Date;
}

export interface WriteOutcome {
  sourceRows: number;
  totals: PeriodTotals;
  notImported: NotImported;
}

const EMPTY_NOT_IMPORTED: NotImported = { accounts: [], rows: 0, billed: 0, byCurrency: {} };

async function replacePeriodRows(tx: Queryable, t: PeriodTarget): Promise<void> {
  const where = 'WHERE cloud_account_id = $1 AND billing_period = CAST($2 AS DATE)';
  await tx.execute(`DELETE FROM cost_line_items ${where}`, [t.cloudAccountId, t.period]);
  await tx.execute(`DELETE FROM cost_daily ${where}`, [t.cloudAccountId, t.period]);
}

async function recordLoaded(tx: Queryable, t: PeriodTarget, out: WriteOutcome): Promise<void> {
  // The period's rows now come from this export; bookkeeping of another export of the same period is stale.
  await tx.execute(
    `DELETE FROM billing_periods WHERE cloud_account_id = $1 AND billing_period = CAST($2 AS DATE) AND export_key <> $3`,
    [t.cloudAccountId, t.period, t.exportKey],
  );
  await tx.execute(
    `INSERT INTO billing_periods (org_id, cloud_account_id, export_key, billing_period, manifest_key,
       manifest_identity, row_count, totals, not_imported, newest_usage_date, state, error, loaded_at)
     VALUES ($1, $2, $3, CAST($4 AS DATE), $5, $6, $7, $8, $9, CAST($10 AS DATE), 'loaded', NULL, $11)
     ON CONFLICT (cloud_account_id, export_key, billing_period) DO UPDATE SET
       org_id = excluded.org_id, manifest_key = excluded.manifest_key,
       manifest_identity = excluded.manifest_identity, row_count = excluded.row_count,
       totals = excluded.totals, not_imported = excluded.not_imported,
       newest_usage_date = excluded.newest_usage_date, state = 'loaded', error = NULL,
       loaded_at = excluded.loaded_at`,
    [
      t.orgId,
      t.cloudAccountId,
      t.exportKey,
      t.period,
      t.manifestKey,
      t.identity,
      out.totals.rows,
      JSON.stringify(out.totals),
      JSON.stringify(out.notImported),
      out.totals.newestUsageDate,
      t.now,
    ],
  );
}

/** Marks a period's last attempt as failed; the data and identity of its last good load stay. */
export async function recordFailure(store: Store, t: PeriodTarget, error: unknown): Promise<void> {
  await store.execute(
    `INSERT INTO billing_periods (org_id, cloud_account_id, export_key, billing_period, manifest_key, state, error)
     VALUES ($1, $2, $3, CAST($4 AS DATE), $5, 'failed', $6)
     ON CONFLICT (cloud_account_id, export_key, billing_period) DO UPDATE SET state = 'failed', error = excluded.error`,
    [t.orgId, t.cloudAccountId, t.exportKey, t.period, t.manifestKey, JSON.stringify(error)],
  );
}

function emptyError(t: PeriodTarget) {
  return loadError(
    'billing_export_empty',
    `The export's period ${t.period.slice(0, 7)} (${t.manifestKey}) holds no line items`,
    t.manifestKey,
  );
}

/** Groups of the period kept (`groups` holds every account's). */
function keptGroups(groups: string, keep: PeriodTarget['keep']): string {
  return keep === 'all'
    ? groups
    : `(SELECT * FROM ${groups} WHERE ${keptCondition(keep, 'usage_account_id')}) AS kept`;
}

/**
 * DuckDB store: inside the store's transaction, the period's groups go to a temporary table (one pass over the
 * source files), the kept line items are normalized straight into `cost_line_items` (a second pass), and the
 * rollup, totals and rows not imported come from the groups.
 */
export async function writeIntoDuckDbStore(
  store: Store,
  t: PeriodTarget,
  focusSelect: string,
): Promise<WriteOutcome> {
  const groups = `period_groups_${randomUUID().replace(/-/g, '')}`;
  return store.transaction(async (tx) => {
    await replacePeriodRows(tx, t);
    await tx.execute(`CREATE TEMP TABLE ${groups} AS ${groupsSql(`(${focusSelect}) AS li`)}`);
    const out = await summarize((sql) => tx.query(sql), groups, t);
    const kept =
      t.keep === 'all' ? focusSelect : `SELECT * FROM (${focusSelect}) AS li WHERE ${keptCondition(t.keep)}`;
    const inserted = await tx.execute(
      `INSERT INTO cost_line_items (${LINE_ITEM_COLUMNS.join(', ')}) ${kept}`,
    );
    if (inserted !== out.totals.rows) {
      throw new Error(`Period ${t.period}: ${inserted} line items written but ${out.totals.rows} counted`);
    }
    await tx.execute(
      `INSERT INTO cost_daily (${DAILY_COLUMNS.join(', ')}) ${dailyRollupSql(keptGroups(groups, t.keep))}`,
    );
    await tx.execute(`DROP TABLE ${groups}`);
    await recordLoaded(tx, t, out);
    return out;
  });
}

/** Source rows, totals and rows not imported of the period, from its groups; an empty period fails. */
async function summarize(
  rows: (sql: string) => Promise<Record<string, unknown>[]>,
  groups: string,
  t: PeriodTarget,
): Promise<WriteOutcome> {
  const [all] = await rows(`SELECT sum(row_count) AS n FROM ${groups}`);
  const sourceRows = Number(all?.n ?? 0);
  if (sourceRows === 0) throw emptyError(t);
  const notImported =
    t.keep === 'all' ? EMPTY_NOT_IMPORTED : toNotImported(await rows(notImportedSql(groups, t.keep)));
  const kept = keptGroups(groups, t.keep);
  const totals = toTotals(await rows(totalsSql(kept)), await rows(accountsSql(kept)));
  return { sourceRows, totals, notImported };
}

async function rowsOf(db: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await db.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/**
 * PostgreSQL store: a scratch DuckDB `db` normalizes each source file (`selects`, one normalizing SELECT
 * per file) into Parquet parts and renders each part as CSV for COPY, all inside the store's transaction:
 * DuckDB normalizes and renders the next part while PostgreSQL ingests the previous one, so both cores
 * work. At the end one pass groups the Parquet parts; the totals, the rollup and the rows not imported come
 * from those groups.
 */
export async function writeIntoPostgresStore(
  store: Store,
  db: DuckDBConnection,
  t: PeriodTarget,
  selects: readonly string[],
  workDir: string,
): Promise<WriteOutcome> {
  const normDir = path.join(workDir, 'normalized');
  const dailyPath = path.join(workDir, 'daily.csv');
  const keep = t.keep === 'all' ? 'TRUE' : keptCondition(t.keep);
  await mkdir(normDir, { recursive: true });
  return store.transaction(async (tx) => {
    await replacePeriodRows(tx, t);
    let sourceRows = 0;
    let copiedRows = 0;
    let copying: Promise<unknown> = Promise.resolve();
    let n = 0;
    try {
      for (const [i, select] of selects.entries()) {
        const sourceDir = path.join(normDir, `source-${i}`);
        const copied = await db.run(
          `COPY (${select}) TO ${literal(sourceDir)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880, ROW_GROUPS_PER_FILE 2)`,
        );
        sourceRows += Number(copied.rowsChanged);
        const parts = (await readdir(sourceDir)).filter((f) => f.endsWith('.parquet')).sort();
        for (const part of parts) {
          const csv = path.join(workDir, `line-items-${n++}.csv`);
          await db.run(
            `COPY (SELECT ${LINE_ITEM_COLUMNS.join(', ')} FROM read_parquet(${literal(path.join(sourceDir, part))}) WHERE ${keep}) ` +
              `TO ${literal(csv)} (FORMAT csv, HEADER true)`,
          );
          await copying;
          copying = store.copyCsvInto(tx, 'cost_line_items', LINE_ITEM_COLUMNS, csv).then((copied) => {
            copiedRows += copied;
            return rm(csv, { force: true });
          });
          // Handled here so that a failed COPY does not count as unhandled while DuckDB works on the next
          // part; the error itself surfaces at the next `await copying`.
          copying.catch(() => undefined);
        }
      }
      await copying;
    } catch (err) {
      await copying.catch(() => undefined);
      throw err;
    }
    // Before the groups: with no rows there may be no Parquet part at all for read_parquet to open.
    if (sourceRows === 0) throw emptyError(t);
    const groups = 'period_groups';
    await db.run(`DROP TABLE IF EXISTS ${groups}`);
    await db.run(
      `CREATE TEMP TABLE ${groups} AS ${groupsSql(`read_parquet(${literal(path.join(normDir, '*', '*.parquet'))})`)}`,
    );
    const out = await summarize((sql) => rowsOf(db, sql), groups, t);
    if (out.totals.rows !== copiedRows) {
      throw new Error(`Period ${t.period}: ${copiedRows} line items copied but ${out.totals.rows} counted`);
    }
    await db.run(
      `COPY (${dailyRollupSql(keptGroups(groups, t.keep))}) TO ${literal(dailyPath)} (FORMAT csv, HEADER true)`,
    );
    await store.copyCsvInto(tx, 'cost_daily', DAILY_COLUMNS, dailyPath);
    await recordLoaded(tx, t, out);
    return out;
  });
}
