import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase, type TestDatabase } from '../../test/helpers/stores.js';
import type { Store } from '../store/store.js';
import {
  assertKeyMatches,
  createSecretVault,
  decrypt,
  encrypt,
  loadMasterKey,
  parseMasterKey,
} from './secret-vault.js';

describe('master key', () => {
  it('is generated once with mode 0600 and then reused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ct-key-'));
    const a = loadMasterKey({ dataDir: dir });
    expect(statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(loadMasterKey({ dataDir: dir }).equals(a)).toBe(true);
  });

  it('rejects a key of the wrong length, naming the setting', () => {
    expect(() => parseMasterKey('c2hvcnQ=', 'CLOUDTALLY_SECRET_KEY')).toThrow(
      /CLOUDTALLY_SECRET_KEY must be 32 random bytes/,
    );
  });

  it('detects tampering and a wrong owner', () => {
    const key = randomBytes(32);
    const c = encrypt(key, 'wJalrXUtnFEMI', 'o/a/1/s');
    expect(decrypt(key, c, 'o/a/1/s')).toBe('wJalrXUtnFEMI');
    expect(() => decrypt(key, c, 'o/a/2/s')).toThrow();
    expect(() => decrypt(randomBytes(32), c, 'o/a/1/s')).toThrow();
  });
});

describe.each(ENGINES)('secret vault on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
  });

  it('stores ciphertext only, decrypts where used, and re-encrypts under a new key', async () => {
    const vault = createSecretVault(store, randomBytes(32));
    const owner = { orgId: 'o1', ownerType: 'cloud_account', ownerId: 'ca1', name: 'secretAccessKey' };
    const id = await store.transaction((tx) => vault.put(tx, owner, 'SUPERSECRETVALUE123'));
    const raw = await store.query<{ ciphertext: string }>('SELECT ciphertext FROM secrets');
    expect(JSON.stringify(raw)).not.toContain('SUPERSECRETVALUE123');
    expect(await vault.get(id, 'o1')).toBe('SUPERSECRETVALUE123');
    await expect(vault.get(id, 'o2')).rejects.toThrow(/missing/);

    const next = randomBytes(32);
    expect(await vault.rekey(next)).toBe(1);
    expect(await vault.get(id, 'o1')).toBe('SUPERSECRETVALUE123');
    const again = createSecretVault(store, next);
    expect(await again.get(id, 'o1')).toBe('SUPERSECRETVALUE123');
  });

  it('refuses a master key that did not encrypt the stored secrets, naming the setting', async () => {
    const key = randomBytes(32);
    const vault = createSecretVault(store, key);
    await store.transaction((tx) =>
      vault.put(tx, { orgId: 'o9', ownerType: 'cloud_account', ownerId: 'ca9', name: 'k' }, 'value'),
    );
    await expect(assertKeyMatches(store, randomBytes(32))).rejects.toThrow(/CLOUDTALLY_SECRET_KEY/);
    await store.execute(`DELETE FROM secrets WHERE org_id = 'o1'`);
    await expect(assertKeyMatches(store, key)).resolves.toBeUndefined();
  });
});
