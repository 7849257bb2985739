import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DuckDbStore } from '../../src/store/duckdb-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { migrate } from '../../src/store/migrate.js';
import type { Engine, Store } from '../../src/store/store.js';

export const ADMIN_PG_URL =
  process.env.CLOUDTALLY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  engine: Engine;
  /** For DuckDB: the data directory; for PostgreSQL: the database URL. */
  dataDir: string;
  databaseUrl?: string;
  open(options?: { migrate?: boolean }): Promise<Store>;
  destroy(): Promise<void>;
}

/**
 * A fresh, empty PostgreSQL database on the server of `adminUrl` (tests: the local one); destroy() drops it.
 * The benchmarks use it too, with their own server URL and name prefix.
 */
export async function createPostgresDatabase(
  options: { adminUrl?: string; prefix?: string } = {},
): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? ADMIN_PG_URL;
  const name = `${options.prefix ?? 'cloudtally_test'}_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudtally-pg-'));
  return {
    engine: 'postgres',
    dataDir,
    databaseUrl,
    async open(options = {}) {
      const store = await PostgresStore.open(databaseUrl);
      if (options.migrate !== false) await migrate(store);
      return store;
    },
    async destroy() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` with the URL of a fresh PostgreSQL database, dropped afterwards. */
export async function withPostgresDatabase<T>(
  options: { adminUrl?: string; prefix?: string },
  fn: (databaseUrl: string) => Promise<T>,
): Promise<T> {
  const db = await createPostgresDatabase(options);
  try {
    return await fn(db.databaseUrl!);
  } finally {
    await db.destroy();
  }
}

/** A fresh DuckDB file in a temporary data directory. */
export function createDuckDbDatabase(): TestDatabase {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudtally-duck-'));
  return {
    engine: 'duckdb',
    dataDir,
    async open(options = {}) {
      const store = await DuckDbStore.open({ path: path.join(dataDir, 'cloudtally.duckdb') });
      if (options.migrate !== false) await migrate(store);
      return store;
    },
    async destroy() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  return engine === 'postgres' ? createPostgresDatabase() : createDuckDbDatabase();
}

/** Both engines, for `describe.each(ENGINES)`. */
export const ENGINES: Engine[] = ['duckdb', 'postgres'];
