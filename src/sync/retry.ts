import {
  AppError,
  ConnectionError,
  RateLimitError,
  UnavailableError,
  type Diagnostic,
} from '../lib/errors.js';
import type { StageName } from './sync-types.js';

/** Why a run's signal was aborted. */
export type AbortKind = 'cancel' | 'shutdown' | 'lease_lost';

export class RunAborted extends Error {
  constructor(readonly kind: AbortKind) {
    super(
      kind === 'cancel'
        ? 'The sync was cancelled'
        : kind === 'shutdown'
          ? 'The worker is shutting down'
          : 'The worker lost the lease of this run',
    );
    this.name = 'RunAborted';
  }
}

export interface RetryPolicy {
  /** Tries per stage, the first included. */
  tries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'BandwidthLimitExceeded',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

// Diagnostic codes of src/aws/diagnostics.ts that describe a passing condition rather than something to fix.
const TRANSIENT_CODES = new Set(['aws_throttled', 'aws_unreachable', 'aws_unavailable']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    out.push(e as ErrorLike);
    e = (e as ErrorLike).cause;
  }
  return out;
}

/**
 * Throttling, 5xx answers and network failures pass; access problems (denied, wrong trust policy, missing
 * bucket) do not, and retrying them only delays the diagnostic.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof RunAborted) return false;
  if (err instanceof RateLimitError || err instanceof UnavailableError) return true;
  if (err instanceof ConnectionError) return TRANSIENT_CODES.has(err.diagnostic.code);
  if (err instanceof AppError) return false;
  for (const e of chain(err)) {
    if (e.name === 'AbortError') return false;
    if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || TRANSIENT_NAMES.has(e.code))) return true;
    if (e.$retryable) return true;
    const status = Number(e.$metadata?.httpStatusCode);
    if (status === 429 || (status >= 500 && status < 600)) return true;
  }
  return false;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  // Full jitter, so that workers throttled together do not come back together.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Runs `fn`, trying again with backoff while it fails transiently and tries are left. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<{ value: T; tries: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), tries: attempt };
    } catch (err) {
      if (signal.aborted || attempt >= policy.tries || !isTransient(err)) {
        throw Object.assign(err instanceof Error ? err : new Error(String(err)), { syncTries: attempt });
      }
      const delay = backoffMs(policy, attempt);
      onRetry?.(err, attempt, delay);
      await sleep(delay, signal);
    }
  }
}

function errorName(err: unknown): string {
  for (const e of chain(err)) {
    if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
    if (typeof e.code === 'string') return e.code;
  }
  return 'Error';
}

/**
 * The diagnostics a failed stage shows. Access problems carry their own (code, message, remediation); other
 * failures get one that names the stage without leaking internal text (the log has the details).
 */
export function diagnosticsOf(err: unknown, stage: StageName, runId: string): Diagnostic[] {
  if (err instanceof ConnectionError) return err.diagnostics.map((d) => ({ ...d, step: d.step ?? stage }));
  if (isTransient(err)) {
    const tries = Number((err as { syncTries?: unknown }).syncTries) || 1;
    return [
      {
        code: 'aws_unavailable',
        step: stage,
        message: `AWS kept failing transiently during ${stage} (${errorName(err)}) after ${tries} tr${
          tries === 1 ? 'y' : 'ies'
        }.`,
        remediation:
          'Nothing to change in the connection: the next scheduled sync tries again. If it persists, check the AWS Health Dashboard and the API request quotas of the account.',
      },
    ];
  }
  if (err instanceof AppError) {
    return [
      {
        code: `${stage}_${err.kind}`,
        step: stage,
        message: err.message,
        remediation: 'Check the account settings, then sync again.',
      },
    ];
  }
  return [
    {
      code: 'internal_error',
      step: stage,
      message: `The ${stage} stage failed with an internal error (sync run ${runId}).`,
      remediation: `Sync again; if it fails the same way, the server log has the details under run ${runId}.`,
    },
  ];
}
