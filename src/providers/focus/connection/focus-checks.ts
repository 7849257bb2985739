/**
 * The validation steps of a FOCUS export connection, each saying exactly what to fix: the key may list the
 * prefix (`access`), data files are there (`files`), and the first file's header is FOCUS (`header`: a CUR
 * pointed at as FOCUS is recognized, missing FOCUS columns are named).
 */
import type { ValidationReport, ValidationStep } from '../../../accounts/account-types.js';
import { errorMessage } from '../../../billing/diagnostics.js';
import type { ObjectStore } from '../../object-store/object-store.js';
import { classifyFocusHeader } from '../focus-columns.js';
import { fileColumns, PARQUET_HEADER_MAX_BYTES } from '../file-columns.js';
import { headerDiagnostic, listFocusFiles, type FocusFile } from '../focus-source.js';

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
    const header = classifyFocusHeader(await fileColumns(objects, probe, signal));
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
