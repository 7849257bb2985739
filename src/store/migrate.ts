import type { Store } from './store.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/types.js';

const LOCK_KEY = 7_215_402_113; // advisory lock so that processes starting together migrate once

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
  return store.transaction(async (tx) => {
    if (store.engine === 'postgres') await tx.execute('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const done = new Set(
      (await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      const statements = [...m.statements, ...(store.engine === 'postgres' ? (m.postgres ?? []) : [])];
      for (const statement of statements) await tx.execute(statement);
      await tx.execute('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
        m.id,
        m.name,
        new Date(),
      ]);
      applied.push(m.id);
    }
    return applied;
  });
}
