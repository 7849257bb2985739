/**
 * The one classification of AWS failures. Every place that decides "retry or not" (src/providers/aws/sdk/retry.ts), "which
 * diagnostic" (src/providers/aws/sdk/diagnostics.ts, the inventory's and billing's diagnostics) or "is this the customer's
 * policy" asks here, so that a throttling name added once is known everywhere.
 */

/** How a failure bears on what to do next. */
export type AwsFaultKind =
  /** AWS asked us to slow down: wait and try again. */
  | 'throttled'
  /** AWS failed on its side (5xx, a body cut short): try again. */
  | 'unavailable'
  /** The endpoint could not be reached or the connection dropped: try again. */
  | 'unreachable'
  /** A policy refused the call: retrying does not help; the diagnostic says what to allow. */
  | 'denied'
  /** The keys or session are wrong or expired. */
  | 'credentials'
  /** The region is not enabled for the account. */
  | 'region_disabled'
  /** The caller's own signal aborted the call. */
  | 'aborted'
  | 'other';

/** Throttling as each service names it (SDK exception names and wire codes). */
export const THROTTLE_NAMES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'EC2ThrottledException',
  'SlowDown',
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'TooManyRequests',
]);

/** Faults on AWS's side that pass: 5xx codes, server-side timeouts, and a body that ended early. */
export const UNAVAILABLE_NAMES: ReadonlySet<string> = new Set([
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServiceFault',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceFailure',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'IncompleteBody',
]);

export const DENIED_NAMES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AllAccessDisabled',
  'Forbidden',
]);

export const CREDENTIAL_NAMES: ReadonlySet<string> = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'InvalidToken',
]);

/** A response body that ended before its Content-Length: the connection dropped mid-transfer. */
export class IncompleteBodyError extends Error {
  constructor(received: number, expected: number) {
    super(`the response body ended after ${received} of ${expected} bytes`);
    this.name = 'IncompleteBody';
  }
}

import { NETWORK_CODES, networkCodeOf } from '../../../lib/network-errors.js';

// Connection failures are the same whichever service is called: src/lib/network-errors.ts knows them.
export { NETWORK_CODES, networkCodeOf };

type Bag = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The AWS error code: the SDK names its exceptions after it; parsed plain errors may carry it in `Code`. */
export function awsErrorName(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Error';
  const e = err as Bag;
  const name = str(e.name);
  return (name && name !== 'Error' ? name : undefined) ?? str(e.Code) ?? name ?? 'Error';
}

export function httpStatusOf(err: unknown): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

export function classifyAwsError(err: unknown): AwsFaultKind {
  const name = awsErrorName(err);
  const status = httpStatusOf(err);
  if (name === 'AbortError') return 'aborted';
  if (THROTTLE_NAMES.has(name) || status === 429) return 'throttled';
  if (name === 'OptInRequired' || name === 'RegionDisabledException') return 'region_disabled';
  if (CREDENTIAL_NAMES.has(name)) return 'credentials';
  if (name === 'AuthFailure' || DENIED_NAMES.has(name) || status === 403) return 'denied';
  if (UNAVAILABLE_NAMES.has(name) || (status !== undefined && status >= 500 && status < 600)) {
    return 'unavailable';
  }
  if (networkCodeOf(err) !== undefined) return 'unreachable';
  // An SDK error the SDK itself marked retryable (e.g. a clock-skew or transient HTTP status).
  if ((err as { $retryable?: unknown } | null)?.$retryable) return 'unavailable';
  return 'other';
}

/** Throttling, AWS-side faults and dropped connections pass by themselves; everything else needs a change. */
export function isRetryableKind(kind: AwsFaultKind): boolean {
  return kind === 'throttled' || kind === 'unavailable' || kind === 'unreachable';
}
