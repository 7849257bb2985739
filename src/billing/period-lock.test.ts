import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase, type TestDatabase } from '../../test/helpers/stores.js';
import type { Store } from '../store/store.js';
import { MAX_CONCURRENT_PG_LOADS, withPeriodLock } from './period-lock.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

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
    const job = (key: string, name: string) =>
      withPeriodLock(store, key, async () => {
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
      });
    await Promise.all([job('p1', 'a'), job('p1', 'b'), job('p2', 'c')]);
    const a = log.indexOf('end a');
    expect(log.indexOf('start b')).toBeGreaterThan(a);
    expect(log.indexOf('start c')).toBeLessThan(a);
  });

  it('keeps going after a failed load, and many periods at once do not exhaust the pool', async () => {
    await expect(withPeriodLock(store, 'p3', () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    const n = MAX_CONCURRENT_PG_LOADS * 4;
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
