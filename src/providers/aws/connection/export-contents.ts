import { constants, gunzipSync } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { classifyHeader } from '../billing/column-names.js';
import { REQUIRED_COLUMNS } from '../billing/focus-mapping.js';
import { parseCsvRecord } from '../billing/local-files.js';
import { parseCur2Manifest, parseLegacyManifest } from '../billing/manifests.js';
import type { Diagnostic } from '../../../lib/errors.js';
import type { ExportType } from './aws-schemas.js';
import type { FoundExport } from './export-locator.js';

/**
 * What validation can tell from an export's contents before anything is loaded: whether its first data file is a
 * CUR at all (a FOCUS export lives in the same folder layout and has a manifest of the same shape, so it passed
 * every earlier check and failed only at the first sync), and whether any of its periods is inside the retention
 * window (older periods are never loaded, so an export holding only those would sync to nothing).
 */

type S3 = Pick<S3Client, 'send'>;

/** Bytes read from the start of a data file: enough for a header of several thousand columns, compressed. */
const HEAD_BYTES = 256 * 1024;

function columnsOf(manifest: Record<string, unknown>): string[] | undefined {
  if (!Array.isArray(manifest.columns)) return undefined;
  const names = manifest.columns.flatMap((c: unknown) => {
    if (typeof c !== 'object' || c === null) return [];
    const { category, name } = c as { category?: unknown; name?: unknown };
    if (typeof name !== 'string') return [];
    return [typeof category === 'string' && category !== '' ? `${category}/${name}` : name];
  });
  return names.length > 0 ? names : undefined;
}

/**
 * The header of the export's first data file: read from the file itself for CSV (the first bytes, decompressed
 * as far as they go), from the manifest's column list for Parquet and zip. Undefined when neither is available.
 */
export async function firstFileHeader(
  s3: S3,
  bucket: string,
  exportType: ExportType,
  manifestKey: string,
  manifestText: string,
  signal?: AbortSignal,
): Promise<{ key: string; headers: string[] } | undefined> {
  let parsed;
  try {
    parsed = (exportType === 'cur2' ? parseCur2Manifest : parseLegacyManifest)(
      manifestText,
      manifestKey,
      bucket,
      '',
    );
  } catch {
    // A manifest without a file list is the sync's to report (billing_manifest_invalid), with its key.
    return undefined;
  }
  const file = parsed.files[0];
  if (!file) return undefined;
  const declared = columnsOf(JSON.parse(manifestText) as Record<string, unknown>);
  if (file.format !== 'csv' || file.compression === 'zip') {
    return declared ? { key: file.key, headers: declared } : undefined;
  }
  const res = await s3.send(
    new GetObjectCommand({ Bucket: file.bucket, Key: file.key, Range: `bytes=0-${HEAD_BYTES - 1}` }),
    { abortSignal: signal },
  );
  const bytes = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
  let text: string;
  try {
    text = (
      file.compression === 'gzip' ? gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }) : bytes
    ).toString('utf8');
  } catch {
    // A file that does not decompress is the sync's to report (billing_file_corrupt), with its key.
    return undefined;
  }
  const line = (text.split('\n')[0] ?? '').replace(/\r$/, '').replace(/^\uFEFF/, '');
  if (line.trim() === '') return undefined;
  return { key: file.key, headers: parseCsvRecord(line) };
}

/** A diagnostic when the header is not a CUR's: a FOCUS export, or the CUR columns that are missing. */
export function headerDiagnostic(
  where: string,
  header: { key: string; headers: string[] },
  exportType: ExportType,
): Diagnostic | undefined {
  const kind = classifyHeader(header.headers, REQUIRED_COLUMNS);
  const typeName = exportType === 'cur2' ? 'CUR 2.0' : 'legacy CUR';
  if (kind.kind === 'focus') {
    return {
      code: 'export_is_focus',
      message: `This is a FOCUS export, not a CUR: ${header.key} has the FOCUS columns ${kind.seen.slice(0, 4).join(', ')} and none of the CUR line-item columns.`,
      remediation: `Point the connection at a ${typeName} export (Billing and Cost Management → Data Exports → "Standard data export" for CUR 2.0) instead of the FOCUS export under ${where}.`,
      key: header.key,
    };
  }
  if (kind.kind === 'other') {
    return {
      code: 'export_columns_missing',
      message: `${header.key} is not a ${typeName} file: it lacks the columns ${kind.missing.join(', ')}.`,
      remediation: `Check the export type (CUR 2.0 vs legacy CUR) and that the export under ${where} is a cost and usage report with the standard columns.`,
      key: header.key,
    };
  }
  return undefined;
}

/** When even the export's newest period is older than the retention window: a sync would load nothing. */
export function outsideRetention(
  found: FoundExport,
  oldest: { period: string; months: number },
  typeName: string,
): { message: string; remediation: string; details: Record<string, unknown> } | undefined {
  if (`${found.newestPeriod}-01` >= oldest.period) return undefined;
  const from = oldest.period.slice(0, 7);
  return {
    message: `Found the ${typeName}, but its newest period ${found.newestPeriod} is older than the ${oldest.months} months kept (from ${from}): a sync would load nothing from it.`,
    remediation: `To load these periods, raise CLOUDTALLY_RETENTION_MONTHS (now ${oldest.months}) so that the window reaches back to ${found.newestPeriod}; otherwise check that this is the export AWS still delivers (Billing and Cost Management → Data Exports).`,
    details: { ...found, oldestRetainedPeriod: from },
  };
}
