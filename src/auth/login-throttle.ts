import type { Clock } from '../lib/clock.js';
import { RateLimitError } from '../lib/errors.js';
import type { Store } from '../store/store.js';
import { clearAttempts, countAttempts, pruneAttempts, uncountAttempt } from './credential-store.js';

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_ATTEMPTS_PER_ACCOUNT = 5;
export const MAX_ATTEMPTS_PER_ADDRESS = 20;

/** The throttle keys of one sign-in attempt. */
export interface AttemptKeys {
  account: string;
  address: string;
}

export function attemptKeys(email: string, ip: string): AttemptKeys {
  return { account: `account:${email}`, address: `address:${ip}` };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

/**
 * Sign-in attempts per account and per address within a fixed window. An attempt is counted before its password
 * is checked, so that however many arrive at once, at most the limit of them is ever evaluated; a successful one
 * is given back (to the address) or clears the account's count.
 */
export function createLoginThrottle({ store, clock }: { store: Store; clock: Clock }) {
  // The counting statement is atomic on both engines, but DuckDB aborts one of two connections writing the same
  // row at once instead of waiting; its file is opened by this process alone, so queuing the throttle's writes
  // here is enough there. On PostgreSQL the row lock orders the writers of every process.
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = queue.then(fn);
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    /** Counts the attempt; throws a RateLimitError (429, Retry-After) when either key is over its limit. */
    async reserve(keys: AttemptKeys): Promise<void> {
      const now = clock.now();
      const windowStartedBefore = new Date(now.getTime() - LOGIN_WINDOW_MS);
      const counts = await serial(() =>
        countAttempts(store, [keys.account, keys.address], now, windowStartedBefore),
      );
      const limits: Record<string, number> = {
        [keys.account]: MAX_ATTEMPTS_PER_ACCOUNT,
        [keys.address]: MAX_ATTEMPTS_PER_ADDRESS,
      };
      const over = counts.filter((c) => c.attempts > limits[c.key]);
      if (over.length === 0) return;
      const until = Math.max(...over.map((c) => c.windowStart.getTime() + LOGIN_WINDOW_MS));
      const seconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
      throw new RateLimitError(
        `Too many sign-in attempts; wait ${Math.ceil(seconds / 60)} minute(s) and try again.`,
        seconds,
      );
    },

    /**
     * A successful sign-in ends the account's count; the address gets its attempt back but keeps the failures
     * (one good account must not reset the guessing budget of an address).
     */
    async succeeded(keys: AttemptKeys): Promise<void> {
      await serial(async () => {
        await clearAttempts(store, keys.account);
        await uncountAttempt(store, keys.address);
      });
    },

    /** A failed attempt stays counted; expired windows are dropped on the way. */
    async failed(): Promise<void> {
      await serial(() => pruneAttempts(store, new Date(clock.now().getTime() - LOGIN_WINDOW_MS)));
    },
  };
}
