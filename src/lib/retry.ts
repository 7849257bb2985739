/**
 * The one retry helper: backoff with jitter within a budget of attempts, stopped by a signal. Each layer that
 * retries has its own budget (a provider's call layer, e.g. src/providers/aws/sdk/retry.ts; the sync engine's
 * stage layer, src/sync/retry.ts), and a layer above does not retry what a layer below already gave up on
 * ({@link retriesSpent}).
 */

export interface RetryBudget {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

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

const SPENT = Symbol.for('cloudtally.callRetriesSpent');

/** Marks a failure a call layer retried to the end of its budget with the attempts it made. */
export function markRetriesSpent(err: unknown, attempts: number): void {
  if (typeof err === 'object' && err !== null && Object.isExtensible(err)) {
    Object.defineProperty(err, SPENT, { value: attempts, configurable: true });
  }
}

/**
 * How many attempts a call layer made before giving up on this failure (looked for on the error and its
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
