import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase, type TestDatabase } from '../../test/helpers/stores.js';
import { migrate } from './migrate.js';
import type { Migration } from './migrations/types.js';
import type { Store } from './store.js';

// The shape of migrations 10 and 12 on a database that already holds rows: a table altered twice, then its rows
// changed. DuckDB refuses to commit that as one transaction; the runner must still apply and record it.
const base: Migration = {
  id: 1,
  name: 'people',
  statements: [`CREATE TABLE people (id TEXT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL)`],
};
const alterTwiceThenUpdate: Migration = {
  id: 2,
  name: 'people: admin and default org',
  statements: [
    `ALTER TABLE people ADD COLUMN admin BOOLEAN DEFAULT FALSE`,
    `ALTER TABLE people ADD COLUMN last_org TEXT`,
    `UPDATE people SET admin = TRUE WHERE id = (SELECT id FROM people ORDER BY created_at, id LIMIT 1)`,
    `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  ],
};

describe.each(ENGINES)('migrate on %s', (engine) => {
  let db: TestDatabase;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await db.destroy();
  });

  /** A database at migration 1 holding two rows, written to its file and opened again (as an upgrade finds it). */
  async function oldDatabase(): Promise<Store> {
    db = await createTestDatabase(engine);
    let s = await db.open({ migrate: false });
    await migrate(s, [base]);
    await s.execute(
      `INSERT INTO people (id, created_at) VALUES ('b', '2024-01-02T00:00:00Z'), ('a', '2024-01-01T00:00:00Z')`,
    );
    if (engine === 'duckdb') await s.execute('CHECKPOINT');
    await s.close();
    s = await db.open({ migrate: false });
    return s;
  }

  it('alters a table twice and then updates its rows, and records the migration', async () => {
    store = await oldDatabase();
    expect(await migrate(store, [base, alterTwiceThenUpdate])).toEqual([2]);
    const rows = await store.query('SELECT id, admin, last_org FROM people ORDER BY id');
    expect(rows).toEqual([
      { id: 'a', admin: true, last_org: null },
      { id: 'b', admin: false, last_org: null },
    ]);
    const ids = await store.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(ids.map((r) => Number(r.id))).toEqual([1, 2]);
    expect(await migrate(store, [base, alterTwiceThenUpdate])).toEqual([]);
  });

  // Only DuckDB commits a migration in parts (PostgreSQL applies it in one transaction or not at all).
  if (engine === 'duckdb')
    it('takes up a migration that stopped after its first column was added', async () => {
      store = await oldDatabase();
      // What a run stopped after the first committed group leaves on DuckDB: one column there, nothing recorded.
      await store.execute(alterTwiceThenUpdate.statements[0]);
      expect(await migrate(store, [base, alterTwiceThenUpdate])).toEqual([2]);
      const rows = await store.query('SELECT id, admin FROM people ORDER BY id');
      expect(rows).toEqual([
        { id: 'a', admin: true },
        { id: 'b', admin: false },
      ]);
    });
});
