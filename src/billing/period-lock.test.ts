import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase, type TestDatabase } from '../../test/helpers/stores.js';
import type { Store } from '../store/store.js';
import { MAX_LOCK_HOLDERS } from '../store/postgres-store.js';
import { withPeriodLock } from './period-lock.js';

describe.each(ENGINES)('period lock on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  it('never runs two loads of one period at once, and runs other periods alongside', async () => {
    const log: string[] = [];
    let otherStarted = () => {};
    const other = new Promise<void>((resolve) => (otherStarted = resolve));
    // `a` finishes only once `c` (another period) has started: it cannot if periods block each other.
    const a = withPeriodLock(store, 'p1', async () => {
      log.push('start a');
      await other;
      log.push('end a');
    });
    const b = withPeriodLock(store, 'p1', async () => {
      log.push('start b');
    });
    const c = withPeriodLock(store, 'p2', async () => {
      log.push('start c');
      otherStarted();
    });
    await Promise.all([a, b, c]);
    expect(log.indexOf('start b')).toBeGreaterThan(log.indexOf('end a'));
    expect(log.indexOf('start c')).toBeLessThan(log.indexOf('end a'));
  });

  it('keeps going after a failed load, and many periods at once do not exhaust the pool', async () => {
    await expect(withPeriodLock(store, 'p3', () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    const n = MAX_LOCK_HOLDERS * 4;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        withPeriodLock(store, `many-${i}`, async () => {
          // Each load also needs a connection of its own to write, as the real writers do.
          await store.transaction((tx) => tx.query('SELECT 1 AS one'));
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});
