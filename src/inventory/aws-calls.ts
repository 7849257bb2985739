import type { Diagnostic } from '../lib/errors.js';

/** How an AWS error bears on a scan: wait and retry, skip this region/type with a diagnostic, or stop. */
export type AwsErrorKind = 'throttled' | 'transient' | 'denied' | 'region_disabled' | 'credentials' | 'other';

const THROTTLE = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
]);
const TRANSIENT = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
]);
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'Forbidden',
]);
const CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
]);

interface SdkErrorLike {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function errorCode(err: unknown): string {
  const e = err as SdkErrorLike;
  return e?.name && e.name !== 'Error' ? e.name : (e?.Code ?? 'Error');
}

export function classifyAwsError(err: unknown): AwsErrorKind {
  const code = errorCode(err);
  const status = (err as SdkErrorLike)?.$metadata?.httpStatusCode;
  if (THROTTLE.has(code) || status === 429) return 'throttled';
  if (code === 'OptInRequired') return 'region_disabled';
  if (CREDENTIALS.has(code)) return 'credentials';
  if (code === 'AuthFailure' || DENIED.has(code) || status === 403) return 'denied';
  if (TRANSIENT.has(code) || (status !== undefined && status >= 500)) return 'transient';
  if (err instanceof Error && /ECONNRESET|ETIMEDOUT|socket hang up|EPIPE/i.test(err.message))
    return 'transient';
  return 'other';
}

/** A diagnostic for a failed call of `action` (e.g. `ec2:DescribeSnapshots`) in `region`. */
export function diagnosticFor(err: unknown, action: string, region: string): Diagnostic {
  const kind = classifyAwsError(err);
  const code = errorCode(err);
  const detail = (err as SdkErrorLike)?.message ?? code;
  switch (kind) {
    case 'denied':
      return {
        code: 'inventory_access_denied',
        message: `${action} was denied in ${region} (${code}): ${detail}`,
        remediation: `Allow ${action} for the Cloudtally role or user in ${region} (check service control policies that deny regions).`,
        step: action,
        key: region,
      };
    case 'region_disabled':
      return {
        code: 'region_disabled',
        message: `${region} is not enabled for this account (${code})`,
        remediation: `Enable the region in the AWS account settings, or ignore this if the account does not use ${region}.`,
        step: action,
        key: region,
      };
    case 'credentials':
      return {
        code: 'inventory_credentials_rejected',
        message: `AWS rejected the credentials for ${action} in ${region} (${code}): ${detail}`,
        remediation:
          'Validate the cloud account connection; the keys or the assumed role session may have expired.',
        step: action,
        key: region,
      };
    case 'throttled':
      return {
        code: 'inventory_throttled',
        message: `${action} in ${region} was still throttled after retries (${code})`,
        remediation: 'The next sync retries; if it persists, lower the number of concurrent syncs.',
        step: action,
        key: region,
      };
    default:
      return {
        code: 'inventory_call_failed',
        message: `${action} failed in ${region} (${code}): ${detail}`,
        remediation:
          'The next sync retries; if it keeps failing, check the AWS service health for the region.',
        step: action,
        key: region,
      };
  }
}

export interface BackoffOptions {
  signal?: AbortSignal;
  /** Attempts in all, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs an AWS call, absorbing throttling and transient faults with exponential backoff and full jitter.
 * The SDK retries too, but its budget is small; a scan of many regions at once needs more patience.
 */
export async function withBackoff<T>(fn: () => Promise<T>, options: BackoffOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const kind = classifyAwsError(err);
      if (options.signal?.aborted || attempt >= attempts || (kind !== 'throttled' && kind !== 'transient')) {
        throw err;
      }
      const delay = Math.round(Math.random() * Math.min(max, base * 2 ** attempt));
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

/**
 * Follows a paged describe call to its last page, each page with backoff. `read` names the page's items and its
 * next token (EC2 says NextToken, ELB NextMarker); an empty token ends the paging as a missing one does.
 */
export async function collectPages<P, T>(
  fetchPage: (token: string | undefined) => Promise<P>,
  read: (page: P) => { items: readonly T[] | undefined; next: string | undefined },
  signal?: AbortSignal,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const { items, next } = read(await withBackoff(() => fetchPage(token), { signal }));
    out.push(...(items ?? []));
    token = next || undefined;
  } while (token);
  return out;
}

/** AWS tag lists (EC2 and both ELB APIs share the shape) → key/value; a tag without a key is dropped. */
export function tagMap(
  tags: readonly { Key?: string; Value?: string }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}
