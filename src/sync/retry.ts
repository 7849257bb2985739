/**
 * The sync engine's layer of retries: a whole stage is tried again while it fails transiently, within the stage
 * budget. What is transient is the provider's to say (its classifier, failure-classifier.ts); the retry itself is
 * the one helper of src/lib/retry.ts, and a failure a provider's call layer already retried to the end of its
 * budget is not retried again here.
 */
import {
  AppError,
  ConnectionError,
  RateLimitError,
  UnavailableError,
  type Diagnostic,
} from '../lib/errors.js';
import { backoffMs, retriesSpent, retryWithBackoff, sleep } from '../lib/retry.js';
import { CONNECTION_FAILURES, type FailureClassifier } from './failure-classifier.js';
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

/**
 * The `stage` layer's budget: a whole stage, for transient failures that no call layer retried (a role
 * assumption throttled while validating, our own 503). The layers below it are a provider's (AWS: the SDK's
 * 3 attempts and the call layer's 5, src/providers/aws/sdk/retry.ts).
 */
export const DEFAULT_RETRY: RetryPolicy = { tries: 4, baseDelayMs: 1_000, maxDelayMs: 30_000 };

/**
 * Throttling, the provider's faults and network failures pass; access problems (denied, wrong trust policy,
 * missing bucket) do not, and retrying them only delays the diagnostic. A failure the call layer already retried
 * to the end of its budget is not transient any more at this layer: retrying the stage would only multiply the
 * calls.
 */
export function isTransient(err: unknown, failures: FailureClassifier = CONNECTION_FAILURES): boolean {
  if (err instanceof RunAborted) return false;
  if (retriesSpent(err) !== undefined) return false;
  if (err instanceof RateLimitError || err instanceof UnavailableError) return true;
  if (err instanceof ConnectionError) return failures.transientCodes.has(err.diagnostic.code);
  if (err instanceof AppError) return false;
  return failures.transient(err) !== undefined;
}

export { backoffMs, sleep };

/** Runs `fn`, trying again with backoff while it fails transiently and tries are left. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
  failures: FailureClassifier = CONNECTION_FAILURES,
): Promise<{ value: T; tries: number }> {
  let tries = 0;
  try {
    const { value, attempts } = await retryWithBackoff(fn, {
      budget: { attempts: policy.tries, baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs },
      retryable: (err) => isTransient(err, failures),
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
export function diagnosticsOf(
  err: unknown,
  stage: StageName,
  runId: string,
  failures: FailureClassifier = CONNECTION_FAILURES,
): Diagnostic[] {
  if (err instanceof ConnectionError) return err.diagnostics.map((d) => ({ ...d, step: d.step ?? stage }));
  const transient = err instanceof AppError ? undefined : failures.transient(err);
  if (isTransient(err, failures) || transient !== undefined) {
    const tries = Number((err as { syncTries?: unknown }).syncTries) || 1;
    const calls = retriesSpent(err);
    const attempts = `${tries} tr${tries === 1 ? 'y' : 'ies'} of the stage${
      calls ? `, each call tried ${calls} times` : ''
    }`;
    const name = err instanceof Error && err.name ? err.name : 'Error';
    return [failures.gaveUp(transient ?? { kind: 'unavailable', name }, stage, attempts)];
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
