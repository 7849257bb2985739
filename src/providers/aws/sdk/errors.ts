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

/** Node and undici codes of a connection that failed or dropped. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
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

type Bag = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The error and its causes (the SDK and undici wrap the network error that started it). */
function chain(err: unknown): Bag[] {
  const out: Bag[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    out.push(e as Bag);
    e = (e as Bag).cause;
  }
  return out;
}

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

/** The Node network code of the failure or one of its causes (ECONNRESET, …), if any. */
export function networkCodeOf(err: unknown): string | undefined {
  for (const e of chain(err)) {
    for (const c of [e.code, e.errno].map(str)) if (c && NETWORK_CODES.has(c)) return c;
    if (awsErrorName(e) === 'TimeoutError') return 'ETIMEDOUT';
  }
  // Node's http client says only this when a response is cut short.
  if (err instanceof Error && /^(aborted|socket hang up)$/i.test(err.message)) return 'ECONNRESET';
  return undefined;
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
