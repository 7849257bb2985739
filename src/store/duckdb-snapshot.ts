import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { DuckDbStore } from './duckdb-store.js';
import type { Queryable } from './store.js';

export interface SnapshotFacts {
  /** Every applied schema migration id, ascending. */
  migrations: number[];
  /** Rows per table, counted inside the snapshot's transaction (the same in the source and the copy). */
  tables: Record<string, number>;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteText = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The user tables of a database (of the current one when `catalog` is omitted), by name. */
async function tableNames(q: Queryable, catalog?: string): Promise<string[]> {
  const rows = await q.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'main' AND table_type = 'BASE TABLE' AND table_catalog = ${catalog ? '$1' : 'current_database()'}
      ORDER BY table_name`,
    catalog ? [catalog] : [],
  );
  return rows.map((r) => r.table_name);
}

async function countRows(q: Queryable, tables: string[], catalog?: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const prefix = catalog ? `${quoteIdent(catalog)}.main.` : '';
  for (const t of tables) {
    const [row] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM ${prefix}${quoteIdent(t)}`);
    counts[t] = Number(row.n);
  }
  return counts;
}

/** The migration ids applied to a database, ascending. */
export async function appliedMigrations(q: Queryable): Promise<number[]> {
  const rows = await q.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
  return rows.map((r) => Number(r.id));
}

/** Rows per table of the current database. */
export async function tableCounts(q: Queryable): Promise<Record<string, number>> {
  return countRows(q, await tableNames(q));
}

/**
 * Copies the open embedded database into a new DuckDB file `target`, consistently, while the store goes on serving:
 * the copy (`COPY FROM DATABASE`: schema with its keys, constraints and indexes, then every table's rows) and the
 * row counts of both sides run in one transaction, so they read one snapshot of the data whatever commits meanwhile.
 * Writes to the source wait for nothing; the copy is written to the attached file only. The schema holds no
 * sequences (ids are generated in code), so no sequence position needs carrying over.
 */
export async function snapshotDuckDb(store: DuckDbStore, target: string): Promise<SnapshotFacts> {
  if (existsSync(target)) throw new Error(`The snapshot file ${target} already exists`);
  const alias = `snapshot_${randomBytes(6).toString('hex')}`;
  await store.execute(`ATTACH ${quoteText(target)} AS ${alias}`);
  try {
    const facts = await store.transaction(async (tx) => {
      const [{ name }] = await tx.query<{ name: string }>('SELECT current_database() AS name');
      await tx.execute(`COPY FROM DATABASE ${quoteIdent(name)} TO ${alias}`);
      const tables = await tableNames(tx);
      const source = await countRows(tx, tables);
      const copied = await countRows(tx, await tableNames(tx, alias), alias);
      for (const t of tables) {
        if (copied[t] !== source[t])
          throw new Error(`The snapshot of table ${t} holds ${copied[t]} rows instead of ${source[t]}`);
      }
      return { migrations: await appliedMigrations(tx), tables: source };
    });
    await store.execute(`CHECKPOINT ${alias}`);
    return facts;
  } finally {
    await store.execute(`DETACH ${alias}`);
  }
}
