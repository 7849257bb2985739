import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretVault, loadMasterKey, parseMasterKey } from '../../src/accounts/secret-vault.js';
import { ERROR_MAP } from '../../src/lib/errors.js';
import { DuckDbStore } from '../../src/store/duckdb-store.js';
import { migrations } from '../../src/store/migrations/index.js';
import { runCli, scratchDir, type Scratch } from './cli-support.js';

describe('cloudtally configuration, migrate, users/tokens errors and secrets rekey', () => {
  let scratch: Scratch;
  beforeAll(() => {
    scratch = scratchDir('admin');
  });
  afterAll(() => {
    scratch.remove();
  });

  const cli = (args: string[], env?: Record<string, string | undefined>) =>
    runCli(args, { cwd: scratch.dir, env });
  const dir = (name: string) => path.join(scratch.dir, name);

  async function createFirstUser(dataDir: string, env?: Record<string, string>) {
    const r = await cli(
      [
        'users',
        'create',
        '--data-dir',
        dataDir,
        '--org',
        'Acme',
        '--email',
        'owner@acme.test',
        '--password',
        'owner-password',
      ],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }

  describe('a bad setting stops start-up with a message naming it', () => {
    const configFile = () => {
      const file = dir('bad.yaml');
      writeFileSync(file, 'retentionMonths: 0\n');
      return file;
    };
    it.each([
      { via: 'a flag', args: ['--port', 'eighty'], env: {}, names: 'setting port (from flag --port)' },
      {
        via: 'an environment variable',
        args: [],
        env: { CLOUDTALLY_LOG_LEVEL: 'loud' },
        names: 'setting logLevel (from environment variable CLOUDTALLY_LOG_LEVEL)',
      },
      {
        via: 'the config file',
        args: ['--config', 'FILE'],
        env: {},
        names: 'setting retentionMonths (from config file',
      },
      {
        via: 'a database URL of another engine',
        args: ['--database-url', 'mysql://localhost/x'],
        env: {},
        names: 'setting databaseUrl (from flag --database-url): must be a postgres:// or postgresql:// URL',
      },
      {
        via: 'a master key of the wrong length',
        args: [],
        env: { CLOUDTALLY_SECRET_KEY: 'c2hvcnQ=' },
        names: 'CLOUDTALLY_SECRET_KEY must be 32 random bytes',
      },
    ])('$via', async ({ args, env, names }) => {
      const resolved = args.map((a) => (a === 'FILE' ? configFile() : a));
      const r = await cli(['serve', '--port', '0', '--data-dir', dir('never'), ...resolved], env);
      expect(r.code).toBe(ERROR_MAP.input.exit);
      expect(r.stderr).toContain(names);
      expect(r.stdout).not.toContain('listening on');
    });
  });

  it('migrates a fresh database, then finds it up to date', async () => {
    const dataDir = dir('migrate');
    const first = await cli(['migrate', '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`applied migrations ${migrations.map((m) => m.id).join(', ')}\n`);
    const again = await cli(['migrate', '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('schema is up to date\n');
  });

  it.each([
    {
      what: 'an unknown role',
      args: [
        'users',
        'create',
        '--org',
        'Acme',
        '--email',
        'a@acme.test',
        '--role',
        'owner',
        '--password',
        'x',
      ],
      exit: ERROR_MAP.input.exit,
      says: '--role must be one of manager, engineer, viewer',
    },
    {
      what: 'a short password',
      args: ['users', 'create', '--org', 'Acme', '--email', 'a@acme.test', '--password', 'short'],
      exit: ERROR_MAP.input.exit,
      says: 'at least 10 characters',
    },
    {
      what: 'no organization on the database',
      args: ['users', 'create', '--email', 'a@acme.test', '--password', 'long-enough-pw'],
      exit: ERROR_MAP.input.exit,
      says: '--org is required',
    },
    {
      what: 'a token for an unknown user',
      args: ['tokens', 'create', '--email', 'nobody@acme.test', '--name', 'x'],
      exit: ERROR_MAP.not_found.exit,
      says: 'User nobody@acme.test was not found',
    },
    {
      what: 'a client-mode URL without a token',
      args: ['users', 'list'],
      env: { CLOUDTALLY_URL: 'http://127.0.0.1:9' },
      exit: ERROR_MAP.unauthenticated.exit,
      says: 'CLOUDTALLY_TOKEN is not',
    },
    {
      what: 'a server that does not answer',
      args: ['users', 'list'],
      env: { CLOUDTALLY_URL: 'http://127.0.0.1:9', CLOUDTALLY_TOKEN: 'ct_x' },
      exit: ERROR_MAP.unavailable.exit,
      says: 'Cannot reach Cloudtally at http://127.0.0.1:9',
    },
  ])('refuses $what with a clear message and exit code', async ({ args, exit, says, env }) => {
    const usesStore = !env;
    const r = await cli(usesStore ? [...args, '--data-dir', dir('errors')] : args, env);
    expect(r.stderr).toContain(says);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.code).toBe(exit);
    expect(r.stdout).toBe('');
  });

  it('creates a read-only token with an expiry (tokens create --read-only --expires-in-days)', async () => {
    const dataDir = dir('read-only-token');
    await createFirstUser(dataDir);
    const base = ['--data-dir', dataDir, '--email', 'owner@acme.test'];
    const made = await cli([
      'tokens',
      'create',
      ...base,
      '--name',
      'assistant',
      '--read-only',
      '--expires-in-days',
      '30',
    ]);
    expect(made.stderr).toBe('');
    expect(made.stdout).toMatch(/^ct_\S+\n$/);
    const bad = await cli(['tokens', 'create', ...base, '--name', 'x', '--expires-in-days', 'soon']);
    expect(bad.code).toBe(ERROR_MAP.input.exit);
    expect(bad.stderr).toContain('--expires-in-days must be a whole number of days from 1 to 3650, not soon');
    const listed = await cli(['tokens', 'list', ...base, '--json']);
    const { items } = JSON.parse(listed.stdout) as {
      items: { name: string; readOnly: boolean; expiresAt: string | null }[];
    };
    const assistant = items.find((t) => t.name === 'assistant');
    expect(assistant?.readOnly).toBe(true);
    const days = (Date.parse(assistant?.expiresAt ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(30);
    expect(items.map((t) => t.name)).not.toContain('x');
  });

  describe('secrets rekey', () => {
    const secret = `rekey-secret-${randomBytes(8).toString('hex')}`;
    const owner = {
      orgId: 'org_rekey',
      ownerType: 'cloud_account',
      ownerId: 'ca_1',
      name: 'secretAccessKey',
    };

    async function withVault<T>(
      dataDir: string,
      key: Buffer,
      fn: (v: ReturnType<typeof createSecretVault>, s: DuckDbStore) => Promise<T>,
    ) {
      const store = await DuckDbStore.open({ path: path.join(dataDir, 'cloudtally.duckdb') });
      try {
        return await fn(createSecretVault(store, key), store);
      } finally {
        await store.close();
      }
    }

    it('re-encrypts under a new key file, and the secrets stay readable with it only', async () => {
      const dataDir = dir('rekey-file');
      await createFirstUser(dataDir);
      const keyFile = path.join(dataDir, 'secret.key');
      const oldKey = loadMasterKey({ dataDir });
      const id = await withVault(dataDir, oldKey, (v, s) => s.transaction((tx) => v.put(tx, owner, secret)));

      const r = await cli(['secrets', 'rekey', '--data-dir', dataDir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`re-encrypted 1 secrets; the new key is in ${keyFile}\n`);
      expect(existsSync(`${keyFile}.new`)).toBe(false);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const newKey = parseMasterKey(readFileSync(keyFile, 'utf8'), 'key file');
      expect(newKey.equals(oldKey)).toBe(false);
      await withVault(dataDir, newKey, async (v) => expect(await v.get(id, owner.orgId)).toBe(secret));
      await withVault(dataDir, oldKey, async (v) => {
        await expect(v.get(id, owner.orgId)).rejects.toThrow(/encrypted under key/);
      });

      // Commands open the data directory with the new key file as before.
      const check = await cli([
        'tokens',
        'create',
        '--data-dir',
        dataDir,
        '--email',
        'owner@acme.test',
        '--name',
        'after',
      ]);
      expect(check.code).toBe(0);
    });

    it('leaves key and secrets untouched when the secrets cannot be decrypted', async () => {
      const dataDir = dir('rekey-broken');
      await createFirstUser(dataDir);
      const keyFile = path.join(dataDir, 'secret.key');
      const rightKey = loadMasterKey({ dataDir });
      const id = await withVault(dataDir, rightKey, (v, s) =>
        s.transaction((tx) => v.put(tx, owner, secret)),
      );
      // A key file that does not fit the stored secrets (e.g. restored from the wrong backup).
      const wrongKey = randomBytes(32);
      writeFileSync(keyFile, wrongKey.toString('base64') + '\n', { mode: 0o600 });

      const r = await cli(['secrets', 'rekey', '--data-dir', dataDir]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).not.toContain(secret);
      expect(existsSync(`${keyFile}.new`)).toBe(false);
      expect(parseMasterKey(readFileSync(keyFile, 'utf8'), 'key file').equals(wrongKey)).toBe(true);
      await withVault(dataDir, rightKey, async (v) => expect(await v.get(id, owner.orgId)).toBe(secret));
    });

    it('prints the new key when the master key comes from CLOUDTALLY_SECRET_KEY', async () => {
      const dataDir = dir('rekey-env');
      const oldKey = randomBytes(32);
      const env = { CLOUDTALLY_SECRET_KEY: oldKey.toString('base64') };
      await createFirstUser(dataDir, env);
      expect(existsSync(path.join(dataDir, 'secret.key'))).toBe(false);
      const id = await withVault(dataDir, oldKey, (v, s) => s.transaction((tx) => v.put(tx, owner, secret)));
      const r = await cli(['secrets', 'rekey', '--data-dir', dataDir], env);
      expect(r.code).toBe(0);
      const match = /^re-encrypted 1 secrets; set CLOUDTALLY_SECRET_KEY=(\S+)\n$/.exec(r.stdout);
      if (!match) throw new Error(`unexpected output: ${r.stdout}`);
      expect(r.stdout + r.stderr).not.toContain(secret);
      const newKey = parseMasterKey(match[1], 'printed key');
      await withVault(dataDir, newKey, async (v) => expect(await v.get(id, owner.orgId)).toBe(secret));
    });
  });
});
