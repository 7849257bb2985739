/**
 * Billing ingestion, provider-neutral: every provider's billing sources load an account's bill through it into
 * `cost_line_items` (FOCUS-aligned, one row per line item), the `cost_daily` rollup and `billing_periods`
 * bookkeeping.
 *
 * ```ts
 * const billing = createBillingService({ store, log, tmpDir, clock });
 *
 * // A source of the account's provider (Provider.billingSources), with that source's own input:
 * const result = await billing.syncSource(source, input);
 *
 * // When an account is removed, inside the caller's transaction:
 * await billing.deleteAccountData(tx, orgId, cloudAccountId);
 * ```
 *
 * Guarantees every source keeps (through period-writer.ts and period-lock.ts): a period (account, export,
 * billing month) is replaced in one transaction, so a failed or killed load leaves the previous data; a period
 * already loaded with the same identity is skipped; two loads of one period never overlap. A bad file fails only
 * its period, with a diagnostic `{ code, message, remediation, key }`. The AWS sources (CUR 2.0, legacy CUR,
 * Cost Explorer) are in src/providers/aws/billing/; `createAwsBillingService` there adds their `syncExport` and
 * `syncCostExplorer` to this service.
 */
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock, type Clock } from '../lib/clock.js';
import { silentLog, type Log } from '../lib/log.js';
import type { Queryable, Store } from '../store/store.js';
import type { BillingKit, BillingSource } from './billing-source.js';

export { DEFAULT_RETENTION_MONTHS, oldestRetainedPeriod } from './retention.js';
export type { BillingKit, BillingSource };

export interface BillingServiceDeps {
  store: Store;
  log?: Log;
  /** Where downloads and scratch files go (each load uses, and removes, its own sub-folder). */
  tmpDir?: string;
  clock?: Clock;
  /** Parallel downloads per period (default 4). */
  downloadConcurrency?: number;
  /** Memory limit of the scratch DuckDB that inspects files and normalizes for PostgreSQL (default 512MB). */
  scratchMemoryLimit?: string;
}

export interface BillingService {
  /** Loads an account's bill from one of its provider's billing sources. */
  syncSource<I, R>(source: BillingSource<I, R>, input: I): Promise<R>;
  deleteAccountData(tx: Queryable, orgId: string, cloudAccountId: string): Promise<void>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes working folders left by a killed process (their owner's pid is in the name). */
async function removeStaleWorkDirs(dir: string, log: Log): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^billing(?:-[a-z]+)?-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    await rm(path.join(dir, name), { recursive: true, force: true }).catch((err: unknown) =>
      log.warn({ err, name }, 'could not remove a stale billing work folder'),
    );
  }
}

export function createBillingService(deps: BillingServiceDeps): BillingService {
  const log = deps.log ?? silentLog;
  const kit: BillingKit = {
    store: deps.store,
    log,
    clock: deps.clock ?? systemClock,
    tmpRoot: deps.tmpDir ?? tmpdir(),
    downloadConcurrency: deps.downloadConcurrency,
    scratchMemoryLimit: deps.scratchMemoryLimit,
  };
  const cleanup = removeStaleWorkDirs(kit.tmpRoot, log);

  async function syncSource<I, R>(source: BillingSource<I, R>, input: I): Promise<R> {
    await cleanup;
    return source.sync(kit, input);
  }

  async function deleteAccountData(tx: Queryable, orgId: string, cloudAccountId: string): Promise<void> {
    for (const table of ['cost_line_items', 'cost_daily', 'billing_periods']) {
      await tx.execute(`DELETE FROM ${table} WHERE org_id = $1 AND cloud_account_id = $2`, [
        orgId,
        cloudAccountId,
      ]);
    }
  }

  return { syncSource, deleteAccountData };
}
