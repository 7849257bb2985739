/**
 * Billing ingestion: turns what AWS writes about money into `cost_line_items` (FOCUS-aligned, one row per
 * line item), the `cost_daily` rollup and `billing_periods` bookkeeping.
 *
 * ```ts
 * const billing = createBillingService({ store, log, tmpDir, clock });
 *
 * // S3 export (CUR 2.0 Data Export or legacy CUR). `s3` is a client for the export bucket's region.
 * const { periods, newestUsageDate } = await billing.syncExport({
 *   orgId, cloudAccountId, awsAccountId,
 *   export: { type: 'cur2' | 'legacy', name, bucket, prefix, region },
 *   edp,                                   // net costs reflect EDP / private-rate discounts
 *   memberImport: 'connected-only' | 'all',
 *   connectedAccountIds,                   // AWS account IDs whose rows are kept (payer included)
 *   retentionMonths,                       // default 13: periods older are dropped, newer are loaded
 *   force,                                 // reload even periods whose manifest did not change
 *   s3, signal, onProgress,
 * });
 * // periods: [{ period: 'YYYY-MM', status: 'loaded' | 'skipped' | 'failed', rows, diagnostic? }]
 *
 * // Cost Explorer source (no export): daily account × region × service × usage type.
 * await billing.syncCostExplorer({ orgId, cloudAccountId, ce, months, signal, onProgress });
 *
 * // When an account is removed, inside the caller's transaction:
 * await billing.deleteAccountData(tx, orgId, cloudAccountId);
 * ```
 *
 * Guarantees: a period (account, export, billing month) is replaced in one transaction, so a failed or
 * killed load leaves the previous data; a manifest already loaded with the same settings is skipped;
 * two loads of one period never overlap (in-process lock, plus an advisory lock on PostgreSQL). A bad
 * file fails only its period, with a diagnostic `{ code, message, remediation, key }` naming the S3 key.
 * Rows of member accounts not in `connectedAccountIds` are not stored unless `memberImport` is 'all';
 * their count and cost per account are kept in `billing_periods.not_imported` (JSON text:
 * `{ accounts: [{ id, rows, billed, currency }], rows, billed, byCurrency }`).
 *
 * Normalization (src/providers/aws/billing/focus-mapping.ts): billed = unblended, net billed = net unblended (EDP accounts),
 * effective = the AWS amortized formula, net effective = its net counterpart; tags are a JSON object with
 * canonical keys (`user:team`). Diagnostics use the shared `Diagnostic` type of src/lib/errors.ts.
 */
import { readdir, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diagnose } from '../providers/aws/sdk/diagnostics.js';
import { classifyAwsError, isRetryableKind } from '../providers/aws/sdk/errors.js';
import { ConnectionError, type Diagnostic } from '../lib/errors.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { silentLog, type Log } from '../lib/log.js';
import type { Queryable, Store } from '../store/store.js';
import {
  COST_EXPLORER_EXPORT_KEY,
  addMonths,
  fetchCostExplorer,
  isMonthFinal,
  isoDate,
  monthStart,
  planCeMonths,
  replaceCeMonth,
  type CostExplorer,
} from '../providers/aws/billing/cost-explorer.js';
import { BillingLoadError, diagnostic, errorMessage, s3Diagnostic } from './diagnostics.js';
import { exportKey, locatePeriods, type ExportLocation } from '../providers/aws/billing/manifests.js';
import { loadPeriod, type LoadProgress, type PeriodResult } from '../providers/aws/billing/period-loader.js';
import { recordFailure } from './period-writer.js';
import type { S3 } from '../providers/aws/billing/s3-files.js';

export type { PeriodResult, LoadProgress, ExportLocation, S3, CostExplorer };

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

export interface SyncExportInput {
  orgId: string;
  cloudAccountId: string;
  awsAccountId: string;
  export: ExportLocation;
  edp: boolean;
  memberImport: 'connected-only' | 'all';
  /** AWS account IDs whose rows are kept (the caller includes the payer itself). */
  connectedAccountIds: string[];
  /** Months of history kept and loaded, the current month included (default 13). */
  retentionMonths?: number;
  force?: boolean;
  s3: S3;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
}

export interface SyncExportResult {
  periods: PeriodResult[];
  /** Newest usage date of the account's stored billing data (YYYY-MM-DD), null when none. */
  newestUsageDate: string | null;
  /** Periods of the export older than the retention window, not loaded (YYYY-MM, oldest first). */
  outsideRetention: string[];
  /**
   * Set when nothing could be loaded: the export holds no billing period yet (e.g. a new export AWS has not
   * delivered), or every period is older than the retention window.
   */
  diagnostic?: Diagnostic;
}

export interface SyncCostExplorerInput {
  orgId: string;
  cloudAccountId: string;
  ce: CostExplorer;
  /** Months of history, the current month included (default 13). */
  months?: number;
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: { phase: 'fetching' | 'loading' | 'done'; requests: number; rows: number }) => void;
}

export interface SyncCostExplorerResult {
  periods: PeriodResult[];
  /** GetCostAndUsage requests made (each costs $0.01). */
  requests: number;
  newestUsageDate: string | null;
}

export interface BillingService {
  syncExport(input: SyncExportInput): Promise<SyncExportResult>;
  syncCostExplorer(input: SyncCostExplorerInput): Promise<SyncCostExplorerResult>;
  deleteAccountData(tx: Queryable, orgId: string, cloudAccountId: string): Promise<void>;
}

export const DEFAULT_RETENTION_MONTHS = 13;

/** First day (`YYYY-MM-DD`) of the oldest month kept when `months` months are retained at `now`. */
export function oldestRetainedPeriod(now: Date, months: number): string {
  return isoDate(addMonths(monthStart(now), -(Math.max(1, months) - 1)));
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
    const m = /^billing(?:-ce)?-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    await rm(path.join(dir, name), { recursive: true, force: true }).catch((err: unknown) =>
      log.warn({ err, name }, 'could not remove a stale billing work folder'),
    );
  }
}

async function newestUsageDate(store: Store, cloudAccountId: string): Promise<string | null> {
  const [row] = await store.query<{ d: string | null }>(
    `SELECT CAST(max(newest_usage_date) AS VARCHAR) AS d FROM billing_periods WHERE cloud_account_id = $1`,
    [cloudAccountId],
  );
  return row?.d ?? null;
}

async function dropOlderThan(store: Store, cloudAccountId: string, oldest: string): Promise<void> {
  await store.transaction(async (tx) => {
    for (const table of ['cost_line_items', 'cost_daily', 'billing_periods']) {
      await tx.execute(
        `DELETE FROM ${table} WHERE cloud_account_id = $1 AND billing_period < CAST($2 AS DATE)`,
        [cloudAccountId, oldest],
      );
    }
  });
}

/** A failed GetCostAndUsage (after the call's retries) as a diagnostic. */
function ceDiagnostic(err: unknown): Diagnostic {
  const kind = classifyAwsError(err);
  if (isRetryableKind(kind)) return diagnose(err, { operation: 'GetCostAndUsage', service: 'ce' });
  const code =
    kind === 'denied' || kind === 'credentials' ? 'cost_explorer_access_denied' : 'cost_explorer_failed';
  return diagnostic(code, `Cost Explorer GetCostAndUsage failed: ${errorMessage(err)}`);
}

export function createBillingService(deps: BillingServiceDeps): BillingService {
  const { store } = deps;
  const log = deps.log ?? silentLog;
  const clock = deps.clock ?? systemClock;
  const tmpRoot = deps.tmpDir ?? tmpdir();
  const cleanup = removeStaleWorkDirs(tmpRoot, log);

  async function syncExport(input: SyncExportInput): Promise<SyncExportResult> {
    await cleanup;
    const now = clock.now();
    const months = input.retentionMonths ?? DEFAULT_RETENTION_MONTHS;
    const oldest = oldestRetainedPeriod(now, months);
    const key = exportKey(input.export);
    const keep = input.memberImport === 'all' ? ('all' as const) : input.connectedAccountIds;
    let located;
    try {
      located = await locatePeriods(input.s3, input.export, input.signal);
    } catch (err) {
      // A cancellation is not a connection problem: the caller sees its own abort.
      if (input.signal?.aborted) throw err;
      const d =
        err instanceof BillingLoadError
          ? err.diagnostic
          : s3Diagnostic(err, input.export.bucket, `${input.export.prefix}`, 'ListObjectsV2');
      throw new ConnectionError(d, [d], { cause: err });
    }
    await dropOlderThan(store, input.cloudAccountId, oldest);
    const inWindow = located.filter((p) => p.period >= oldest).reverse();
    const periods: PeriodResult[] = [];
    for (const p of inWindow) {
      if (input.signal?.aborted) {
        periods.push({
          period: p.period.slice(0, 7),
          status: 'failed',
          rows: 0,
          diagnostic: diagnostic('billing_aborted', `Loading ${p.period.slice(0, 7)} was cancelled`),
        });
        continue;
      }
      if (!p.manifest) {
        await recordFailure(
          store,
          {
            orgId: input.orgId,
            cloudAccountId: input.cloudAccountId,
            exportKey: key,
            period: p.period,
            manifestKey: p.diagnostic.key ?? '',
            identity: '',
            keep,
            now,
          },
          p.diagnostic,
        );
        periods.push({ period: p.period.slice(0, 7), status: 'failed', rows: 0, diagnostic: p.diagnostic });
        continue;
      }
      periods.push(
        await loadPeriod({
          store,
          log,
          tmpRoot,
          orgId: input.orgId,
          cloudAccountId: input.cloudAccountId,
          exportKey: key,
          edp: input.edp,
          keep,
          s3: input.s3,
          manifest: p.manifest,
          force: input.force,
          now,
          signal: input.signal,
          onProgress: input.onProgress,
          downloadConcurrency: deps.downloadConcurrency,
          scratchMemoryLimit: deps.scratchMemoryLimit,
        }),
      );
    }
    periods.sort((a, b) => a.period.localeCompare(b.period));
    const outside = located.filter((p) => p.period < oldest).map((p) => p.period.slice(0, 7));
    const result: SyncExportResult = {
      periods,
      newestUsageDate: await newestUsageDate(store, input.cloudAccountId),
      outsideRetention: outside,
    };
    if (located.length > 0 && inWindow.length === 0) {
      result.diagnostic = diagnostic(
        'billing_periods_outside_retention',
        `Every period of the export (${outside.length === 1 ? outside[0] : `${outside[0]} to ${outside.at(-1)}`}) is older than the ${months} months kept (from ${oldest.slice(0, 7)}): nothing was loaded`,
      );
    } else if (located.length === 0) {
      result.diagnostic = diagnostic(
        'billing_manifest_missing',
        `No billing period found under s3://${input.export.bucket}/${[input.export.prefix, input.export.name].filter(Boolean).join('/')}`,
      );
    }
    return result;
  }

  async function syncCostExplorer(input: SyncCostExplorerInput): Promise<SyncCostExplorerResult> {
    await cleanup;
    const now = clock.now();
    const months = input.months ?? DEFAULT_RETENTION_MONTHS;
    const oldest = oldestRetainedPeriod(now, months);
    await dropOlderThan(store, input.cloudAccountId, oldest);
    const storedRows = await store.query<{ period: string; identity: string | null; state: string }>(
      `SELECT CAST(billing_period AS VARCHAR) AS period, manifest_identity AS identity, state FROM billing_periods
       WHERE cloud_account_id = $1 AND export_key = $2`,
      [input.cloudAccountId, COST_EXPLORER_EXPORT_KEY],
    );
    const stored = new Map(
      storedRows
        .filter((r) => r.state === 'loaded' && !input.force)
        .map((r) => [r.period.slice(0, 10), r.identity ?? '']),
    );
    const plan = planCeMonths(now, months, stored);
    const periods: PeriodResult[] = plan.final.map((m) => ({
      period: m.slice(0, 7),
      status: 'skipped',
      rows: 0,
    }));
    let requests = 0;
    if (plan.fetch.length > 0) {
      const start = plan.fetch[0];
      const end = isoDate(
        new Date(
          Math.min(
            addMonths(monthStart(now), 1).getTime(),
            Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1),
          ),
        ),
      );
      input.onProgress?.({ phase: 'fetching', requests: 0, rows: 0 });
      let fetched;
      try {
        fetched = await fetchCostExplorer(input.ce, start, end, input.signal, (n) =>
          input.onProgress?.({ phase: 'fetching', requests: n, rows: 0 }),
        );
      } catch (err) {
        if (input.signal?.aborted) throw err;
        throw new ConnectionError(ceDiagnostic(err), undefined, { cause: err });
      }
      requests = fetched.requests;
      const dir = await mkdtemp(path.join(tmpRoot, `billing-ce-${process.pid}-`));
      try {
        let rowsSoFar = 0;
        for (const month of plan.fetch.filter((m) => m >= start)) {
          const lines = fetched.lines.filter((l) => l.day.slice(0, 7) === month.slice(0, 7));
          const final = isMonthFinal(month, now, fetched.estimatedMonths.has(month));
          const r = await replaceCeMonth(store, dir, lines, {
            orgId: input.orgId,
            cloudAccountId: input.cloudAccountId,
            month,
            identity: final ? 'final' : 'open',
            now,
          });
          rowsSoFar += r.rows;
          input.onProgress?.({ phase: 'loading', requests, rows: rowsSoFar });
          periods.push({
            period: month.slice(0, 7),
            status: 'loaded',
            rows: r.rows,
            newestUsageDate: r.newestUsageDate,
          });
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    periods.sort((a, b) => a.period.localeCompare(b.period));
    input.onProgress?.({ phase: 'done', requests, rows: periods.reduce((s, p) => s + p.rows, 0) });
    return { periods, requests, newestUsageDate: await newestUsageDate(store, input.cloudAccountId) };
  }

  async function deleteAccountData(tx: Queryable, orgId: string, cloudAccountId: string): Promise<void> {
    for (const table of ['cost_line_items', 'cost_daily', 'billing_periods']) {
      await tx.execute(`DELETE FROM ${table} WHERE org_id = $1 AND cloud_account_id = $2`, [
        orgId,
        cloudAccountId,
      ]);
    }
  }

  return { syncExport, syncCostExplorer, deleteAccountData };
}
