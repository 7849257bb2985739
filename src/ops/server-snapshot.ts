import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../lib/errors.js';
import { DuckDbStore } from '../store/duckdb-store.js';
import type { Store } from '../store/store.js';
import { snapshotDuckDb } from '../store/duckdb-snapshot.js';

/** The folder of the data directory where a running server leaves snapshots for `cloudtally backup` to pick up. */
export const SNAPSHOT_DIR = 'snapshots';
/** A snapshot nobody picked up within this time (a backup that died) is removed by the next one. */
const STALE_MS = 60 * 60 * 1000;

export interface ServerSnapshot {
  /** The snapshot's path relative to the data directory. */
  file: string;
  /** The server's data directory (absolute), so that the caller can tell it is the one it backs up. */
  dataDir: string;
  migrations: number[];
  tables: Record<string, number>;
  createdAt: string;
}

export const SERVER_MODE_BACKUP =
  'This server runs on PostgreSQL (server mode): back the database up with pg_dump and keep the master key ' +
  '(CLOUDTALLY_SECRET_KEY or the key file) with it, as the README section "Backups and upgrades" shows.';

function removeStale(dir: string, now: number): void {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (now - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true, recursive: true });
  }
}

/**
 * Takes a consistent snapshot of the embedded database on the server's own connection (a DuckDB file is open in one
 * process only, so a running server is the one that can read it) into a fresh file under `DATA_DIR/snapshots/`.
 * The name is the server's choice, never the caller's. The caller (`cloudtally backup`, on the same machine) moves
 * the file into its archive.
 */
export async function takeServerSnapshot(store: Store, dataDir: string, now: Date): Promise<ServerSnapshot> {
  if (!(store instanceof DuckDbStore)) throw new InputError('engine', SERVER_MODE_BACKUP);
  const dir = path.join(dataDir, SNAPSHOT_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  removeStale(dir, now.getTime());
  const name = `snapshot-${now.getTime()}-${randomBytes(4).toString('hex')}.duckdb`;
  const file = path.join(dir, name);
  try {
    const facts = await snapshotDuckDb(store, file);
    return { file: `${SNAPSHOT_DIR}/${name}`, dataDir, ...facts, createdAt: now.toISOString() };
  } catch (err) {
    rmSync(file, { force: true });
    rmSync(`${file}.wal`, { force: true });
    throw err;
  }
}
