import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';

export const KEY_FILE = 'secret.key';

/** Parses a 32-byte master key given as base64 or hex; the error names the setting. */
export function parseMasterKey(text: string, setting: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new InputError(
      setting,
      `${setting} must be 32 random bytes in base64 or hex (e.g. \`openssl rand -base64 32\`); it decodes to ${key.length} bytes`,
    );
  }
  return key;
}

/** The master key from the setting, or from the key file (created with mode 0600 on first start). */
export function loadMasterKey(options: {
  secretKey?: string;
  secretKeyFile?: string;
  dataDir: string;
}): Buffer {
  if (options.secretKey) return parseMasterKey(options.secretKey, 'CLOUDTALLY_SECRET_KEY');
  const file = options.secretKeyFile ?? path.join(options.dataDir, KEY_FILE);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    return parseMasterKey(readFileSync(file, 'utf8'), `key file ${file}`);
  }
  if (options.secretKeyFile) {
    throw new InputError('secretKeyFile', `The key file ${file} does not exist`);
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** AES-256-GCM with a random 96-bit IV per value; the owner is bound as associated data. */
export function encrypt(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(
    '.',
  );
}

export function decrypt(key: Buffer, ciphertext: string, aad: string): string {
  const [version, iv, tag, body] = ciphertext.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown secret format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}

export interface SecretOwner {
  orgId: string;
  ownerType: string;
  ownerId: string;
  name: string;
}

const aadOf = (o: SecretOwner) => `${o.orgId}/${o.ownerType}/${o.ownerId}/${o.name}`;

export interface SecretVault {
  /** Stores (or replaces) a secret and returns its id. */
  put(tx: Queryable, owner: SecretOwner, value: string): Promise<string>;
  /** Decrypts a secret where it is used; the value must not be logged or returned. */
  get(id: string, orgId: string): Promise<string>;
  deleteOwned(tx: Queryable, orgId: string, ownerType: string, ownerId: string): Promise<void>;
  /** Re-encrypts every secret under `newKey`, in one transaction; returns how many. */
  rekey(newKey: Buffer): Promise<number>;
  readonly keyId: string;
}

/**
 * Refuses to start with a master key that did not encrypt the stored secrets: in server mode every process
 * must share one key (CLOUDTALLY_SECRET_KEY), and a key file made on another machine would otherwise only show
 * up later as undecryptable credentials.
 */
export async function assertKeyMatches(store: Pick<Store, 'query'>, masterKey: Buffer): Promise<void> {
  const rows = await store.query<{ key_id: string; n: number }>(
    'SELECT key_id, count(*) AS n FROM secrets GROUP BY key_id',
  );
  const current = keyId(masterKey);
  const other = rows.filter((r) => r.key_id !== current);
  if (other.length === 0) return;
  throw new InputError(
    'secretKey',
    `The configured master key (id ${current}) did not encrypt the ${other.reduce((n, r) => n + Number(r.n), 0)} ` +
      `stored secret(s) (key id ${other.map((r) => r.key_id).join(', ')}). Set CLOUDTALLY_SECRET_KEY to the key ` +
      'the other Cloudtally processes use (server mode needs one key everywhere), or restore the original key file.',
  );
}

/**
 * Checks that `masterKey` opens the stored secrets: every one was stored under its id (assertKeyMatches), and the
 * first decrypts (AES-GCM authenticates it, so a wrong key or a damaged value cannot pass). Returns how many there
 * are. Backups and restores run it on a copy of the database before they vouch for the key beside it.
 */
export async function verifyKeyOpensSecrets(store: Store, masterKey: Buffer): Promise<number> {
  await assertKeyMatches(store, masterKey);
  const rows = await store.query<{ id: string; org_id: string }>(
    'SELECT id, org_id FROM secrets ORDER BY id',
  );
  if (rows.length > 0) await createSecretVault(store, masterKey).get(rows[0].id, rows[0].org_id);
  return rows.length;
}

export function createSecretVault(store: Store, masterKey: Buffer): SecretVault {
  let key = masterKey;
  return {
    get keyId() {
      return keyId(key);
    },
    async put(tx, owner, value) {
      const now = new Date();
      const existing = await tx.query<{ id: string }>(
        'SELECT id FROM secrets WHERE org_id = $1 AND owner_type = $2 AND owner_id = $3 AND name = $4',
        [owner.orgId, owner.ownerType, owner.ownerId, owner.name],
      );
      const ciphertext = encrypt(key, value, aadOf(owner));
      if (existing[0]) {
        await tx.execute('UPDATE secrets SET ciphertext = $1, key_id = $2, updated_at = $3 WHERE id = $4', [
          ciphertext,
          keyId(key),
          now,
          existing[0].id,
        ]);
        return existing[0].id;
      }
      const id = newId('sec');
      await tx.execute(
        `INSERT INTO secrets (id, org_id, owner_type, owner_id, name, ciphertext, key_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
        [id, owner.orgId, owner.ownerType, owner.ownerId, owner.name, ciphertext, keyId(key), now],
      );
      return id;
    },
    async get(id, orgId) {
      const [row] = await store.query<{
        ciphertext: string;
        key_id: string;
        org_id: string;
        owner_type: string;
        owner_id: string;
        name: string;
      }>('SELECT * FROM secrets WHERE id = $1 AND org_id = $2', [id, orgId]);
      if (!row) throw new Error(`Secret ${id} is missing`);
      if (row.key_id !== keyId(key)) {
        throw new Error(
          `Secret ${id} was encrypted under key ${row.key_id}, but the configured key is ${keyId(key)}`,
        );
      }
      return decrypt(
        key,
        row.ciphertext,
        aadOf({ orgId: row.org_id, ownerType: row.owner_type, ownerId: row.owner_id, name: row.name }),
      );
    },
    async deleteOwned(tx, orgId, ownerType, ownerId) {
      await tx.execute('DELETE FROM secrets WHERE org_id = $1 AND owner_type = $2 AND owner_id = $3', [
        orgId,
        ownerType,
        ownerId,
      ]);
    },
    async rekey(newKey) {
      const count = await store.transaction(async (tx) => {
        const rows = await tx.query<{
          id: string;
          ciphertext: string;
          org_id: string;
          owner_type: string;
          owner_id: string;
          name: string;
        }>('SELECT * FROM secrets');
        for (const row of rows) {
          const aad = aadOf({
            orgId: row.org_id,
            ownerType: row.owner_type,
            ownerId: row.owner_id,
            name: row.name,
          });
          const plain = decrypt(key, row.ciphertext, aad);
          await tx.execute('UPDATE secrets SET ciphertext = $1, key_id = $2, updated_at = $3 WHERE id = $4', [
            encrypt(newKey, plain, aad),
            keyId(newKey),
            new Date(),
            row.id,
          ]);
        }
        return rows.length;
      });
      key = newKey;
      return count;
    },
  };
}
