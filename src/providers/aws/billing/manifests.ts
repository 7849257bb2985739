/**
 * Finds the billing periods of an export and the exact data files of each (AWS-FACTS §3): the manifest
 * is the only source of the file list, so stale assemblies and half-written refreshes are never read.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../../lib/errors.js';
import { BillingLoadError, diagnostic, errorMessage } from '../../../billing/diagnostics.js';
import { getText, joinKey, listFolders, listObjects, parseS3Ref, type S3 } from './s3-files.js';

export type ExportType = 'cur2' | 'legacy';

export interface ExportLocation {
  type: ExportType;
  /** Export name (CUR 2.0) or report name (legacy CUR). */
  name: string;
  bucket: string;
  prefix: string;
  region: string;
}

export interface DataFile {
  bucket: string;
  key: string;
  format: 'parquet' | 'csv';
  compression: 'gzip' | 'zip' | 'none';
}

export interface PeriodManifest {
  /** First day of the billing period, `YYYY-MM-DD`. */
  period: string;
  manifestKey: string;
  /** Changes whenever AWS delivers a new refresh of the period. */
  identity: string;
  files: DataFile[];
  /**
   * Legacy CUR: the cost categories' names as AWS spells them, from the manifest's `columns`. Athena-named
   * Parquet columns (`cost_category_cost_center`) are matched back to them.
   */
  costCategoryNames?: string[];
}

/** A period found in the bucket: its manifest, or why it cannot be loaded. */
export type LocatedPeriod =
  | { period: string; manifest: PeriodManifest; diagnostic?: undefined }
  | { period: string; manifest?: undefined; diagnostic: Diagnostic };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Format and compression of a data file from its key (and, for legacy CUR, the manifest's `compression`). */
export function fileKind(key: string, declared?: string): Pick<DataFile, 'format' | 'compression'> {
  const k = key.toLowerCase();
  const d = (declared ?? '').toUpperCase();
  if (k.endsWith('.parquet') || d === 'PARQUET') return { format: 'parquet', compression: 'none' };
  if (k.endsWith('.zip') || d === 'ZIP') return { format: 'csv', compression: 'zip' };
  if (k.endsWith('.gz') || d === 'GZIP') return { format: 'csv', compression: 'gzip' };
  return { format: 'csv', compression: 'none' };
}

function parseJson(text: string, key: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (err) {
    throw new BillingLoadError(
      diagnostic('billing_manifest_invalid', `${key} is not valid JSON (${errorMessage(err)})`, key),
    );
  }
  throw new BillingLoadError(diagnostic('billing_manifest_invalid', `${key} is not a JSON object`, key));
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((v) => {
    if (typeof v === 'string') return [v];
    // Some writers list objects ({ key } / { uri }) rather than strings; accept both.
    if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      const s = o.key ?? o.uri ?? o.Key ?? o.s3Uri;
      if (typeof s === 'string') return [s];
    }
    return [];
  });
}

/** `2024-05` / `20240501T000000.000Z` / `2024-05-01T00:00:00Z` → `2024-05-01`. */
export function periodStart(text: string): string | undefined {
  const m = /^(\d{4})-?(\d{2})/.exec(text.trim());
  if (!m) return undefined;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  return `${m[1]}-${m[2]}-01`;
}

/** Parses a CUR 2.0 manifest (unknown fields ignored). */
export function parseCur2Manifest(text: string, key: string, bucket: string, period: string): PeriodManifest {
  const json = parseJson(text, key);
  const files = stringList(json.dataFiles ?? json.data_files ?? json.files);
  if (!files) {
    throw new BillingLoadError(diagnostic('billing_manifest_invalid', `${key} has no dataFiles list`, key));
  }
  return {
    period,
    manifestKey: key,
    identity: sha256(text),
    files: files.map((f) => {
      const ref = parseS3Ref(f, bucket);
      return { ...ref, ...fileKind(ref.key) };
    }),
  };
}

/** Parses a legacy CUR manifest: only its `reportKeys` are the period's data. */
export function parseLegacyManifest(
  text: string,
  key: string,
  bucket: string,
  period: string,
): PeriodManifest {
  const json = parseJson(text, key);
  const files = stringList(json.reportKeys);
  if (!files) {
    throw new BillingLoadError(diagnostic('billing_manifest_invalid', `${key} has no reportKeys list`, key));
  }
  const declared = typeof json.compression === 'string' ? json.compression : undefined;
  const manifestBucket = typeof json.bucket === 'string' && json.bucket !== '' ? json.bucket : bucket;
  return {
    period,
    manifestKey: key,
    identity: sha256(text),
    files: files.map((f) => {
      const ref = parseS3Ref(f, manifestBucket);
      return { ...ref, ...fileKind(ref.key, declared) };
    }),
    costCategoryNames: legacyCostCategoryNames(json.columns),
  };
}

/** The names of a legacy manifest's `costCategory` columns; anything malformed is ignored (names are a hint). */
function legacyCostCategoryNames(columns: unknown): string[] {
  if (!Array.isArray(columns)) return [];
  return columns.flatMap((c: unknown) => {
    if (typeof c !== 'object' || c === null) return [];
    const { category, name } = c as { category?: unknown; name?: unknown };
    return category === 'costCategory' && typeof name === 'string' && name !== '' ? [name] : [];
  });
}

async function readManifest(
  s3: S3,
  bucket: string,
  key: string,
  period: string,
  parse: (text: string, key: string, bucket: string, period: string) => PeriodManifest,
  signal?: AbortSignal,
): Promise<LocatedPeriod> {
  try {
    const text = await getText(s3, bucket, key, signal);
    if (text === undefined) {
      return {
        period,
        diagnostic: diagnostic('billing_manifest_missing', `The period has no manifest at ${key}`, key),
      };
    }
    return { period, manifest: parse(text, key, bucket, period) };
  } catch (err) {
    if (err instanceof BillingLoadError) return { period, diagnostic: err.diagnostic };
    throw err;
  }
}

/**
 * CUR 2.0: periods are the `BILLING_PERIOD=YYYY-MM` folders under `metadata/` (and under `data/`, so that a
 * period whose manifest is missing is reported rather than silently skipped). In create-new mode a period
 * holds one manifest per refresh; the newest one is current.
 */
async function locateCur2(s3: S3, loc: ExportLocation, signal?: AbortSignal): Promise<LocatedPeriod[]> {
  const base = joinKey(loc.prefix, loc.name);
  const periodOf = (folder: string) => /BILLING_PERIOD=(\d{4}-\d{2})\/$/.exec(folder)?.[1];
  const metaFolders = await listFolders(s3, loc.bucket, `${joinKey(base, 'metadata')}/`, signal);
  const dataFolders = await listFolders(s3, loc.bucket, `${joinKey(base, 'data')}/`, signal);
  const periods = new Set<string>();
  for (const f of [...metaFolders, ...dataFolders]) {
    const p = periodOf(f);
    if (p) periods.add(p);
  }
  const out: LocatedPeriod[] = [];
  for (const p of [...periods].sort()) {
    const period = `${p}-01`;
    const folder = `${joinKey(base, 'metadata', `BILLING_PERIOD=${p}`)}/`;
    const manifests = (await listObjects(s3, loc.bucket, folder, signal))
      .filter((o) => o.key.endsWith('Manifest.json'))
      .sort(
        (a, b) =>
          (a.lastModified?.getTime() ?? 0) - (b.lastModified?.getTime() ?? 0) || a.key.localeCompare(b.key),
      );
    const newest = manifests.at(-1);
    if (!newest) {
      out.push({
        period,
        diagnostic: diagnostic(
          'billing_manifest_missing',
          `Billing period ${p} has data but no manifest under ${folder}`,
          folder,
        ),
      });
      continue;
    }
    out.push(await readManifest(s3, loc.bucket, newest.key, period, parseCur2Manifest, signal));
  }
  return out;
}

/**
 * Legacy CUR: periods are the `YYYYMMDD-YYYYMMDD/` folders, each with `REPORT-Manifest.json` overwritten
 * on every update. The Athena/Parquet layout without such manifests (`REPORT/year=YYYY/month=M/`) is
 * overwritten in place, so its files are the period's data as listed.
 */
async function locateLegacy(s3: S3, loc: ExportLocation, signal?: AbortSignal): Promise<LocatedPeriod[]> {
  const base = joinKey(loc.prefix, loc.name);
  const folders = await listFolders(s3, loc.bucket, `${base}/`, signal);
  const out = new Map<string, LocatedPeriod>();
  for (const folder of folders) {
    const m = /(\d{4})(\d{2})\d{2}-\d{8}\/$/.exec(folder);
    if (!m) continue;
    const period = `${m[1]}-${m[2]}-01`;
    const key = `${folder}${loc.name}-Manifest.json`;
    out.set(period, await readManifest(s3, loc.bucket, key, period, parseLegacyManifest, signal));
  }
  const athenaBase = `${joinKey(base, loc.name)}/`;
  if (folders.includes(athenaBase)) {
    for (const yearFolder of await listFolders(s3, loc.bucket, athenaBase, signal)) {
      const y = /year=(\d{4})\/$/.exec(yearFolder)?.[1];
      if (!y) continue;
      for (const monthFolder of await listFolders(s3, loc.bucket, yearFolder, signal)) {
        const mo = /month=(\d{1,2})\/$/.exec(monthFolder)?.[1];
        if (!mo) continue;
        const period = `${y}-${mo.padStart(2, '0')}-01`;
        if (out.get(period)?.manifest) continue;
        const objects = (await listObjects(s3, loc.bucket, monthFolder, signal)).filter((o) =>
          o.key.endsWith('.parquet'),
        );
        if (objects.length === 0) continue;
        const identity = sha256(
          objects
            .map((o) => `${o.key}|${o.size}|${o.etag ?? ''}|${o.lastModified?.toISOString()}`)
            .join('\n'),
        );
        out.set(period, {
          period,
          manifest: {
            period,
            manifestKey: monthFolder,
            identity,
            files: objects.map((o) => ({
              bucket: loc.bucket,
              key: o.key,
              format: 'parquet',
              compression: 'none',
            })),
          },
        });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.period.localeCompare(b.period));
}

/** Every billing period of the export, oldest first. */
export async function locatePeriods(
  s3: S3,
  loc: ExportLocation,
  signal?: AbortSignal,
): Promise<LocatedPeriod[]> {
  return loc.type === 'cur2' ? locateCur2(s3, loc, signal) : locateLegacy(s3, loc, signal);
}

/** Identity used to tell one export's periods from another's in `billing_periods.export_key`. */
export function exportKey(loc: ExportLocation): string {
  return `${loc.type}:s3://${loc.bucket}/${joinKey(loc.prefix, loc.name)}`;
}
