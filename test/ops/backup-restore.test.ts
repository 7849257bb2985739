import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { parseMasterKey } from '../../src/accounts/secret-vault.js';
import { ERROR_MAP } from '../../src/lib/errors.js';
import { checkKeyOpensSecrets } from '../../src/ops/backup-key.js';
import { DuckDbStore } from '../../src/store/duckdb-store.js';
import { runCli, scratchDir, startCliServer, type CliServer, type Scratch } from '../cli/cli-support.js';
import { eventually } from '../sync/helpers.js';
import { simulatorEnv } from '../sync/sim-support.js';
import { flipByte, replaceKey, rewriteArchive } from './archive-tamper.js';

// Backups of the embedded engine, end to end with real processes: a `cloudtally serve` over synced data from the
// simulator, `cloudtally backup` while it runs (the server takes the snapshot), `cloudtally restore` into a new
// directory and a second server on it. Then every kind of bad archive and target: a clear error, nothing written.

const EMAIL = 'owner@acme.test';
const PASSWORD = 'a-long-password-1';
const BASES = ['billed', 'net', 'amortized', 'net_amortized'];

interface Account {
  id: string;
  name: string;
  type: string;
  awsAccountId: string;
  status: { state: string; lastSyncAt: string | null };
}

describe('cloudtally backup and restore (embedded engine, real server processes)', () => {
  let sim: Simulator;
  let scratch: Scratch;
  let dataDir: string;
  let env: Record<string, string>;
  let token: string;
  let server: CliServer | undefined;
  let restored: CliServer | undefined;
  let archive: string;
  const costs: Record<string, unknown> = {};
  let accounts: Account[] = [];
  const range = { from: '', to: '' };

  const api = async <T>(base: string, route: string, method = 'GET'): Promise<T> => {
    const res = await fetch(base + route, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const cli = (args: string[]) => runCli(args, { cwd: scratch.dir, env, timeoutMs: 120_000 });
  const costAnswers = async (base: string) => {
    const out: Record<string, unknown> = {};
    for (const basis of BASES)
      out[basis] = await api(
        base,
        `/api/v1/costs?from=${range.from}&to=${range.to}&granularity=month&groupBy=service&basis=${basis}`,
      );
    return out;
  };
  const accountFacts = (items: Account[]) =>
    items.map((a) => ({ id: a.id, name: a.name, type: a.type, awsAccountId: a.awsAccountId }));
  /** The target is untouched and no unpacked leftovers lie beside it. */
  const expectNothingWritten = (target: string) => {
    expect(existsSync(target)).toBe(false);
    const leftovers = readdirSync(path.dirname(target)).filter((n) => n.includes('.restore-'));
    expect(leftovers).toEqual([]);
  };

  beforeAll(async () => {
    sim = await startSimulator('small', { now: new Date() });
    scratch = scratchDir('backup');
    dataDir = path.join(scratch.dir, 'data');
    env = { ...simulatorEnv(sim), CLOUDTALLY_SCHEDULER: 'false', CLOUDTALLY_LOG_LEVEL: 'warn' };
    const created = await cli(
      ['users', 'create', '--data-dir', dataDir, '--org', 'Acme', '--email', EMAIL].concat([
        '--password',
        PASSWORD,
      ]),
    );
    expect(created.code, created.stderr).toBe(0);
    const tokens = await cli(['tokens', 'create', '--data-dir', dataDir, '--email', EMAIL, '--name', 'ops']);
    expect(tokens.code, tokens.stderr).toBe(0);
    token = tokens.stdout.trim();
    server = await startCliServer(['--port', '0', '--data-dir', dataDir], { cwd: scratch.dir, env });
    // The payer by access keys, so that the vault holds a secret; every member account's costs imported.
    const payer = await fetch(`${server.url}/api/v1/cloud-accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'payer',
        provider: 'aws',
        type: 'root',
        awsAccountId: '111111111111',
        accessKeyId: 'AKIASIMPAYERUSER0001',
        secretAccessKey: 'payerUserSecret000000000000000000000001',
        exportType: 'cur2',
        exportName: 'small-cur2',
        bucket: 'small-cur',
        prefix: 'cur2',
        exportRegion: 'us-east-1',
        memberImport: 'all',
      }),
    });
    expect(payer.status, await payer.clone().text()).toBe(201);
    accounts = await eventually(
      async () => {
        const items = (await api<{ items: Account[] }>(server!.url, '/api/v1/cloud-accounts')).items;
        return items.every((a) => a.status.lastSyncAt !== null && a.status.state === 'healthy') && items;
      },
      'the first sync to finish',
      120_000,
    );
    const today = new Date();
    range.to = today.toISOString().slice(0, 10);
    range.from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1))
      .toISOString()
      .slice(0, 10);
    Object.assign(costs, await costAnswers(server.url));
    archive = path.join(scratch.dir, 'backup.tar.gz');
  }, 240_000);

  afterAll(async () => {
    await restored?.stop('SIGKILL');
    await server?.stop('SIGKILL');
    await sim?.close();
    scratch?.remove();
  });

  it('has synced costs to back up', () => {
    const billed = costs.billed as { total: number };
    expect(billed.total).toBeGreaterThan(0);
    expect(accounts.length).toBeGreaterThan(0);
  });

  it('says how to back up a running server when it is given no URL, and writes nothing', async () => {
    const r = await cli(['backup', '--data-dir', dataDir, '--out', archive]);
    expect(r.code).toBe(ERROR_MAP.unavailable.exit);
    expect(r.stderr).toMatch(/is held by a running Cloudtally server/);
    expect(r.stderr).toMatch(/--url and --token/);
    expect(r.stderr).toMatch(/or stop it/);
    expect(existsSync(archive)).toBe(false);
  });

  it('backs up while the server runs: the server takes the snapshot, the archive holds it, the key and a manifest', async () => {
    const r = await cli([
      'backup',
      '--data-dir',
      dataDir,
      '--out',
      archive,
      '--url',
      server!.url,
      '--token',
      token,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/snapshot taken by the running server/);
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    const names: string[] = [];
    await tar.list({ file: archive, onReadEntry: (e) => names.push(e.path) });
    expect(names).toEqual(['manifest.json', 'cloudtally.duckdb', 'secret.key']);
    // The server's snapshot file was taken into the archive, not left in the data directory.
    expect(readdirSync(path.join(dataDir, 'snapshots'))).toEqual([]);
    // The server carried on.
    expect((await fetch(`${server!.url}/api/v1/health`)).status).toBe(200);
  });

  it('restores into a new directory where a server answers the same costs and accounts, and the secrets open', async () => {
    const target = path.join(scratch.dir, 'restored');
    const r = await cli(['restore', '--in', archive, '--data-dir', target, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { secrets: number; manifest: { tables: Record<string, number> } };
    expect(result.secrets).toBe(1);
    expect(result.manifest.tables.cost_line_items).toBeGreaterThan(0);
    expect(readdirSync(target).sort()).toEqual(['cloudtally.duckdb', 'secret.key']);
    expect(statSync(path.join(target, 'secret.key')).mode & 0o777).toBe(0o600);

    const store = await DuckDbStore.open({ path: path.join(target, 'cloudtally.duckdb'), readOnly: true });
    try {
      const key = parseMasterKey(readFileSync(path.join(target, 'secret.key'), 'utf8'), 'restored key');
      expect(await checkKeyOpensSecrets(store, key, { where: 'restored', keyName: 'restored key' })).toBe(1);
    } finally {
      await store.close();
    }

    restored = await startCliServer(['--port', '0', '--data-dir', target], { cwd: scratch.dir, env });
    expect(await costAnswers(restored.url)).toEqual(costs);
    const items = (await api<{ items: Account[] }>(restored.url, '/api/v1/cloud-accounts')).items;
    expect(accountFacts(items)).toEqual(accountFacts(accounts));
    // Validation signs its AWS calls with the payer's secret key, decrypted from the restored vault: the same
    // steps pass as on the original server, the identity check (STS, signed with that key) among them.
    const validate = async (base: string) =>
      (
        await api<{ validation: { steps: { step: string; state: string }[] } }>(
          base,
          `/api/v1/cloud-accounts/${items.find((a) => a.type === 'root')!.id}/validate`,
          'POST',
        )
      ).validation.steps.map((s) => `${s.step}:${s.state}`);
    const steps = await validate(restored.url);
    expect(steps).toContain('identity:pass');
    expect(steps).toEqual(await validate(server!.url));
  });

  it('refuses an archive whose database does not match its checksum, and writes nothing', async () => {
    const damaged = path.join(scratch.dir, 'damaged.tar.gz');
    await rewriteArchive(archive, damaged, (dir) => flipByte(path.join(dir, 'cloudtally.duckdb')));
    const target = path.join(scratch.dir, 'from-damaged');
    const r = await cli(['restore', '--in', damaged, '--data-dir', target]);
    expect(r.code).toBe(ERROR_MAP.input.exit);
    expect(r.stderr).toMatch(/cloudtally\.duckdb does not match the manifest's checksum/);
    expectNothingWritten(target);
  });

  it('refuses a cut-short archive, and writes nothing', async () => {
    const cut = path.join(scratch.dir, 'cut.tar.gz');
    const bytes = readFileSync(archive);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const target = path.join(scratch.dir, 'from-cut');
    const r = await cli(['restore', '--in', cut, '--data-dir', target]);
    expect(r.code).toBe(ERROR_MAP.input.exit);
    expect(r.stderr).toMatch(/cut\.tar\.gz is not a readable Cloudtally backup archive/);
    expectNothingWritten(target);
  });

  it('refuses a key that does not open the stored secrets, and writes nothing', async () => {
    const wrongKey = path.join(scratch.dir, 'wrong-key.tar.gz');
    await rewriteArchive(archive, wrongKey, replaceKey);
    const target = path.join(scratch.dir, 'from-wrong-key');
    const r = await cli(['restore', '--in', wrongKey, '--data-dir', target]);
    expect(r.code).toBe(ERROR_MAP.input.exit);
    expect(r.stderr).toMatch(
      /secret\.key in .*wrong-key\.tar\.gz \(key id [0-9a-f]{12}\) is not the key of the secrets/,
    );
    expectNothingWritten(target);
  });

  it('refuses an archive whose schema is newer than this Cloudtally, and writes nothing', async () => {
    const newer = path.join(scratch.dir, 'newer.tar.gz');
    await rewriteArchive(archive, newer, (_dir, m) => ({
      ...m,
      schemaMigration: 999,
      migrations: [...m.migrations, 999],
    }));
    const target = path.join(scratch.dir, 'from-newer');
    const r = await cli(['restore', '--in', newer, '--data-dir', target]);
    expect(r.code).toBe(ERROR_MAP.input.exit);
    expect(r.stderr).toMatch(
      /schema migration 999 .*migrations 999 are unknown here.*newer than this Cloudtally/,
    );
    expectNothingWritten(target);
  });

  it('names the manifest field at fault', async () => {
    const bad = path.join(scratch.dir, 'bad-manifest.tar.gz');
    await rewriteArchive(archive, bad, (_dir, m) => ({ ...m, engine: 'sqlite' as 'duckdb' }));
    const target = path.join(scratch.dir, 'from-bad-manifest');
    const r = await cli(['restore', '--in', bad, '--data-dir', target]);
    expect(r.code).toBe(ERROR_MAP.input.exit);
    expect(r.stderr).toMatch(/manifest\.json field engine/);
    expectNothingWritten(target);
  });

  it('refuses a directory that is not empty unless --force, which keeps its contents aside', async () => {
    const target = path.join(scratch.dir, 'occupied');
    mkdirSync(target);
    writeFileSync(path.join(target, 'notes.txt'), 'keep me');
    const r = await cli(['restore', '--in', archive, '--data-dir', target]);
    expect(r.code).toBe(ERROR_MAP.input.exit);
    expect(r.stderr).toMatch(/occupied is not empty \(it holds notes\.txt\).*--force/);
    expect(readdirSync(target)).toEqual(['notes.txt']);

    const forced = await cli(['restore', '--in', archive, '--data-dir', target, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(target).sort()).toEqual(['cloudtally.duckdb', 'secret.key']);
    const aside = readdirSync(scratch.dir).find((n) => n.startsWith('occupied.before-restore-'));
    expect(aside).toBeDefined();
    expect(readFileSync(path.join(scratch.dir, aside!, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses to restore over the directory of a running server', async () => {
    const r = await cli(['restore', '--in', archive, '--data-dir', dataDir, '--force']);
    expect(r.code).toBe(ERROR_MAP.unavailable.exit);
    expect(r.stderr).toMatch(/A running Cloudtally server holds .*stop it before restoring/);
    expect((await fetch(`${server!.url}/api/v1/health`)).status).toBe(200);
  });

  it('backs up by reading the file itself once the server has stopped, and that archive restores too', async () => {
    await server!.stop();
    server = undefined;
    const offline = path.join(scratch.dir, 'offline.tar.gz');
    const r = await cli(['backup', '--data-dir', dataDir, '--out', offline]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/database read directly.* 1 secrets open with the key/);
    const again = await cli(['backup', '--data-dir', dataDir, '--out', offline]);
    expect(again.code).toBe(ERROR_MAP.input.exit);
    expect(again.stderr).toMatch(/offline\.tar\.gz already exists/);
    const target = path.join(scratch.dir, 'from-offline');
    const restoredOffline = await cli(['restore', '--in', offline, '--data-dir', target]);
    expect(restoredOffline.code, restoredOffline.stderr).toBe(0);
    expect(readdirSync(target).sort()).toEqual(['cloudtally.duckdb', 'secret.key']);
  });

  it('points server mode at pg_dump and the key', async () => {
    const r = await cli([
      'backup',
      '--database-url',
      'postgres://postgres@127.0.0.1:5432/postgres',
      '--out',
      path.join(scratch.dir, 'pg.tar.gz'),
    ]);
    expect(r.code).toBe(ERROR_MAP.input.exit);
    expect(r.stderr).toMatch(/pg_dump/);
    expect(r.stderr).toMatch(/master key/);
  });
});
