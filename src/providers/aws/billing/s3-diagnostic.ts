import { BillingLoadError, diagnostic, errorMessage } from '../../../billing/diagnostics.js';
import type { Diagnostic } from '../../../lib/errors.js';
import { diagnose } from '../sdk/diagnostics.js';
import { classifyAwsError, isRetryableKind } from '../sdk/errors.js';

function errorName(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { name?: unknown; Code?: unknown };
    if (typeof e.Code === 'string') return e.Code;
    if (typeof e.name === 'string') return e.name;
  }
  return '';
}

/** Turns an S3 SDK error about `key` into a diagnostic. */
export function s3Diagnostic(err: unknown, bucket: string, key: string, operation = 'GetObject'): Diagnostic {
  if (err instanceof BillingLoadError) return err.diagnostic;
  const name = errorName(err);
  const where = `s3://${bucket}/${key}`;
  if (name === 'NoSuchKey' || name === 'NotFound') {
    return diagnostic('billing_file_missing', `${where} does not exist`, key);
  }
  if (name === 'NoSuchBucket')
    return diagnostic('billing_bucket_missing', `Bucket ${bucket} does not exist`, key);
  if (name === 'AccessDenied' || name === 'Forbidden' || name === 'AllAccessDisabled') {
    return diagnostic('billing_access_denied', `Access denied reading ${where}`, key);
  }
  if (name === 'AbortError') return diagnostic('billing_aborted', `Cancelled while reading ${where}`, key);
  // Throttling, AWS-side faults and dropped connections reach here only after the call's retries: they say so
  // (aws_throttled / aws_unavailable / aws_unreachable), as every other AWS call does, not billing_load_failed.
  if (isRetryableKind(classifyAwsError(err))) {
    const d = diagnose(err, { operation, service: 's3', bucket, key });
    return { ...d, message: `${d.message} (${where})` };
  }
  return diagnostic('billing_load_failed', `Reading ${where} failed: ${errorMessage(err)}`, key);
}
