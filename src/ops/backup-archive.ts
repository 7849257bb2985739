import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { InputError } from '../lib/errors.js';
import {
  ARCHIVE_FILES,
  MANIFEST_FILE,
  manifestSchema,
  sha256OfFile,
  type BackupManifest,
} from './backup-manifest.js';

/** The manifest's list of files, with sizes and checksums, for files staged in `dir`. */
export async function describeFiles(dir: string): Promise<BackupManifest['files']> {
  const files: BackupManifest['files'] = [];
  for (const name of ARCHIVE_FILES) {
    const file = path.join(dir, name);
    files.push({ name, bytes: statSync(file).size, sha256: await sha256OfFile(file) });
  }
  return files;
}

/**
 * Packs the manifest and the staged files of `dir` into a gzip tar at `out`. The archive holds the master key, so it
 * is written with mode 0600, under a temporary name that becomes `out` only once it is complete.
 */
export async function writeArchive(dir: string, out: string): Promise<void> {
  const partial = `${out}.partial-${process.pid}`;
  try {
    await pipeline(
      tar.create({ gzip: { level: 6 }, cwd: dir, portable: true }, [MANIFEST_FILE, ...ARCHIVE_FILES]),
      createWriteStream(partial, { mode: 0o600, flags: 'wx' }),
    );
    renameSync(partial, out);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

const EXPECTED = new Set<string>([MANIFEST_FILE, ...ARCHIVE_FILES]);

function notAnArchive(file: string, why: string): InputError {
  return new InputError('in', `${file} is not a readable Cloudtally backup archive: ${why}`);
}

/**
 * Unpacks the archive `file` into the empty folder `dir` and checks it whole: exactly the manifest and the listed
 * files as plain files, a manifest of the known form, and every file's size and SHA-256 as the manifest says.
 * Throws an InputError naming the archive and the file or manifest field at fault.
 */
export async function unpackArchive(file: string, dir: string): Promise<BackupManifest> {
  if (!existsSync(file)) throw new InputError('in', `The backup archive ${file} does not exist`);
  const entries: { path: string; type: string }[] = [];
  try {
    await tar.list({ file, strict: true, onReadEntry: (e) => entries.push({ path: e.path, type: e.type }) });
  } catch (err) {
    throw notAnArchive(file, (err as Error).message);
  }
  const seen: string[] = [];
  for (const entry of entries) {
    if (entry.type !== 'File' || !EXPECTED.has(entry.path) || seen.includes(entry.path))
      throw notAnArchive(file, `unexpected entry ${JSON.stringify(entry.path)} (${entry.type})`);
    seen.push(entry.path);
  }
  const missing = [...EXPECTED].filter((name) => !seen.includes(name));
  if (missing.length) throw notAnArchive(file, `it lacks ${missing.join(', ')}`);
  try {
    await tar.extract({ file, cwd: dir, strict: true, preservePaths: false });
  } catch (err) {
    throw notAnArchive(file, (err as Error).message);
  }
  const manifest = parseManifest(file, path.join(dir, MANIFEST_FILE));
  for (const f of manifest.files) {
    const unpacked = path.join(dir, f.name);
    const bytes = statSync(unpacked).size;
    const sha256 = await sha256OfFile(unpacked);
    if (bytes !== f.bytes || sha256 !== f.sha256) {
      throw new InputError(
        'in',
        `${file}: ${f.name} does not match the manifest's checksum (SHA-256 ${sha256}, ${bytes} bytes; the manifest says ${f.sha256}, ${f.bytes} bytes): the archive is damaged`,
      );
    }
  }
  return manifest;
}

function parseManifest(archive: string, file: string): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw notAnArchive(archive, `${MANIFEST_FILE} is not JSON (${(err as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || '(root)';
    throw new InputError(
      'in',
      `${archive}: ${MANIFEST_FILE} field ${field}: ${issue.message}${issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : ''}`,
    );
  }
  return parsed.data;
}
