import {
  AppError,
  ConnectionError,
  RateLimitError,
  UnavailableError,
  type Diagnostic,
} from '../lib/errors.js';
import { awsErrorName, classifyAwsError, isRetryableKind } from '../providers/aws/sdk/errors.js';
import {
  backoffMs,
  retriesSpent,
  retryWithBackoff,
  RETRY_BUDGETS,
  sleep,
} from '../providers/aws/sdk/retry.js';
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

/** The `stage` layer's budget of src/providers/aws/sdk/retry.ts, which says what each layer retries. */
export const DEFAULT_RETRY: RetryPolicy = {
  tries: RETRY_BUDGETS.stage.attempts,
  baseDelayMs: RETRY_BUDGETS.stage.baseDelayMs,
  maxDelayMs: RETRY_BUDGETS.stage.maxDelayMs,
};

// Diagnostic codes of src/providers/aws/sdk/diagnostics.ts that describe a passing condition rather than something to fix.
const TRANSIENT_CODES = new Set(['aws_throttled', 'aws_unreachable', 'aws_unavailable']);

/**
 * Throttling, 5xx answers and network failures pass; access problems (denied, wrong trust policy, missing
 * bucket) do not, and retrying them only delays the diagnostic. A failure the call layer already retried to the
 * end of its budget is not transient any more at this layer: retrying the stage would only multiply the calls.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof RunAborted) return false;
  if (retriesSpent(err) !== undefined) return false;
  if (err instanceof RateLimitError || err instanceof UnavailableError) return true;
  if (err instanceof ConnectionError) return TRANSIENT_CODES.has(err.diagnostic.code);
  if (err instanceof AppError) return false;
  return isRetryableKind(classifyAwsError(err));
}

export { backoffMs, sleep };

/** Runs `fn`, trying again with backoff while it fails transiently and tries are left. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<{ value: T; tries: number }> {
  let tries = 0;
  try {
    const { value, attempts } = await retryWithBackoff(fn, {
      budget: { attempts: policy.tries, baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs },
      retryable: isTransient,
      signal,
      onRetry,
      onGiveUp: (_err, n) => {
        tries = n;
      },
    });
    return { value, tries: attempts };
  } catch (err) {
    throw Object.assign(err instanceof Error ? err : new Error(String(err)), { syncTries: tries });
  }
}

/**
 * The diagnostics a failed stage shows. Access problems carry their own (code, message, remediation); other
 * failures get one that names the stage without leaking internal text (the log has the details).
 */
export function diagnosticsOf(err: unknown, stage: StageName, runId: string): Diagnostic[] {
  if (err instanceof ConnectionError) return err.diagnostics.map((d) => ({ ...d, step: d.step ?? stage }));
  const kind = err instanceof AppError ? undefined : classifyAwsError(err);
  if (isTransient(err) || (kind !== undefined && isRetryableKind(kind))) {
    const tries = Number((err as { syncTries?: unknown }).syncTries) || 1;
    const calls = retriesSpent(err);
    const attempts = `${tries} tr${tries === 1 ? 'y' : 'ies'} of the stage${
      calls ? `, each call tried ${calls} times` : ''
    }`;
    return [
      kind === 'throttled'
        ? {
            code: 'aws_throttled',
            step: stage,
            message: `AWS kept throttling the requests of ${stage} (${awsErrorName(err)}) after ${attempts}.`,
            remediation:
              'Nothing to change in the connection: the next scheduled sync tries again. If it persists, lower the number of concurrent syncs (CLOUDTALLY_MAX_CONCURRENT_SYNCS) or raise the API request quotas of the account.',
          }
        : {
            code: 'aws_unavailable',
            step: stage,
            message: `AWS kept failing transiently during ${stage} (${awsErrorName(err)}) after ${attempts}.`,
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
