import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { keyId } from '../accounts/secret-vault.js';
import type { Config } from '../config/config.js';
import { InputError, UnavailableError } from '../lib/errors.js';
import { DuckDbStore } from '../store/duckdb-store.js';
import { DUCKDB_FILE } from '../store/open-store.js';
import { describeFiles, writeArchive } from './backup-archive.js';
import { checkKeyOpensSecrets, keyForBackup } from './backup-key.js';
import {
  cloudtallyVersion,
  DATABASE_FILE,
  KEY_FILE_NAME,
  MANIFEST_FILE,
  type BackupManifest,
} from './backup-manifest.js';
import {
  appliedMigrations,
  snapshotDuckDb,
  tableCounts,
  type SnapshotFacts,
} from '../store/duckdb-snapshot.js';
import { SERVER_MODE_BACKUP, type ServerSnapshot } from './server-snapshot.js';

export const PG_BACKUP_HELP =
  'Server mode (PostgreSQL) is backed up with PostgreSQL’s own tools, not `cloudtally backup`: ' +
  '`pg_dump --format=custom --file=cloudtally.dump "$DATABASE_URL"` (restore with `pg_restore --no-owner --dbname=URL cloudtally.dump`), ' +
  'and keep the master key (CLOUDTALLY_SECRET_KEY, or the key file) with the dump: without it the stored cloud credentials cannot be decrypted.';

export interface BackupOptions {
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'secretKey' | 'secretKeyFile'>;
  out: string;
  /**
   * Asks the server that holds the database for a snapshot (`POST /api/v1/instance/snapshots`); undefined when no
   * server URL and token were given.
   */
  serverSnapshot?: () => Promise<ServerSnapshot>;
  now?: () => Date;
}

export interface BackupResult {
  out: string;
  manifest: BackupManifest;
  /** How the snapshot was taken: by the running server, or by opening the database file here. */
  via: 'server' | 'file';
  secrets: number;
}

function checkOut(out: string): void {
  if (existsSync(out))
    throw new InputError(
      'out',
      `${out} already exists: choose a new file name (a backup never overwrites one)`,
    );
  if (!existsSync(path.dirname(out)))
    throw new InputError('out', `The folder ${path.dirname(out)} of --out does not exist`);
}

/** Moves a file, copying it when the two places are on different file systems. */
function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyFileSync(from, to);
    rmSync(from, { force: true });
  }
}

/** Snapshot by opening the database file here: no server holds it. Undefined when a server holds the file. */
async function snapshotHere(dbFile: string, target: string): Promise<SnapshotFacts | undefined> {
  let store: DuckDbStore;
  try {
    store = await DuckDbStore.open({ path: dbFile, connections: 2 });
  } catch (err) {
    if (err instanceof UnavailableError) return undefined;
    throw err;
  }
  try {
    return await snapshotDuckDb(store, target);
  } finally {
    await store.close();
  }
}

async function snapshotByServer(
  options: BackupOptions,
  dbFile: string,
  target: string,
): Promise<SnapshotFacts> {
  if (!options.serverSnapshot) {
    throw new UnavailableError(
      `The database ${dbFile} is held by a running Cloudtally server. Either give that server's URL and an ` +
        'instance administrator’s API token (--url and --token, or CLOUDTALLY_URL and CLOUDTALLY_TOKEN), so that it ' +
        'takes a consistent snapshot while it keeps running, or stop it (SIGTERM or Ctrl-C, and wait until it has ' +
        'exited) and run the backup again.',
    );
  }
  const snap = await options.serverSnapshot();
  const file = path.join(options.config.dataDir, snap.file);
  if (realpathSync(snap.dataDir) !== realpathSync(options.config.dataDir) || !existsSync(file)) {
    throw new InputError(
      'url',
      `The server answered with a snapshot of its data directory ${snap.dataDir}, not of ${options.config.dataDir}: ` +
        'give the URL of the server that runs on --data-dir (its snapshot is removed by the server within the hour).',
    );
  }
  moveFile(file, target);
  return { migrations: snap.migrations, tables: snap.tables };
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Writes a backup archive of an embedded data directory: a consistent snapshot of the database (taken here, or by
 * the running server that holds the file), the master key and a manifest with checksums. The snapshot is checked
 * before it is packed: it opens, holds the rows counted at the snapshot, and the key decrypts its secrets.
 */
export async function createBackup(options: BackupOptions): Promise<BackupResult> {
  const { config } = options;
  if (config.databaseUrl) throw new InputError('database-url', `${SERVER_MODE_BACKUP} ${PG_BACKUP_HELP}`);
  const out = path.resolve(options.out);
  checkOut(out);
  const dbFile = path.join(config.dataDir, DUCKDB_FILE);
  if (!existsSync(dbFile))
    throw new InputError(
      'data-dir',
      `There is no Cloudtally database in ${config.dataDir} (no ${DUCKDB_FILE})`,
    );
  const key = keyForBackup(config);
  const staging = mkdtempSync(path.join(path.dirname(out), '.cloudtally-backup-'));
  try {
    const stagedDb = path.join(staging, DATABASE_FILE);
    let via: BackupResult['via'] = 'file';
    let facts = await snapshotHere(dbFile, stagedDb);
    if (!facts) {
      via = 'server';
      facts = await snapshotByServer(options, dbFile, stagedDb);
    }
    const copy = await DuckDbStore.open({ path: stagedDb, readOnly: true, connections: 1 });
    let secrets: number;
    try {
      const [migrations, tables] = [await appliedMigrations(copy), await tableCounts(copy)];
      if (migrations.join() !== facts.migrations.join() || !sameCounts(tables, facts.tables))
        throw new Error('The snapshot file does not hold what was counted when it was taken');
      secrets = await checkKeyOpensSecrets(copy, key, {
        where: `the database of ${config.dataDir}`,
        keyName: 'The master key',
      });
    } finally {
      await copy.close();
    }
    writeFileSync(path.join(staging, KEY_FILE_NAME), key.toString('base64') + '\n', { mode: 0o600 });
    const manifest: BackupManifest = {
      format: 'cloudtally-backup',
      formatVersion: 1,
      cloudtallyVersion: cloudtallyVersion(),
      engine: 'duckdb',
      schemaMigration: Math.max(0, ...facts.migrations),
      migrations: facts.migrations,
      createdAt: (options.now?.() ?? new Date()).toISOString(),
      keyId: keyId(key),
      tables: facts.tables,
      files: await describeFiles(staging),
    };
    writeFileSync(path.join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await writeArchive(staging, out);
    return { out, manifest, via, secrets };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
