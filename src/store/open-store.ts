import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDbStore } from './duckdb-store.js';
import { migrate } from './migrate.js';
import { PostgresStore } from './postgres-store.js';
import type { Store } from './store.js';

export interface StoreLocation {
  /** PostgreSQL URL for server mode; when absent the embedded DuckDB file in dataDir is used. */
  databaseUrl?: string;
  dataDir: string;
  /** Embedded engine: memory DuckDB may use before spilling to disk, e.g. `512MB`. */
  duckdbMemoryLimit?: string;
}

export const DUCKDB_FILE = 'cloudtally.duckdb';

/** Opens the configured engine and brings its schema up to date. */
export async function openStore(
  location: StoreLocation,
  options: { migrate?: boolean } = {},
): Promise<Store> {
  let store: Store;
  if (location.databaseUrl) {
    store = await PostgresStore.open(location.databaseUrl);
  } else {
    mkdirSync(location.dataDir, { recursive: true, mode: 0o700 });
    store = await DuckDbStore.open({
      path: path.join(location.dataDir, DUCKDB_FILE),
      memoryLimit: location.duckdbMemoryLimit,
    });
  }
  if (options.migrate !== false) {
    try {
      await migrate(store);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}
