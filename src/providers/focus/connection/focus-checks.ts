/**
 * The validation steps of a FOCUS export connection, each saying exactly what to fix: the key may list the
 * prefix (`access`), data files are there (`files`), and the first file's header is FOCUS (`header`: a CUR
 * pointed at as FOCUS is recognized, missing FOCUS columns are named).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ValidationReport, ValidationStep } from '../../../accounts/account-types.js';
import { errorMessage } from '../../../billing/diagnostics.js';
import type { ObjectStore } from '../../object-store/object-store.js';
import { classifyFocusHeader } from '../focus-columns.js';
import { headerDiagnostic, listFocusFiles, relationOf, type FocusFile } from '../focus-source.js';

export const FOCUS_VALIDATION_STEPS = ['access', 'files', 'header'] as const;

const fail = (
  step: string,
  code: string,
  message: string,
  remediation: string,
  details?: Record<string, unknown>,
): ValidationStep => ({
  step,
  state: 'fail',
  code,
  message,
  remediation,
  diagnostics: [{ code, message, remediation, step }],
  ...(details ? { details } : {}),
});
const skip = (step: string, why: string): ValidationStep => ({
  step,
  state: 'skipped',
  code: 'not_checked',
  message: why,
});

/** Why a listing failed, as the fix a person can make. */
function accessFailure(err: unknown, where: string, prefix: string): ValidationStep {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? e.Code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const at = `${prefix || '(the whole bucket)'} in ${where}`;
  if (name === 'NoSuchBucket' || status === 404)
    return fail(
      'access',
      'focus_bucket_not_found',
      `There is no bucket at ${where}.`,
      'Check the bucket name and the endpoint (and region) it lives at.',
    );
  if (
    name === 'InvalidAccessKeyId' ||
    name === 'SignatureDoesNotMatch' ||
    (status === 403 && /signature|key/i.test(errorMessage(err)))
  )
    return fail(
      'access',
      'focus_key_rejected',
      `The service rejected the key while listing ${at}: ${errorMessage(err)}`,
      'Check accessKeyId and secretAccessKey (for Google Cloud Storage: an HMAC key of a service account), and that the endpoint is the one the key belongs to.',
    );
  if (name === 'AccessDenied' || status === 403)
    return fail(
      'access',
      'focus_list_denied',
      `The key may not list ${at}.`,
      'Grant the key list and read on the bucket (S3: s3:ListBucket and s3:GetObject; Cloud Storage: Storage Object Viewer on the bucket).',
    );
  return fail(
    'access',
    'focus_endpoint_unreachable',
    `Listing ${at} failed: ${errorMessage(err)}`,
    'Check the endpoint URL (scheme, host and port) and the region, and that Cloudtally can reach it.',
  );
}

/** How much of a CSV file the header check reads: its header line is far shorter. */
const CSV_HEAD_BYTES = 1 << 20;
/** A gzip CSV's first MiB unpacks to at most this much (a bound on what a crafted file can make it hold). */
const CSV_HEAD_UNPACKED_MAX = 64 << 20;
/** A Parquet file keeps its schema at its end, so the check downloads it whole, up to this size. */
export const PARQUET_HEADER_MAX_BYTES = 256 << 20;

/**
 * The columns of a data file, read by DuckDB from a local copy: of a CSV only its first lines (a ranged read, never
 * the whole file), of a Parquet file the whole file (callers keep it under PARQUET_HEADER_MAX_BYTES).
 */
async function headerOf(objects: ObjectStore, file: FocusFile, signal?: AbortSignal): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cloudtally-focus-header-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    let local: string;
    if (file.format === 'csv') {
      const read = await objects.readStart(file.key, CSV_HEAD_BYTES, signal);
      const head = /\.gz$/i.test(file.key)
        ? gunzipSync(read, {
            finishFlush: zlibConstants.Z_SYNC_FLUSH,
            maxOutputLength: CSV_HEAD_UNPACKED_MAX,
          })
        : read;
      // Whole lines only: when the read stopped short of the file's end, its last line may be cut.
      const end = read.length >= CSV_HEAD_BYTES ? head.lastIndexOf(0x0a) : -1;
      local = path.join(dir, 'head.csv');
      await writeFile(local, end > 0 ? head.subarray(0, end + 1) : head);
    } else {
      local = path.join(dir, path.basename(file.key).replace(/[^A-Za-z0-9._-]/g, '_'));
      await objects.download(file.key, local, signal);
    }
    const reader = await db.runAndReadAll(`DESCRIBE ${relationOf([local], file.format)}`);
    return (reader.getRowObjectsJson() as { column_name: string }[]).map((r) => r.column_name);
  } finally {
    db.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function checkFocusExport(
  objects: ObjectStore,
  loc: { endpoint: string; bucket: string; prefix: string },
  now: Date,
  signal?: AbortSignal,
): Promise<ValidationReport> {
  const steps: ValidationStep[] = [];
  const done = () => ({ ok: steps.every((s) => s.state !== 'fail'), checkedAt: now.toISOString(), steps });
  let files: FocusFile[];
  try {
    files = await listFocusFiles(objects, loc, signal);
  } catch (err) {
    if (signal?.aborted) throw err;
    steps.push(accessFailure(err, objects.where, loc.prefix));
    steps.push(skip('files', 'Not checked: the prefix could not be listed.'));
    steps.push(skip('header', 'Not checked: the prefix could not be listed.'));
    return done();
  }
  steps.push({
    step: 'access',
    state: 'pass',
    code: 'focus_listed',
    message: `The key lists ${loc.prefix || 'the bucket'} in ${objects.where}.`,
  });
  if (files.length === 0) {
    steps.push(
      fail(
        'files',
        'focus_export_empty',
        `No CSV, gzip CSV or Parquet file under ${loc.prefix || '/'} in ${objects.where}.`,
        'Check the prefix (the folder the export writes to, without the bucket); a new export can take up to a day to deliver its first files.',
      ),
    );
    steps.push(skip('header', 'Not checked: there is no data file yet.'));
    return done();
  }
  steps.push({
    step: 'files',
    state: 'pass',
    code: 'focus_files_found',
    message: `${files.length} data file(s) found.`,
    details: { files: files.length, first: files[0].key },
  });
  // Every file of one export has the same columns: the smallest one is read (a CSV's first lines only).
  const probe = files.reduce((a, b) => (b.size < a.size ? b : a));
  if (probe.format === 'parquet' && probe.size > PARQUET_HEADER_MAX_BYTES) {
    steps.push(
      skip(
        'header',
        `Not checked now: the smallest file, ${probe.key}, is ${Math.round(probe.size / 2 ** 20)} MiB; the first sync checks its columns.`,
      ),
    );
    return done();
  }
  try {
    const header = classifyFocusHeader(await headerOf(objects, probe, signal));
    if (header.kind !== 'focus' || header.missing.length > 0) {
      const d = headerDiagnostic(header, probe.key);
      steps.push(fail('header', d.code, d.message, d.remediation, { key: probe.key }));
    } else {
      steps.push({
        step: 'header',
        state: 'pass',
        code: 'focus_header_ok',
        message: `${probe.key} has every FOCUS column Cloudtally needs.`,
      });
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    steps.push(
      fail(
        'header',
        'focus_file_unreadable',
        `${probe.key} could not be read as CSV or Parquet: ${errorMessage(err)}`,
        'Check that the files are FOCUS CSV (optionally gzip) or Parquet, and that the key may read them.',
      ),
    );
  }
  return done();
}
