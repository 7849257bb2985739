/**
 * Loads one (account, export, billing period): download the manifest's files, read them with DuckDB,
 * normalize to FOCUS and replace the period in one transaction. Any failure leaves the previous data.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pLimit from 'p-limit';
import type { Diagnostic } from '../../../lib/errors.js';
import type { Log } from '../../../lib/log.js';
import type { Store } from '../../../store/store.js';
import {
  BillingLoadError,
  diagnostic,
  errorMessage,
  loadError,
  readDiagnostic,
} from '../../../billing/diagnostics.js';
import { buildFocusSelect, type MappingOptions } from './focus-mapping.js';
import { sourceRelation, unzipFirstEntry, type LocalFile } from './local-files.js';
import type { PeriodManifest } from './manifests.js';
import { currentPeriod } from '../../../billing/period-bookkeeping.js';
import { withPeriodLock } from '../../../billing/period-lock.js';
import {
  recordFailure,
  writeIntoDuckDbStore,
  writeIntoPostgresStore,
  type PeriodTarget,
} from '../../../billing/period-writer.js';
import { downloadObject, type S3 } from './s3-files.js';

/** Bumped when the normalization changes, so that every period is loaded again with the new rules. */
export const NORMALIZATION_VERSION = 1;

export interface LoadProgress {
  period: string;
  phase: 'downloading' | 'loading' | 'done';
  filesDone: number;
  filesTotal: number;
  bytes: number;
  rows: number;
}

export interface PeriodLoadRequest {
  store: Store;
  log: Log;
  /** Directory under which each load makes (and always removes) its own working directory. */
  tmpRoot: string;
  orgId: string;
  cloudAccountId: string;
  exportKey: string;
  edp: boolean;
  /** Account IDs whose rows are kept, or 'all'. */
  keep: readonly string[] | 'all';
  s3: S3;
  manifest: PeriodManifest;
  force?: boolean;
  now: Date;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  downloadConcurrency?: number;
  /** Memory limit of the scratch DuckDB used to inspect files (and to normalize for PostgreSQL). */
  scratchMemoryLimit?: string;
}

export interface PeriodResult {
  /** `YYYY-MM` */
  period: string;
  status: 'loaded' | 'skipped' | 'failed';
  /** Rows stored for the period (after the member-account rule). */
  rows: number;
  diagnostic?: Diagnostic;
  newestUsageDate?: string | null;
}

/**
 * What a load depends on besides the files: a change of any of it reloads the period. Which member accounts
 * are connected is checked against the accounts the period actually holds (see {@link keptAccountsUnchanged}),
 * so that connecting an account of another payer reloads nothing.
 */
export function loadIdentity(
  manifestIdentity: string,
  settings: { edp: boolean; keep: readonly string[] | 'all' },
): string {
  const mode = settings.keep === 'all' ? 'all' : 'connected-only';
  const h = createHash('sha256')
    .update(`${manifestIdentity}\n${settings.edp}\n${mode}\n${NORMALIZATION_VERSION}`)
    .digest('hex');
  return `v${NORMALIZATION_VERSION}:${h}`;
}

/**
 * True when the accounts kept and left out at the last load would be kept and left out again: every stored
 * account is still connected and no account left out has been connected since.
 */
export function keptAccountsUnchanged(
  totalsJson: string,
  notImportedJson: string,
  keep: readonly string[] | 'all',
): boolean {
  if (keep === 'all') return true;
  try {
    const stored = (JSON.parse(totalsJson) as { accounts?: unknown }).accounts;
    const left = (JSON.parse(notImportedJson) as { accounts?: { id?: unknown }[] }).accounts ?? [];
    if (!Array.isArray(stored)) return false;
    const connected = new Set(keep);
    return stored.every((a) => connected.has(String(a))) && left.every((a) => !connected.has(String(a.id)));
  } catch {
    return false;
  }
}

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return (
    signal?.aborted === true ||
    (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError'))
  );
}

/**
 * Downloads every file of the manifest (bounded parallelism). The first failure stops the others, and the
 * function returns only once every download has ended, so the work folder can be removed safely.
 */
async function download(req: PeriodLoadRequest, dir: string, progress: LoadProgress): Promise<LocalFile[]> {
  const limit = pLimit(req.downloadConcurrency ?? 4);
  const report = () => req.onProgress?.({ ...progress });
  const stop = new AbortController();
  const signal = req.signal ? AbortSignal.any([req.signal, stop.signal]) : stop.signal;
  const settled = await Promise.allSettled(
    req.manifest.files.map((f, i) =>
      limit(async () => {
        signal.throwIfAborted();
        const base = `${i}-${path.basename(f.key).replace(/[^A-Za-z0-9._-]/g, '_')}`;
        const onBytes = (n: number) => {
          progress.bytes += n;
        };
        let local: LocalFile;
        if (f.format === 'csv' && f.compression === 'gzip') {
          // Decompressing on arrival overlaps it with the download and lets DuckDB read the CSV in parallel.
          const p = path.join(dir, base.replace(/\.gz$/i, ''));
          await downloadObject(req.s3, f.bucket, f.key, p, {
            signal,
            onBytes,
            transform: createGunzip,
          });
          local = { key: f.key, path: p, format: 'csv', compression: 'none' };
        } else if (f.compression === 'zip') {
          const zipPath = path.join(dir, base);
          await downloadObject(req.s3, f.bucket, f.key, zipPath, { signal, onBytes });
          const p = path.join(dir, `${base}.csv`);
          await unzipFirstEntry(zipPath, p, f.key);
          await rm(zipPath, { force: true });
          local = { key: f.key, path: p, format: 'csv', compression: 'none' };
        } else {
          const p = path.join(dir, base);
          await downloadObject(req.s3, f.bucket, f.key, p, { signal, onBytes });
          local = {
            key: f.key,
            path: p,
            format: f.format,
            compression: f.compression === 'gzip' ? 'gzip' : 'none',
          };
        }
        progress.filesDone++;
        report();
        return local;
      }).catch((err: unknown) => {
        stop.abort();
        throw err;
      }),
    ),
  );
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) {
    // The failure that stopped the others, not the aborts it caused.
    throw (
      failures.find(
        (e) => !(e instanceof BillingLoadError && e.diagnostic.code === 'billing_aborted') && !isAbort(e),
      ) ?? failures[0]
    );
  }
  return settled.map((r) => (r as PromiseFulfilledResult<LocalFile>).value);
}

async function openScratch(
  dir: string,
  memoryLimit: string,
): Promise<{ db: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: memoryLimit,
    temp_directory: path.join(dir, 'duckdb-tmp'),
  });
  const db = await instance.connect();
  await db.run(`SET TimeZone = 'UTC'`);
  return {
    db,
    close() {
      db.closeSync();
      instance.closeSync();
    },
  };
}

/** One normalizing SELECT per data file (files without data left out), for the PostgreSQL pipeline. */
async function perFileSelects(
  db: DuckDBConnection,
  files: LocalFile[],
  mapping: MappingOptions,
  costCategoryNames: readonly string[] | undefined,
): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const rel = await sourceRelation(db, [f], costCategoryNames);
    if (rel.sql === '') continue;
    const focus = buildFocusSelect(rel.sql, rel.columns, mapping);
    if (focus.missingRequired.length > 0) {
      throw loadError(
        'billing_columns_missing',
        `${f.key} lacks the columns ${focus.missingRequired.join(', ')}`,
        f.key,
      );
    }
    out.push(focus.sql);
  }
  return out;
}

/** After a failed normalization: which file holds the bad data (each read on its own). */
async function findBadFile(
  db: DuckDBConnection,
  files: LocalFile[],
  mapping: MappingOptions,
  cause: unknown,
  manifestKey: string,
  costCategoryNames: readonly string[] | undefined,
): Promise<Diagnostic> {
  for (const f of files) {
    try {
      const rel = await sourceRelation(db, [f], costCategoryNames);
      if (rel.sql === '') continue;
      const { sql } = buildFocusSelect(rel.sql, rel.columns, mapping);
      await db.run(`SELECT max(hash(COLUMNS(*))) FROM (${sql})`);
    } catch (err) {
      return readDiagnostic(err, f.key);
    }
  }
  // Every file reads on its own: the problem is not in one file (e.g. the database refused the write).
  return diagnostic(
    'billing_load_failed',
    `Loading ${manifestKey} failed: ${errorMessage(cause)}`,
    manifestKey,
  );
}

/** Loads one period; never throws for a problem of the period's data (that is a 'failed' result). */
export async function loadPeriod(req: PeriodLoadRequest): Promise<PeriodResult> {
  const { manifest } = req;
  const month = manifest.period.slice(0, 7);
  const identity = loadIdentity(manifest.identity, { edp: req.edp, keep: req.keep });
  const target: PeriodTarget = {
    orgId: req.orgId,
    cloudAccountId: req.cloudAccountId,
    exportKey: req.exportKey,
    period: manifest.period,
    manifestKey: manifest.manifestKey,
    identity,
    keep: req.keep,
    now: req.now,
  };
  const lockKey = `${req.cloudAccountId}|${req.exportKey}|${manifest.period}`;
  return withPeriodLock(req.store, lockKey, async () => {
    const current = await currentPeriod(req.store, req.cloudAccountId, req.exportKey, manifest.period);
    if (
      !req.force &&
      current?.state === 'loaded' &&
      current.identity === identity &&
      keptAccountsUnchanged(current.totals, current.notImported, req.keep)
    ) {
      return { period: month, status: 'skipped', rows: current.rowCount };
    }
    const progress: LoadProgress = {
      period: month,
      phase: 'downloading',
      filesDone: 0,
      filesTotal: manifest.files.length,
      bytes: 0,
      rows: 0,
    };
    let dir: string | undefined;
    let scratch: { db: DuckDBConnection; close(): void } | undefined;
    try {
      if (manifest.files.length === 0) {
        throw loadError(
          'billing_export_empty',
          `The manifest ${manifest.manifestKey} lists no data files`,
          manifest.manifestKey,
        );
      }
      dir = await mkdtemp(path.join(req.tmpRoot, `billing-${process.pid}-`));
      req.onProgress?.({ ...progress });
      const started = Date.now();
      const files = await download(req, dir, progress);
      const downloadMs = Date.now() - started;
      req.signal?.throwIfAborted();
      progress.phase = 'loading';
      req.onProgress?.({ ...progress });
      scratch = await openScratch(dir, req.scratchMemoryLimit ?? '512MB');
      const rel = await sourceRelation(scratch.db, files, manifest.costCategoryNames);
      if (rel.sql === '') {
        throw loadError(
          'billing_export_empty',
          `Every data file of ${manifest.manifestKey} is empty (${rel.emptyFiles.join(', ')})`,
          rel.emptyFiles[0] ?? manifest.manifestKey,
        );
      }
      const mapping: MappingOptions = {
        orgId: req.orgId,
        cloudAccountId: req.cloudAccountId,
        billingPeriod: manifest.period,
        edp: req.edp,
      };
      const focus = buildFocusSelect(rel.sql, rel.columns, mapping);
      if (focus.missingRequired.length > 0) {
        throw loadError(
          'billing_columns_missing',
          `${files[0].key} lacks the columns ${focus.missingRequired.join(', ')}`,
          files[0].key,
        );
      }
      let outcome;
      try {
        outcome = req.store.traits.filesInEngine
          ? await writeIntoDuckDbStore(req.store, target, focus.sql)
          : await writeIntoPostgresStore(
              req.store,
              scratch.db,
              target,
              await perFileSelects(scratch.db, files, mapping, manifest.costCategoryNames),
              dir,
            );
      } catch (err) {
        if (err instanceof BillingLoadError || isAbort(err, req.signal)) throw err;
        throw new BillingLoadError(
          await findBadFile(
            scratch.db,
            files,
            mapping,
            err,
            manifest.manifestKey,
            manifest.costCategoryNames,
          ),
        );
      }
      progress.phase = 'done';
      progress.rows = outcome.totals.rows;
      req.log.info(
        {
          period: month,
          files: files.length,
          bytes: progress.bytes,
          sourceRows: outcome.sourceRows,
          rows: outcome.totals.rows,
          downloadMs,
          loadMs: Date.now() - started - downloadMs,
        },
        'billing period loaded',
      );
      req.onProgress?.({ ...progress });
      return {
        period: month,
        status: 'loaded',
        rows: outcome.totals.rows,
        newestUsageDate: outcome.totals.newestUsageDate,
      };
    } catch (err) {
      const diag = isAbort(err, req.signal)
        ? diagnostic('billing_aborted', `Loading ${month} was cancelled`, manifest.manifestKey)
        : err instanceof BillingLoadError
          ? err.diagnostic
          : diagnostic(
              'billing_load_failed',
              `Loading ${month} failed: ${errorMessage(err)}`,
              manifest.manifestKey,
            );
      req.log.warn({ period: month, diagnostic: diag }, 'billing period load failed');
      await recordFailure(req.store, target, diag).catch((e: unknown) =>
        req.log.error({ err: e }, 'could not record the failed billing period'),
      );
      return { period: month, status: 'failed', rows: 0, diagnostic: diag };
    } finally {
      scratch?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });
}
