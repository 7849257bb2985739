import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { keyId, parseMasterKey } from '../accounts/secret-vault.js';
import type { Config } from '../config/config.js';
import { InputError, UnavailableError } from '../lib/errors.js';
import { DuckDbStore } from '../store/duckdb-store.js';
import { DUCKDB_FILE } from '../store/open-store.js';
import { unpackArchive } from './backup-archive.js';
import { checkKeyOpensSecrets } from './backup-key.js';
import {
  cloudtallyVersion,
  DATABASE_FILE,
  KEY_FILE_NAME,
  knownMigrationIds,
  MANIFEST_FILE,
  type BackupManifest,
} from './backup-manifest.js';
import { appliedMigrations, tableCounts } from '../store/duckdb-snapshot.js';

export const PG_RESTORE_HELP =
  'Server mode (PostgreSQL) is restored with PostgreSQL’s own tools: `pg_restore --no-owner --dbname=URL cloudtally.dump` ' +
  'into an empty database, with the master key of the dump set as CLOUDTALLY_SECRET_KEY (or its key file) on every process.';

export interface RestoreOptions {
  config: Pick<Config, 'dataDir' | 'databaseUrl'>;
  archive: string;
  /** Replace a data directory that is not empty; its contents are kept aside, never deleted. */
  force?: boolean;
  now?: () => Date;
}

export interface RestoreResult {
  dataDir: string;
  manifest: BackupManifest;
  secrets: number;
  /** Where the previous contents of the data directory were moved (with --force). */
  keptAside?: string;
}

/** Refuses a target that holds anything (unless forced) or whose database a running server holds. */
async function checkTarget(dataDir: string, force: boolean): Promise<string[]> {
  if (!existsSync(dataDir)) return [];
  const entries = readdirSync(dataDir);
  if (entries.length > 0 && !force) {
    throw new InputError(
      'data-dir',
      `${dataDir} is not empty (it holds ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}): ` +
        'restore into a new or empty directory, or pass --force to replace it (its contents are then kept aside, not deleted)',
    );
  }
  if (entries.includes(DUCKDB_FILE)) {
    try {
      await (
        await DuckDbStore.open({ path: path.join(dataDir, DUCKDB_FILE), readOnly: true, connections: 1 })
      ).close();
    } catch (err) {
      if (err instanceof UnavailableError)
        throw new UnavailableError(
          `A running Cloudtally server holds ${path.join(dataDir, DUCKDB_FILE)}: stop it before restoring into ${dataDir}`,
        );
      // A damaged database in a directory that is being replaced is no reason to stop.
    }
  }
  return entries;
}

function checkSchema(archive: string, manifest: BackupManifest): void {
  const known = knownMigrationIds();
  const unknown = manifest.migrations.filter((id) => !known.includes(id));
  if (manifest.schemaMigration > Math.max(...known) || unknown.length > 0) {
    throw new InputError(
      'in',
      `${archive} holds a database at schema migration ${manifest.schemaMigration} (made by Cloudtally ${manifest.cloudtallyVersion}` +
        `${unknown.length ? `; migrations ${unknown.join(', ')} are unknown here` : ''}), newer than this Cloudtally ` +
        `(${cloudtallyVersion()}, migrations up to ${Math.max(...known)}): restore it with that version or a newer one`,
    );
  }
}

/** Opens the unpacked database and checks it against the manifest and the key; returns the number of secrets. */
async function verifyUnpacked(archive: string, dir: string, manifest: BackupManifest): Promise<number> {
  const key = parseMasterKey(
    readFileSync(path.join(dir, KEY_FILE_NAME), 'utf8'),
    `${KEY_FILE_NAME} in ${archive}`,
  );
  if (keyId(key) !== manifest.keyId)
    throw new InputError(
      'in',
      `${archive}: ${KEY_FILE_NAME} has key id ${keyId(key)}, but the manifest's field keyId says ${manifest.keyId}`,
    );
  let store: DuckDbStore;
  try {
    store = await DuckDbStore.open({ path: path.join(dir, DATABASE_FILE), readOnly: true, connections: 1 });
  } catch (err) {
    throw new InputError(
      'in',
      `${archive}: ${DATABASE_FILE} does not open as a database (${(err as Error).message})`,
    );
  }
  try {
    const migrations = await appliedMigrations(store);
    if (migrations.join() !== manifest.migrations.join())
      throw new InputError(
        'in',
        `${archive}: the database has migrations ${migrations.join(', ')} applied, but the manifest's field migrations says ${manifest.migrations.join(', ')}`,
      );
    const tables = await tableCounts(store);
    for (const [table, rows] of Object.entries(manifest.tables)) {
      if (tables[table] !== rows)
        throw new InputError(
          'in',
          `${archive}: table ${table} holds ${tables[table] ?? 'no'} rows, but the manifest's field tables.${table} says ${rows}`,
        );
    }
    return await checkKeyOpensSecrets(store, key, {
      where: `${DATABASE_FILE} of ${archive}`,
      keyName: `${KEY_FILE_NAME} in ${archive}`,
    });
  } finally {
    await store.close();
  }
}

/**
 * Brings a backup archive back as an embedded data directory. Everything is unpacked and checked in a temporary
 * folder beside the target (checksums, schema not newer than this build, the database against the manifest, the
 * key against the secrets), and only then renamed into place: a failure leaves the target as it was.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  if (options.config.databaseUrl) throw new InputError('database-url', PG_RESTORE_HELP);
  const archive = path.resolve(options.archive);
  if (!existsSync(archive)) throw new InputError('in', `The backup archive ${archive} does not exist`);
  const dataDir = options.config.dataDir;
  const entries = await checkTarget(dataDir, options.force === true);
  const parent = path.dirname(dataDir);
  if (!existsSync(parent))
    throw new InputError('data-dir', `The folder ${parent} of --data-dir does not exist`);
  const staging = mkdtempSync(path.join(parent, `.${path.basename(dataDir)}.restore-`));
  try {
    const manifest = await unpackArchive(archive, staging);
    checkSchema(archive, manifest);
    const secrets = await verifyUnpacked(archive, staging, manifest);
    rmSync(path.join(staging, MANIFEST_FILE));
    chmodSync(path.join(staging, KEY_FILE_NAME), 0o600);
    chmodSync(staging, 0o700);
    let keptAside: string | undefined;
    if (entries.length > 0) {
      const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
      keptAside = `${dataDir}.before-restore-${stamp}`;
      renameSync(dataDir, keptAside);
      try {
        renameSync(staging, dataDir);
      } catch (err) {
        renameSync(keptAside, dataDir);
        throw err;
      }
    } else {
      if (existsSync(dataDir)) rmdirSync(dataDir);
      renameSync(staging, dataDir);
    }
    return { dataDir, manifest, secrets, keptAside };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
