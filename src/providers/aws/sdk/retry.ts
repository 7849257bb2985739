/**
 * The one retry helper, and the budget of each layer that retries AWS work. Retries stack (every attempt of a
 * stage makes calls, every call attempt makes SDK requests), so each layer retries only what the layer below
 * cannot, and a failure a lower layer already gave up on is not retried again above it:
 *
 * | layer | where | retries | budget |
 * | --- | --- | --- | --- |
 * | `sdk` | inside every SDK client (client-factory.ts) | one HTTP request answered with throttling or a 5xx, paced by the SDK's adaptive rate limiter | 3 attempts |
 * | `call` | {@link withAwsRetry} around one logical call: a page of a listing, a manifest read, a file download | what the SDK cannot: a body cut short or a connection dropped mid-transfer, and throttling / 5xx that outlast the SDK's short budget | 5 attempts, 0.25–8 s apart |
 * | `stage` | the sync run executor (src/sync/retry.ts) | a whole stage, for transient failures that no call layer retried (an AssumeRole throttled while validating, our own 503) | 4 tries, 1–30 s apart |
 *
 * So one request is sent at most 3 × 5 = 15 times before its stage reports `aws_throttled` / `aws_unavailable`.
 */
import { classifyAwsError, isRetryableKind } from './errors.js';

export interface RetryBudget {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const RETRY_BUDGETS = {
  sdk: { attempts: 3 },
  call: { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 },
  stage: { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000 },
} as const satisfies { sdk: { attempts: number }; call: RetryBudget; stage: RetryBudget };

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  const reason = () =>
    signal?.reason instanceof Error ? signal.reason : new Error(String(signal?.reason ?? 'aborted'));
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(reason());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(reason());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The wait before retry number `retry` (1 = the first retry): doubling up to the maximum, jittered. */
export function backoffMs(
  budget: Pick<RetryBudget, 'baseDelayMs' | 'maxDelayMs'>,
  retry: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(budget.maxDelayMs, budget.baseDelayMs * 2 ** (retry - 1));
  // Jitter in the upper half, so that callers throttled together do not come back together.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryOptions {
  budget: RetryBudget;
  /** Whether this failure may pass by itself. */
  retryable(err: unknown): boolean;
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Called with the last failure and the attempts made, before it is thrown. */
  onGiveUp?: (err: unknown, attempts: number) => void;
}

/** Runs `fn`, trying again with backoff while it fails retryably and the budget lasts. */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (err) {
      if (options.signal?.aborted || attempt >= options.budget.attempts || !options.retryable(err)) {
        options.onGiveUp?.(err, attempt);
        throw err;
      }
      const delay = backoffMs(options.budget, attempt);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

const SPENT = Symbol.for('cloudtally.awsRetriesSpent');

/**
 * How many attempts the call layer made before giving up on this failure (looked for on the error and its
 * causes), or undefined when no call layer retried it. The stage layer does not retry such a failure again.
 */
export function retriesSpent(err: unknown): number | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const n = (e as { [SPENT]?: unknown })[SPENT];
    if (typeof n === 'number') return n;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

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
      const spent = isRetryableKind(classifyAwsError(err)) && !options.signal?.aborted;
      if (spent && typeof err === 'object' && err !== null && Object.isExtensible(err)) {
        Object.defineProperty(err, SPENT, { value: attempts, configurable: true });
      }
    },
  });
  return value;
}
