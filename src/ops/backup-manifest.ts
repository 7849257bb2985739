import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../lib/package-root.js';
import { migrations } from '../store/migrations/index.js';

/** The files of a backup archive besides its manifest, by role. */
export const DATABASE_FILE = 'cloudtally.duckdb';
export const KEY_FILE_NAME = 'secret.key';
export const MANIFEST_FILE = 'manifest.json';
export const ARCHIVE_FILES = [DATABASE_FILE, KEY_FILE_NAME] as const;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** What `manifest.json` of a backup archive says; restore checks the archive against it. */
export const manifestSchema = z
  .object({
    format: z.literal('cloudtally-backup'),
    formatVersion: z.literal(1),
    cloudtallyVersion: z.string().min(1),
    engine: z.literal('duckdb'),
    /** The newest schema migration applied to the database, and every applied id. */
    schemaMigration: z.number().int().nonnegative(),
    migrations: z.array(z.number().int().nonnegative()),
    createdAt: z.string().datetime(),
    /** Id of the master key (first 12 hex digits of its SHA-256), as stored beside each secret. */
    keyId: z.string().regex(/^[0-9a-f]{12}$/),
    /** Rows per table at the snapshot. */
    tables: z.record(z.string(), z.number().int().nonnegative()),
    files: z
      .array(
        z.object({
          name: z.enum(ARCHIVE_FILES),
          bytes: z.number().int().nonnegative(),
          sha256: sha256Hex,
        }),
      )
      .length(ARCHIVE_FILES.length),
  })
  .strict();

export type BackupManifest = z.infer<typeof manifestSchema>;

/** The version of this Cloudtally build (package.json). */
export function cloudtallyVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The schema migrations this build knows. */
export function knownMigrationIds(): number[] {
  return migrations.map((m) => m.id);
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
