import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KEY_FILE, keyId, parseMasterKey, verifyKeyOpensSecrets } from '../accounts/secret-vault.js';
import type { Config } from '../config/config.js';
import { InputError } from '../lib/errors.js';
import type { Store } from '../store/store.js';

/**
 * The master key a backup carries: CLOUDTALLY_SECRET_KEY when set, else the key file (secretKeyFile, or `secret.key`
 * in the data directory). Unlike start-up, a missing key file is an error here: a new key would open nothing.
 */
export function keyForBackup(config: Pick<Config, 'secretKey' | 'secretKeyFile' | 'dataDir'>): Buffer {
  if (config.secretKey) return parseMasterKey(config.secretKey, 'CLOUDTALLY_SECRET_KEY');
  const file = config.secretKeyFile ?? path.join(config.dataDir, KEY_FILE);
  if (!existsSync(file)) {
    throw new InputError(
      config.secretKeyFile ? 'secretKeyFile' : 'data-dir',
      `The key file ${file} does not exist, so the stored secrets could not be opened after a restore. ` +
        'Point --data-dir at the data directory the server uses, or set CLOUDTALLY_SECRET_KEY / CLOUDTALLY_SECRET_KEY_FILE as it does.',
    );
  }
  return parseMasterKey(readFileSync(file, 'utf8'), `key file ${file}`);
}

/**
 * Checks that `key` opens the secrets of `store` (see verifyKeyOpensSecrets) and returns how many there are; the
 * error names the database (`where`) and the key (`keyName`).
 */
export async function checkKeyOpensSecrets(
  store: Store,
  key: Buffer,
  names: { where: string; keyName: string },
): Promise<number> {
  try {
    return await verifyKeyOpensSecrets(store, key);
  } catch (err) {
    const why =
      err instanceof InputError ? 'the secrets were stored under another key' : (err as Error).message;
    throw new InputError(
      'key',
      `${names.keyName} (key id ${keyId(key)}) is not the key of the secrets in ${names.where}: ${why || 'decryption failed'}.`,
    );
  }
}
