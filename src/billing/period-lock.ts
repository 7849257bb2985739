import type { Store } from '../store/store.js';

const chains = new WeakMap<Store, Map<string, Promise<unknown>>>();
const slots = new WeakMap<Store, { free: number; waiting: (() => void)[] }>();

/** Namespace of Cloudtally's billing advisory locks (the second key is a hash of the period's identity). */
const PG_LOCK_CLASS = 41_720;

/**
 * Loads holding a PostgreSQL lock at once, per store. Each holds one pooled connection for its lock and
 * needs another to write; bounding them keeps the pool from being exhausted by lock holders alone.
 */
export const MAX_CONCURRENT_PG_LOADS = 3;

async function takeSlot(store: Store): Promise<() => void> {
  let s = slots.get(store);
  if (!s) {
    s = { free: MAX_CONCURRENT_PG_LOADS, waiting: [] };
    slots.set(store, s);
  }
  const state = s;
  if (state.free > 0) state.free--;
  else await new Promise<void>((resolve) => state.waiting.push(resolve));
  return () => {
    const next = state.waiting.shift();
    if (next) next();
    else state.free++;
  };
}

/**
 * Runs `fn` while no other load of the same `key` runs: in this process (a promise chain per key) and,
 * on PostgreSQL, in any process sharing the database (a transaction-scoped advisory lock, released by the
 * server if this process dies).
 */
export async function withPeriodLock<T>(store: Store, key: string, fn: () => Promise<T>): Promise<T> {
  let byKey = chains.get(store);
  if (!byKey) {
    byKey = new Map();
    chains.set(store, byKey);
  }
  const previous = byKey.get(key) ?? Promise.resolve();
  const run = previous.then(
    () => guarded(store, key, fn),
    () => guarded(store, key, fn),
  );
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  byKey.set(key, tail);
  try {
    return await run;
  } finally {
    if (byKey.get(key) === tail) byKey.delete(key);
  }
}

async function guarded<T>(store: Store, key: string, fn: () => Promise<T>): Promise<T> {
  if (store.engine !== 'postgres') return fn();
  const release = await takeSlot(store);
  try {
    return await store.transaction(async (tx) => {
      await tx.execute('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PG_LOCK_CLASS, key]);
      return fn();
    });
  } finally {
    release();
  }
}
