/**
 * The S3 export sources (CUR 2.0 Data Export, legacy CUR): find the export's billing periods, drop what fell out
 * of the retention window, and load each period in the window (period-loader.ts).
 *
 * ```ts
 * const { periods, newestUsageDate } = await billing.syncSource(cur2Source, {
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
 * ```
 *
 * Rows of member accounts not in `connectedAccountIds` are not stored unless `memberImport` is 'all'; their
 * count and cost per account are kept in `billing_periods.not_imported` (JSON text:
 * `{ accounts: [{ id, rows, billed, currency }], rows, billed, byCurrency }`).
 */
import type { BillingKit, BillingSource } from '../../../billing/billing-source.js';
import { BillingLoadError, diagnostic } from '../../../billing/diagnostics.js';
import { recordFailure } from '../../../billing/period-writer.js';
import {
  DEFAULT_RETENTION_MONTHS,
  dropOlderThan,
  newestUsageDate,
  oldestRetainedPeriod,
} from '../../../billing/retention.js';
import { ConnectionError, type Diagnostic } from '../../../lib/errors.js';
import { exportKey, locatePeriods, type ExportLocation } from './manifests.js';
import { loadPeriod, type LoadProgress, type PeriodResult } from './period-loader.js';
import type { S3 } from './s3-files.js';
import { s3Diagnostic } from './s3-diagnostic.js';

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

export async function syncExport(kit: BillingKit, input: SyncExportInput): Promise<SyncExportResult> {
  const { store, log, tmpRoot } = kit;
  const now = kit.clock.now();
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
        downloadConcurrency: kit.downloadConcurrency,
        scratchMemoryLimit: kit.scratchMemoryLimit,
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

export const cur2Source: BillingSource<SyncExportInput, SyncExportResult> = {
  id: 'cur2',
  label: 'CUR 2.0 Data Export (S3)',
  connectionTypes: ['assumed_role', 'root'],
  sync: syncExport,
};

export const legacyCurSource: BillingSource<SyncExportInput, SyncExportResult> = {
  id: 'legacy',
  label: 'Legacy Cost and Usage Report (S3)',
  connectionTypes: ['assumed_role', 'root'],
  sync: syncExport,
};
