/**
 * The Azure cost export source: a Cost Management export (FOCUS, actual cost or amortized cost; CSV gzip or
 * Parquet; overwrite or new-file) in a storage container. Each period's bill is exactly the blobs its newest run's
 * `manifest.json` lists; a period whose newest run (run ID and blobs' ETags) was loaded already is left alone, and
 * a reload of the same run replaces the period with the same rows.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { BillingKit, BillingSource } from '../../../billing/billing-source.js';
import { BillingLoadError, errorMessage, readDiagnostic } from '../../../billing/diagnostics.js';
import { storedPeriods } from '../../../billing/period-bookkeeping.js';
import { withPeriodLock } from '../../../billing/period-lock.js';
import {
  recordFailure,
  writeIntoDuckDbStore,
  writeIntoPostgresStore,
  type PeriodTarget,
} from '../../../billing/period-writer.js';
import {
  DEFAULT_RETENTION_MONTHS,
  dropOlderThan,
  newestUsageDate,
  oldestRetainedPeriod,
} from '../../../billing/retention.js';
import { literal } from '../../../billing/sql-text.js';
import { ConnectionError, type Diagnostic } from '../../../lib/errors.js';
import { classifyFocusHeader } from '../../focus/focus-columns.js';
import { buildFocusSelect } from '../../focus/focus-mapping.js';
import { headerDiagnostic, relationOf } from '../../focus/focus-source.js';
import type { ObjectStore } from '../../object-store/object-store.js';
import type { ExportDataset } from '../connection/azure-schemas.js';
import { buildDetailSelect, missingDetailColumns, type SourceColumns } from './detail-mapping.js';
import type { ExportRun } from './export-manifests.js';
import { blobFormat, datasetOf, exportFolderOf, readExportRuns } from './export-runs.js';

/** Bumped when a mapping changes, so that every period is loaded again. */
export const AZURE_NORMALIZATION_VERSION = 1;

export interface SyncAzureInput {
  orgId: string;
  cloudAccountId: string;
  location: { container: string; directory: string; exportName: string };
  objects: ObjectStore;
  retentionMonths?: number;
  force?: boolean;
  signal?: AbortSignal;
}

export interface AzurePeriodResult {
  period: string;
  status: 'loaded' | 'skipped' | 'failed';
  rows: number;
  runId?: string;
  diagnostic?: Diagnostic;
}

export interface SyncAzureResult {
  periods: AzurePeriodResult[];
  newestUsageDate: string | null;
  diagnostic?: Diagnostic;
}

const diag = (code: string, message: string, remediation: string, key?: string): Diagnostic =>
  key === undefined ? { code, message, remediation } : { code, message, remediation, key };

function identityOf(run: ExportRun, blobs: Map<string, { etag: string; size: number }>): string {
  const h = createHash('sha256').update(`${run.runId}\n${run.dataset}\n`);
  for (const b of run.blobs) h.update(`${b}\n${blobs.get(b)?.etag ?? ''}\n${blobs.get(b)?.size ?? ''}\n`);
  return `azure-v${AZURE_NORMALIZATION_VERSION}:${h.digest('hex')}`;
}

async function columnsOf(db: DuckDBConnection, relation: string): Promise<SourceColumns> {
  const reader = await db.runAndReadAll(`DESCRIBE ${relation}`);
  const cols = new Map<string, { name: string; type: string }>();
  for (const r of reader.getRowObjectsJson() as { column_name: string; column_type: string }[])
    cols.set(r.column_name.trim().toLowerCase(), { name: r.column_name, type: r.column_type });
  return cols;
}

/** The normalizing SELECT of one dataset over a relation, every row booked in the run's period. */
function selectOf(
  dataset: ExportDataset,
  relation: string,
  cols: SourceColumns,
  opts: { orgId: string; cloudAccountId: string; period: string },
): string {
  if (dataset !== 'focus') return buildDetailSelect(relation, cols, opts);
  // Azure's FOCUS SubAccountId is `/subscriptions/GUID`: stored as the subscription ID, as the details exports do.
  return `SELECT * REPLACE (DATE ${literal(opts.period)} AS billing_period,
      lower(regexp_replace(sub_account_id, '^/subscriptions/', '', 'i')) AS sub_account_id,
      'azure' AS provider)
    FROM (${buildFocusSelect(relation, cols, opts)}) AS f`;
}

/** Checks that the columns are those of the dataset; the diagnostic names what is missing. */
export function datasetHeaderProblem(
  dataset: ExportDataset,
  header: readonly string[],
  key: string,
): Diagnostic | undefined {
  if (dataset === 'focus') {
    const h = classifyFocusHeader(header);
    return h.kind !== 'focus' || h.missing.length > 0 ? headerDiagnostic(h, key) : undefined;
  }
  const missing = missingDetailColumns(header);
  if (missing.length === 0) return undefined;
  return diag(
    'azure_export_columns_missing',
    `${key} is not an Azure ${dataset}-cost details export Cloudtally can load: it lacks the columns ${missing.join(', ')}.`,
    'Point the connection at a Cost Management export of the type "Cost and usage details (actual cost)", "(amortized cost)" or "(FOCUS)".',
    key,
  );
}

async function loadRun(
  kit: BillingKit,
  db: DuckDBConnection,
  dir: string,
  input: SyncAzureInput,
  run: ExportRun,
  dataset: ExportDataset,
  target: PeriodTarget,
): Promise<number> {
  const files: { key: string; local: string; format: 'csv' | 'parquet' }[] = [];
  for (const [i, key] of run.blobs.entries()) {
    const format = blobFormat(key);
    if (!format) continue;
    const local = path.join(dir, `${i}-${path.basename(key).replace(/[^A-Za-z0-9._-]/g, '_')}`);
    try {
      await input.objects.download(key, local, input.signal);
    } catch (err) {
      if (input.signal?.aborted) throw err;
      throw new BillingLoadError(
        diag(
          'billing_load_failed',
          `Reading ${key} (listed by ${run.manifestBlob}) from ${input.objects.where} failed: ${errorMessage(err)}`,
          'Check that the service principal has Storage Blob Data Reader on the container, then sync again.',
          key,
        ),
      );
    }
    files.push({ key, local, format });
  }
  if (files.length === 0)
    throw new BillingLoadError(
      diag(
        'azure_manifest_no_data',
        `${run.manifestBlob} lists no CSV or Parquet blob.`,
        'Check the export run in the Azure portal (Cost Management → Exports → run history); run it again.',
        run.manifestBlob,
      ),
    );
  const opts = { orgId: input.orgId, cloudAccountId: input.cloudAccountId, period: target.period };
  const parts: { sql: string; perFile: string[] }[] = [];
  for (const format of ['csv', 'parquet'] as const) {
    const mine = files.filter((f) => f.format === format);
    if (mine.length === 0) continue;
    const rel = relationOf(
      mine.map((f) => f.local),
      format,
    );
    let cols: SourceColumns;
    try {
      cols = await columnsOf(db, rel);
    } catch (err) {
      throw new BillingLoadError(readDiagnostic(err, mine[0].key));
    }
    const problem = datasetHeaderProblem(
      dataset,
      [...cols.values()].map((c) => c.name),
      mine[0].key,
    );
    if (problem) throw new BillingLoadError(problem);
    parts.push({
      sql: selectOf(dataset, rel, cols, opts),
      perFile: mine.map((f) => selectOf(dataset, relationOf([f.local], format), cols, opts)),
    });
  }
  const union = parts.map((p) => p.sql).join('\nUNION ALL\n');
  const out = await withPeriodLock(
    kit.store,
    `${input.cloudAccountId}|${target.exportKey}|${target.period}`,
    () =>
      kit.store.traits.filesInEngine
        ? writeIntoDuckDbStore(kit.store, target, union)
        : writeIntoPostgresStore(
            kit.store,
            db,
            target,
            parts.flatMap((p) => p.perFile),
            path.join(dir, 'period'),
          ),
  );
  return out.totals.rows;
}

export async function syncAzureExport(kit: BillingKit, input: SyncAzureInput): Promise<SyncAzureResult> {
  const { store } = kit;
  const now = kit.clock.now();
  const oldest = oldestRetainedPeriod(now, input.retentionMonths ?? DEFAULT_RETENTION_MONTHS);
  const folder = exportFolderOf(input.location);
  const exportKey = `azure:${input.location.container}/${folder}`;
  let runs;
  try {
    runs = await readExportRuns(input.objects, input.location, input.signal);
  } catch (err) {
    if (input.signal?.aborted) throw err;
    const d = diag(
      'azure_export_list_failed',
      `Reading the runs of ${folder} in ${input.objects.where} failed: ${errorMessage(err)}`,
      'Check the storage account, container, directory and export name, and that the service principal has Storage Blob Data Reader on the container.',
    );
    throw new ConnectionError(d, [d], { cause: err });
  }
  await dropOlderThan(store, input.cloudAccountId, oldest);
  const newest = [...runs.newest.values()].filter((r) => `${r.period}-01` >= oldest);
  if (newest.length === 0) {
    return {
      periods: [],
      newestUsageDate: await newestUsageDate(store, input.cloudAccountId),
      diagnostic: diag(
        'azure_export_not_delivered',
        `No run of ${folder} in ${input.objects.where} (no manifest.json within the months kept).`,
        'Run the export once (Cost Management → Exports → Run now); a new export delivers within a day.',
      ),
    };
  }
  const stored = new Map(
    (await storedPeriods(store, input.cloudAccountId, exportKey)).map((p) => [p.period.slice(0, 7), p]),
  );
  const periods: AzurePeriodResult[] = [];
  const dir = await mkdtemp(path.join(kit.tmpRoot, `billing-azure-${process.pid}-`));
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: kit.scratchMemoryLimit ?? '512MB',
    temp_directory: path.join(dir, 'duckdb-tmp'),
  });
  const db = await instance.connect();
  try {
    await db.run(`SET TimeZone = 'UTC'`);
    for (const run of newest.sort((a, b) => a.period.localeCompare(b.period))) {
      const identity = identityOf(run, runs.blobs);
      const seen = stored.get(run.period);
      if (!input.force && seen?.state === 'loaded' && seen.identity === identity) {
        periods.push({ period: run.period, status: 'skipped', rows: seen.rowCount, runId: run.runId });
        continue;
      }
      const target: PeriodTarget = {
        orgId: input.orgId,
        cloudAccountId: input.cloudAccountId,
        exportKey,
        period: `${run.period}-01`,
        manifestKey: run.manifestBlob,
        identity,
        keep: 'all',
        now,
      };
      try {
        const dataset = datasetOf(run.dataset);
        if (!dataset)
          throw new BillingLoadError(
            diag(
              'azure_export_type_unsupported',
              `${run.manifestBlob} is an export of type ${run.dataset}; Cloudtally loads FocusCost, ActualCost and AmortizedCost.`,
              'Create the export with the type "Cost and usage details (FOCUS)", "(actual cost)" or "(amortized cost)".',
              run.manifestBlob,
            ),
          );
        const runDir = path.join(dir, run.period);
        await mkdir(runDir, { recursive: true });
        const rows = await loadRun(kit, db, runDir, input, run, dataset, target);
        periods.push({ period: run.period, status: 'loaded', rows, runId: run.runId });
      } catch (err) {
        if (input.signal?.aborted) throw err;
        const d =
          err instanceof BillingLoadError ? err.diagnostic : readDiagnostic(err, run.manifestBlob, 'loading');
        await recordFailure(store, target, d).catch(() => undefined);
        periods.push({ period: run.period, status: 'failed', rows: 0, runId: run.runId, diagnostic: d });
      }
    }
  } finally {
    db.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
  return { periods, newestUsageDate: await newestUsageDate(store, input.cloudAccountId) };
}

export const azureExportSource: BillingSource<SyncAzureInput, SyncAzureResult> = {
  id: 'azure-export',
  label: 'Azure Cost Management export (storage container)',
  connectionTypes: ['cost_export'],
  sync: syncAzureExport,
};
