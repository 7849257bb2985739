/**
 * The budget of each layer that retries AWS work, and the AWS call layer. Retries stack (every attempt of a
 * stage makes calls, every call attempt makes SDK requests), so each layer retries only what the layer below
 * cannot, and a failure a lower layer already gave up on is not retried again above it. All of them use the one
 * retry helper of src/lib/retry.ts:
 *
 * | layer | where | retries | budget |
 * | --- | --- | --- | --- |
 * | `sdk` | inside every SDK client (client-factory.ts) | one HTTP request answered with throttling or a 5xx, paced by the SDK's adaptive rate limiter | 3 attempts |
 * | `call` | {@link withAwsRetry} around one logical call: a page of a listing, a manifest read, a file download | what the SDK cannot: a body cut short or a connection dropped mid-transfer, and throttling / 5xx that outlast the SDK's short budget | 5 attempts, 0.25–8 s apart |
 * | `stage` | the sync engine (src/sync/retry.ts, `DEFAULT_RETRY`), asking this provider's classifier (aws-failures.ts) | a whole stage, for transient failures that no call layer retried (an AssumeRole throttled while validating, our own 503) | 4 tries, 1–30 s apart |
 *
 * So one request is sent at most 3 × 5 = 15 times before its stage reports `aws_throttled` / `aws_unavailable`.
 */
import {
  backoffMs,
  markRetriesSpent,
  retriesSpent,
  retryWithBackoff,
  sleep,
  type RetryBudget,
} from '../../../lib/retry.js';
import { classifyAwsError, isRetryableKind } from './errors.js';

export { backoffMs, retriesSpent, sleep, type RetryBudget };

export const RETRY_BUDGETS = {
  sdk: { attempts: 3 },
  call: { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 },
} as const satisfies { sdk: { attempts: number }; call: RetryBudget };

/**
 * One logical AWS call with the `call` layer's budget: throttling, AWS-side faults and dropped connections are
 * tried again with backoff; anything else (denied, not found, a bug) fails at once. A failure given up on is
 * marked with the attempts made (see {@link retriesSpent}).
 */
export async function withAwsRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: {
    signal?: AbortSignal;
    budget?: RetryBudget;
    onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  } = {},
): Promise<T> {
  const { value } = await retryWithBackoff(fn, {
    budget: options.budget ?? RETRY_BUDGETS.call,
    retryable: (err) => isRetryableKind(classifyAwsError(err)),
    signal: options.signal,
    onRetry: options.onRetry,
    onGiveUp: (err, attempts) => {
      if (isRetryableKind(classifyAwsError(err)) && !options.signal?.aborted) markRetriesSpent(err, attempts);
    },
  });
  return value;
}
