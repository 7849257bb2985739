import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import type { BackupManifest } from '../../src/ops/backup-manifest.js';

const FILES = ['manifest.json', 'cloudtally.duckdb', 'secret.key'];

/**
 * Unpacks a backup archive, lets `change` alter its files (in a scratch folder) and packs them into `out`, as a
 * damaged or hand-edited archive would come.
 */
export async function rewriteArchive(
  archive: string,
  out: string,
  change: (dir: string, manifest: BackupManifest) => BackupManifest | void,
): Promise<void> {
  const dir = mkdtempSync(path.join(path.dirname(out), 'rewrite-'));
  try {
    await tar.extract({ file: archive, cwd: dir });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    const changed = change(dir, manifest) ?? manifest;
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(changed, null, 2));
    await tar.create({ file: out, gzip: true, cwd: dir, portable: true }, FILES);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Flips one byte in the middle of a file. */
export function flipByte(file: string): void {
  const bytes = readFileSync(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at] ^ 0xff;
  writeFileSync(file, bytes);
}

/** Replaces the archive's key with a new random one and makes the manifest agree with it (checksum and key id). */
export function replaceKey(dir: string, manifest: BackupManifest): BackupManifest {
  const key = randomBytes(32);
  const text = key.toString('base64') + '\n';
  writeFileSync(path.join(dir, 'secret.key'), text);
  return {
    ...manifest,
    keyId: createHash('sha256').update(key).digest('hex').slice(0, 12),
    files: manifest.files.map((f) =>
      f.name === 'secret.key'
        ? { ...f, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') }
        : f,
    ),
  };
}
