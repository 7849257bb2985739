import type { Store } from '../store/store.js';

const chains = new WeakMap<Store, Map<string, Promise<unknown>>>();

/** Lock space of Cloudtally's billing loads in the store's exclusive() (the key is the period's identity). */
const BILLING_LOCK_SPACE = 41_720;

/**
 * Runs `fn` while no other load of the same `key` runs: in this process (a promise chain per key) and in any
 * process sharing the database (the store's exclusive(), an advisory lock on PostgreSQL).
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

function guarded<T>(store: Store, key: string, fn: () => Promise<T>): Promise<T> {
  return store.exclusive(BILLING_LOCK_SPACE, key, fn);
}
