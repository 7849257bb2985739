import type { Queryable, Store } from './store.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/types.js';

const LOCK_KEY = 7_215_402_113; // advisory lock so that processes starting together migrate once

const ALTER_TABLE = /^\s*ALTER\s+TABLE\s/i;
const ADD_COLUMN = /^\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)/i;

async function record(tx: Queryable, m: Migration): Promise<void> {
  await tx.execute('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
    m.id,
    m.name,
    new Date(),
  ]);
}

/** True for an `ALTER TABLE t ADD COLUMN c` whose column is there already (a re-run after a crash). */
async function columnAlreadyAdded(tx: Queryable, statement: string): Promise<boolean> {
  const m = ADD_COLUMN.exec(statement);
  if (!m) return false;
  const rows = await tx.query(
    `SELECT 1 AS found FROM information_schema.columns
      WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $1 AND column_name = $2`,
    [m[1], m[2]],
  );
  return rows.length > 0;
}

/**
 * DuckDB cannot commit a transaction that alters a table twice and then changes its rows ("Failed to commit:
 * Attempting to modify table users but another transaction has altered this table", DuckDB 1.5): migrations 10 and
 * 12 do that, so a database with users or costs made before them could not be upgraded in one transaction. On
 * DuckDB each ALTER TABLE therefore commits on its own, the statements between two of them in one transaction, and
 * the migration is recorded with its last group. A run stopped between two groups is taken up again: the
 * migration is still unrecorded, a column already added is not added again, and the other statements of these
 * migrations give the same result when run twice.
 */
async function applyOnDuckDb(store: Store, pending: readonly Migration[]): Promise<void> {
  for (const m of pending) {
    const groups: string[][] = [[]];
    for (const statement of m.statements) {
      if (ALTER_TABLE.test(statement)) groups.push([statement], []);
      else groups[groups.length - 1].push(statement);
    }
    for (const [i, group] of groups.entries()) {
      await store.transaction(async (tx) => {
        for (const statement of group)
          if (!(await columnAlreadyAdded(tx, statement))) await tx.execute(statement);
        if (i === groups.length - 1) await record(tx, m);
      });
    }
  }
}

/** Brings the schema up to date; returns the ids it applied. Safe to call from several processes (PostgreSQL). */
export async function migrate(
  store: Store,
  migrations: readonly Migration[] = allMigrations,
): Promise<number[]> {
  const ids = migrations.map((m) => m.id);
  if (new Set(ids).size !== ids.length || ids.some((id, i) => i > 0 && id <= ids[i - 1])) {
    throw new Error(`Migration ids must be unique and ascending: ${ids.join(', ')}`);
  }
  await store.execute(
    `CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
  );
  const doneIn = async (q: Queryable) =>
    new Set((await q.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)));
  if (store.engine === 'duckdb') {
    // One process opens a DuckDB file, so nothing else migrates it meanwhile.
    const done = await doneIn(store);
    const pending = migrations.filter((m) => !done.has(m.id));
    await applyOnDuckDb(store, pending);
    return pending.map((m) => m.id);
  }
  return store.transaction(async (tx) => {
    await tx.execute('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const done = await doneIn(tx);
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      for (const statement of [...m.statements, ...(m.postgres ?? [])]) await tx.execute(statement);
      await record(tx, m);
      applied.push(m.id);
    }
    return applied;
  });
}
