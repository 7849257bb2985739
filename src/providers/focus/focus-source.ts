/**
 * The FOCUS source: any FOCUS 1.0–1.2 export in an S3-compatible bucket (AWS Data Exports' FOCUS export, Google
 * Cloud's FOCUS view exported to Cloud Storage and read with HMAC keys, Oracle Cloud's FOCUS reports, MinIO, Ceph,
 * R2). Every data file under the prefix (CSV, gzip CSV, Parquet) is read; rows are stored by the month of their
 * `BillingPeriodStart`, one period per transaction, with the provider of each row from `ProviderName`.
 *
 * A load's identity is the list of files (key, ETag, size): when none changed, nothing is downloaded; a reload of
 * the same files replaces each period with the same rows.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { BillingKit, BillingSource } from '../../billing/billing-source.js';
import { BillingLoadError, errorMessage, readDiagnostic } from '../../billing/diagnostics.js';
import { storedPeriods } from '../../billing/period-bookkeeping.js';
import { withPeriodLock } from '../../billing/period-lock.js';
import {
  recordFailure,
  writeIntoDuckDbStore,
  writeIntoPostgresStore,
  type PeriodTarget,
} from '../../billing/period-writer.js';
import {
  DEFAULT_RETENTION_MONTHS,
  dropOlderThan,
  newestUsageDate,
  oldestRetainedPeriod,
} from '../../billing/retention.js';
import { literal } from '../../billing/sql-text.js';
import { ConnectionError, type Diagnostic } from '../../lib/errors.js';
import type { ObjectStore } from '../object-store/object-store.js';
import { classifyFocusHeader } from './focus-columns.js';
import { buildFocusSelect, type FocusSourceColumns } from './focus-mapping.js';

/** Bumped when the mapping changes, so that every period is loaded again. */
export const FOCUS_NORMALIZATION_VERSION = 1;

export interface FocusLocation {
  /**
   * The S3-compatible endpoint (e.g. `https://storage.googleapis.com`) or the storage account's blob endpoint;
   * for messages only (the object store has it).
   */
  endpoint: string;
  /** The bucket, or the Azure Blob container. */
  bucket: string;
  prefix: string;
}

export interface FocusFile {
  key: string;
  etag: string;
  size: number;
  format: 'csv' | 'parquet';
}

export interface SyncFocusInput {
  orgId: string;
  cloudAccountId: string;
  location: FocusLocation;
  /** Where the files are read from: an S3-compatible bucket or an Azure Blob container (src/providers/object-store). */
  objects: ObjectStore;
  retentionMonths?: number;
  force?: boolean;
  signal?: AbortSignal;
}

export interface FocusPeriodResult {
  period: string;
  status: 'loaded' | 'skipped' | 'failed';
  rows: number;
  diagnostic?: Diagnostic;
}

export interface SyncFocusResult {
  periods: FocusPeriodResult[];
  files: number;
  newestUsageDate: string | null;
  diagnostic?: Diagnostic;
}

export function focusDiagnostic(
  code: string,
  message: string,
  remediation: string,
  key?: string,
): Diagnostic {
  return key === undefined ? { code, message, remediation } : { code, message, remediation, key };
}

/** The format of a data file by its name; anything else (manifests, metadata) is not data. */
export function dataFormat(key: string): 'csv' | 'parquet' | undefined {
  const k = key.toLowerCase();
  if (k.includes('/metadata/') || k.endsWith('/')) return undefined;
  if (k.endsWith('.parquet')) return 'parquet';
  if (k.endsWith('.csv') || k.endsWith('.csv.gz') || k.endsWith('.csv.gzip')) return 'csv';
  return undefined;
}

/** Every data file under the prefix, in key order. */
export async function listFocusFiles(
  objects: ObjectStore,
  loc: FocusLocation,
  signal?: AbortSignal,
): Promise<FocusFile[]> {
  const out: FocusFile[] = [];
  for (const o of await objects.list(loc.prefix, signal)) {
    const format = dataFormat(o.key);
    if (!format || o.size === 0) continue;
    out.push({ key: o.key, etag: o.etag, size: o.size, format });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export function exportKeyOf(loc: FocusLocation): string {
  return `focus:${loc.bucket}/${loc.prefix}`;
}

function identityOf(files: readonly FocusFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.key}\n${f.etag}\n${f.size}\n`);
  h.update(String(FOCUS_NORMALIZATION_VERSION));
  return `focus-v${FOCUS_NORMALIZATION_VERSION}:${h.digest('hex')}`;
}

/** DuckDB relation over local files of one format. */
export function relationOf(paths: readonly string[], format: 'csv' | 'parquet'): string {
  const list = `[${paths.map(literal).join(', ')}]`;
  return format === 'parquet'
    ? `SELECT * FROM read_parquet(${list}, union_by_name = true)`
    : `SELECT * FROM read_csv(${list}, header = true, all_varchar = true, union_by_name = true, auto_detect = true)`;
}

async function columnsOf(db: DuckDBConnection, relation: string): Promise<FocusSourceColumns> {
  const reader = await db.runAndReadAll(`DESCRIBE ${relation}`);
  const cols = new Map<string, { name: string; type: string }>();
  for (const r of reader.getRowObjectsJson() as { column_name: string; column_type: string }[]) {
    cols.set(r.column_name.trim().toLowerCase(), { name: r.column_name, type: r.column_type });
  }
  return cols;
}

export async function syncFocus(kit: BillingKit, input: SyncFocusInput): Promise<SyncFocusResult> {
  const { store } = kit;
  const now = kit.clock.now();
  const oldest = oldestRetainedPeriod(now, input.retentionMonths ?? DEFAULT_RETENTION_MONTHS);
  const key = exportKeyOf(input.location);
  let files: FocusFile[];
  try {
    files = await listFocusFiles(input.objects, input.location, input.signal);
  } catch (err) {
    if (input.signal?.aborted) throw err;
    const d = focusDiagnostic(
      'focus_list_failed',
      `Listing ${input.location.prefix || '(the whole bucket)'} in ${input.objects.where} failed: ${errorMessage(err)}`,
      'Check the endpoint URL, the bucket (or container) and region, and that the key may list and read it.',
    );
    throw new ConnectionError(d, [d], { cause: err });
  }
  await dropOlderThan(store, input.cloudAccountId, oldest);
  if (files.length === 0) {
    return {
      periods: [],
      files: 0,
      newestUsageDate: await newestUsageDate(store, input.cloudAccountId),
      diagnostic: focusDiagnostic(
        'focus_export_empty',
        `No CSV or Parquet file under ${input.location.prefix || '/'} in ${input.objects.where}`,
        'Check the prefix; a new export can take up to a day to deliver its first files.',
      ),
    };
  }
  const identity = identityOf(files);
  const stored = await storedPeriods(store, input.cloudAccountId, key);
  if (
    !input.force &&
    stored.length > 0 &&
    stored.every((p) => p.state === 'loaded' && p.identity === identity)
  ) {
    return {
      periods: stored.map((p) => ({ period: p.period.slice(0, 7), status: 'skipped', rows: p.rowCount })),
      files: files.length,
      newestUsageDate: await newestUsageDate(store, input.cloudAccountId),
    };
  }
  const dir = await mkdtemp(path.join(kit.tmpRoot, `billing-focus-${process.pid}-`));
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: kit.scratchMemoryLimit ?? '512MB',
    temp_directory: path.join(dir, 'duckdb-tmp'),
  });
  const db = await instance.connect();
  const periods: FocusPeriodResult[] = [];
  try {
    await db.run(`SET TimeZone = 'UTC'`);
    const local: { file: FocusFile; path: string }[] = [];
    for (const [i, f] of files.entries()) {
      const p = path.join(dir, `${i}-${path.basename(f.key).replace(/[^A-Za-z0-9._-]/g, '_')}`);
      try {
        await input.objects.download(f.key, p, input.signal);
      } catch (err) {
        if (input.signal?.aborted) throw err;
        throw new BillingLoadError(
          focusDiagnostic(
            'billing_load_failed',
            `Reading ${f.key} from ${input.objects.where} failed: ${errorMessage(err)}`,
            'Check that the key may read the objects under the prefix, then sync again.',
            f.key,
          ),
        );
      }
      local.push({ file: f, path: p });
    }
    // One relation per format (CSV and Parquet read differently); each checked to be FOCUS.
    const parts: { sql: string; cols: FocusSourceColumns; perFile: string[] }[] = [];
    for (const format of ['csv', 'parquet'] as const) {
      const mine = local.filter((l) => l.file.format === format);
      if (mine.length === 0) continue;
      const rel = relationOf(
        mine.map((l) => l.path),
        format,
      );
      let cols: FocusSourceColumns;
      try {
        cols = await columnsOf(db, rel);
      } catch (err) {
        throw new BillingLoadError(readDiagnostic(err, mine[0].file.key));
      }
      const header = classifyFocusHeader([...cols.values()].map((c) => c.name));
      if (header.kind !== 'focus' || header.missing.length > 0) {
        throw new BillingLoadError(headerDiagnostic(header, mine[0].file.key));
      }
      const opts = { orgId: input.orgId, cloudAccountId: input.cloudAccountId };
      parts.push({
        sql: buildFocusSelect(rel, cols, opts),
        cols,
        perFile: mine.map((l) => buildFocusSelect(relationOf([l.path], format), cols, opts)),
      });
    }
    const union = parts.map((p) => p.sql).join('\nUNION ALL\n');
    const found = (
      (
        await db.runAndReadAll(
          `SELECT DISTINCT CAST(billing_period AS VARCHAR) AS p FROM (${union}) ORDER BY 1`,
        )
      ).getRowObjectsJson() as { p: string | null }[]
    )
      .map((r) => r.p)
      .filter((p): p is string => p !== null && p >= oldest);
    for (const period of found) {
      const target: PeriodTarget = {
        orgId: input.orgId,
        cloudAccountId: input.cloudAccountId,
        exportKey: key,
        period,
        manifestKey: `s3://${input.location.bucket}/${input.location.prefix}`,
        identity,
        keep: 'all',
        now,
      };
      const inPeriod = (sql: string) =>
        `SELECT * FROM (${sql}) AS f WHERE billing_period = DATE ${literal(period)}`;
      try {
        const out = await withPeriodLock(store, `${input.cloudAccountId}|${key}|${period}`, () =>
          store.traits.filesInEngine
            ? writeIntoDuckDbStore(store, target, inPeriod(union))
            : writeIntoPostgresStore(
                store,
                db,
                target,
                parts.flatMap((p) => p.perFile.map(inPeriod)),
                path.join(dir, `period-${period}`),
              ),
        );
        periods.push({ period: period.slice(0, 7), status: 'loaded', rows: out.totals.rows });
      } catch (err) {
        const d =
          err instanceof BillingLoadError
            ? err.diagnostic
            : readDiagnostic(err, target.manifestKey, 'loading');
        await recordFailure(store, target, d).catch(() => undefined);
        periods.push({ period: period.slice(0, 7), status: 'failed', rows: 0, diagnostic: d });
      }
    }
  } catch (err) {
    if (input.signal?.aborted || !(err instanceof BillingLoadError)) throw err;
    return {
      periods,
      files: files.length,
      newestUsageDate: await newestUsageDate(store, input.cloudAccountId),
      diagnostic: err.diagnostic,
    };
  } finally {
    db.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    periods,
    files: files.length,
    newestUsageDate: await newestUsageDate(store, input.cloudAccountId),
  };
}

/** Why a header is not a FOCUS export Cloudtally can load: a CUR, or the FOCUS columns it lacks. */
export function headerDiagnostic(header: ReturnType<typeof classifyFocusHeader>, key: string): Diagnostic {
  if (header.kind === 'cur') {
    return focusDiagnostic(
      'focus_export_is_cur',
      `This is an AWS Cost and Usage Report, not a FOCUS export: ${key} has the CUR columns ${header.seen.slice(0, 3).join(', ')}.`,
      'Connect it as an AWS account (CUR 2.0 or legacy CUR export), or point this connection at the FOCUS export (AWS Data Exports → "FOCUS 1.0" export).',
      key,
    );
  }
  return focusDiagnostic(
    'focus_columns_missing',
    `${key} is not a FOCUS export Cloudtally can load: it lacks the FOCUS columns ${header.missing.join(', ')}.`,
    'Point the connection at a FOCUS 1.0–1.2 export (the columns BilledCost, EffectiveCost, BillingCurrency, ChargePeriodStart, … in its header), or add the missing columns to the files.',
    key,
  );
}

export const focusSource: BillingSource<SyncFocusInput, SyncFocusResult> = {
  id: 'focus',
  label: 'FOCUS export (S3-compatible bucket)',
  connectionTypes: ['focus_export'],
  sync: syncFocus,
};
