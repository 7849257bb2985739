/**
 * Upgrades: a data directory and a PostgreSQL database made by Cloudtally as it stood when issue 14 was filed
 * (commit 237033ac0f0250d8eb9437feb0807c0f4587dc8d, schema migrations 1–9) migrate forward with every row intact,
 * the same cost totals to the cent and secrets that still decrypt with the key they were made with.
 *
 * The fixture in fixtures/issue-14/ was made WITH THAT OLD CODE by make-fixture.sh beside this file:
 *
 *   git worktree add --detach /tmp/cloudtally-old 237033ac0f0250d8eb9437feb0807c0f4587dc8d
 *   (cd /tmp/cloudtally-old && npm ci)
 *   bash test/upgrade/make-fixture.sh /tmp/cloudtally-old
 *
 * It runs only the old checkout's own CLI (its simulator with the `small` scenario at 2026-11-20, `users create`,
 * `tokens create`, `serve`, then the payer connected through the REST API with access keys and the first sync) once
 * on DuckDB and once on PostgreSQL, and records what the old code answered in facts.json: the cost totals of every
 * basis by month through its API, the accounts, and the rows of every table. No code of the old checkout is kept.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMasterKey } from '../../src/accounts/secret-vault.js';
import { checkKeyOpensSecrets } from '../../src/ops/backup-key.js';
import { DuckDbStore } from '../../src/store/duckdb-store.js';
import { migrations } from '../../src/store/migrations/index.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { Engine, Store } from '../../src/store/store.js';
import { scratchDir, startCliServer, type Scratch } from '../cli/cli-support.js';
import { createPostgresDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'issue-14');
const BASES = ['billed', 'net', 'amortized', 'net_amortized'] as const;
const SUMS = {
  billed: 'billed_cost',
  net: 'x_net_billed_cost',
  amortized: 'effective_cost',
  net_amortized: 'x_net_effective_cost',
};

interface CostAnswer {
  total: number;
  currency: string;
  series: { period: string; cost: number }[];
}

interface EngineFacts {
  token: string;
  costs: Record<(typeof BASES)[number], CostAnswer>;
  accounts: { name: string; awsAccountId: string; type: string }[];
  rows: Record<string, number>;
}

const facts = JSON.parse(readFileSync(path.join(FIXTURE, 'facts.json'), 'utf8')) as {
  commit: string;
  engines: Record<Engine, EngineFacts>;
};

const cents = (n: number) => Math.round(n * 100);

/**
 * Columns that migration 20 moved from cloud_accounts into its `connection` document (by document field): they
 * are compared there.
 */
const MOVED_TO_DOCUMENT: Record<string, string> = {
  role_name: 'roleName',
  role_arn: 'roleArn',
  access_key_hint: 'accessKeyId',
  export_type: 'exportType',
  export_name: 'exportName',
  bucket: 'bucket',
  prefix: 'prefix',
  export_region: 'exportRegion',
  edp: 'edp',
  member_import: 'memberImport',
  payer_account_id: 'payerAccountId',
};

/** Every row of every table, with the columns the table had before the upgrade, in a stable order. */
async function tableContents(
  store: Store,
  columns: Record<string, string[]>,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, cols] of Object.entries(columns)) {
    const rows = await store.query(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${table}"`);
    out[table] = rows.map((r) => JSON.stringify(cols.map((c) => r[c]))).sort();
  }
  return out;
}

async function columnsOf(store: Store, engine: Engine): Promise<Record<string, string[]>> {
  const rows = await store.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
    [engine === 'duckdb' ? 'main' : 'public'],
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.table_name] ??= []).push(r.column_name);
  return out;
}

/** The exact line-item sums per month and basis, as the database's own decimal text. */
async function exactSums(store: Store): Promise<string[]> {
  const rows = await store.query<Record<string, string>>(
    `SELECT CAST(billing_period AS VARCHAR) AS period, billing_currency AS currency,
            ${Object.values(SUMS)
              .map((c) => `CAST(sum(${c}) AS VARCHAR) AS ${c}`)
              .join(', ')}
       FROM cost_line_items GROUP BY billing_period, billing_currency`,
  );
  return rows.map((r) => JSON.stringify(r)).sort();
}

describe.each(ENGINES)('upgrading a %s database made by the code of issue 14', (engine) => {
  const old = facts.engines[engine];
  let scratch: Scratch;
  let pg: TestDatabase | undefined;
  let storeFlags: string[];
  let key: Buffer;
  let before: { columns: Record<string, string[]>; contents: Record<string, string[]>; sums: string[] };
  const answers: Partial<Record<(typeof BASES)[number], CostAnswer>> = {};
  let accounts: { name: string; awsAccountId: string; type: string }[] = [];

  const open = async (): Promise<Store> =>
    engine === 'duckdb'
      ? DuckDbStore.open({ path: path.join(scratch.dir, 'data', 'cloudtally.duckdb') })
      : PostgresStore.open(pg!.databaseUrl!);

  beforeAll(async () => {
    scratch = scratchDir(`upgrade-${engine}`);
    const dataDir = path.join(scratch.dir, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    if (engine === 'duckdb') {
      await tar.extract({ file: path.join(FIXTURE, 'duckdb-data.tar.gz'), cwd: dataDir });
      storeFlags = ['--data-dir', dataDir];
    } else {
      pg = await createPostgresDatabase();
      const load = spawnSync(
        'sh',
        ['-c', `gunzip -c "${path.join(FIXTURE, 'postgres.sql.gz')}" | psql -q -v ON_ERROR_STOP=1 "$URL"`],
        { env: { ...process.env, URL: pg.databaseUrl }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(load.status, load.stderr).toBe(0);
      copyFileSync(path.join(FIXTURE, 'postgres-secret.key'), path.join(dataDir, 'secret.key'));
      storeFlags = ['--database-url', pg.databaseUrl!, '--data-dir', dataDir];
    }
    key = parseMasterKey(readFileSync(path.join(dataDir, 'secret.key'), 'utf8'), 'fixture key');

    const store = await open();
    try {
      // The test's own requests through the old API token set its last use: the one value not compared.
      const columns = await columnsOf(store, engine);
      columns.api_tokens = columns.api_tokens.filter((c) => c !== 'last_used_at');
      before = { columns, contents: await tableContents(store, columns), sums: await exactSums(store) };
    } finally {
      await store.close();
    }

    // Today's code starts on the old database: `serve` applies the newer migrations, then answers.
    const server = await startCliServer(['--port', '0', ...storeFlags], {
      cwd: scratch.dir,
      env: { CLOUDTALLY_SCHEDULER: 'false', CLOUDTALLY_LOG_LEVEL: 'warn' },
    });
    try {
      const get = async <T>(route: string): Promise<T> => {
        const res = await fetch(server.url + route, { headers: { authorization: `Bearer ${old.token}` } });
        expect(res.status, await res.clone().text()).toBe(200);
        return (await res.json()) as T;
      };
      for (const basis of BASES)
        answers[basis] = await get<CostAnswer>(
          `/api/v1/costs?from=2026-10-01&to=2026-11-30&granularity=month&basis=${basis}`,
        );
      accounts = (await get<{ items: typeof accounts }>('/api/v1/cloud-accounts')).items;
    } finally {
      await server.stop();
    }
  }, 180_000);

  afterAll(async () => {
    await pg?.destroy();
    scratch?.remove();
  });

  it('starts from what the old code left: its schema and its rows', () => {
    expect(facts.commit).toBe('237033ac0f0250d8eb9437feb0807c0f4587dc8d');
    const counts = Object.fromEntries(Object.entries(before.contents).map(([t, rows]) => [t, rows.length]));
    expect(counts).toEqual(old.rows);
    expect(old.rows.schema_migrations).toBe(8);
    expect(old.rows.secrets).toBeGreaterThan(0);
    expect(old.rows.cost_line_items).toBeGreaterThan(0);
  });

  it('applies every newer migration', async () => {
    const store = await open();
    try {
      const ids = (await store.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id')).map(
        (r) => Number(r.id),
      );
      expect(ids).toEqual(migrations.map((m) => m.id));
    } finally {
      await store.close();
    }
  });

  it('keeps every row of every table, each column the old schema had unchanged, and the exact line-item sums', async () => {
    const store = await open();
    try {
      // A table a newer migration replaced (login_attempts, by migration 11's login_throttle) held nothing.
      const now = await columnsOf(store, engine);
      const gone = Object.keys(before.columns).filter((t) => !now[t]);
      expect(Object.fromEntries(gone.map((t) => [t, before.contents[t].length]))).toEqual({
        login_attempts: 0,
      });
      const kept = Object.fromEntries(
        Object.entries(before.columns)
          .filter(([t]) => now[t])
          .map(([t, cols]) => [
            t,
            t === 'cloud_accounts' ? cols.filter((c) => !(c in MOVED_TO_DOCUMENT)) : cols,
          ]),
      );
      // The rows as they were, in the columns still there.
      const beforeKept = Object.fromEntries(
        Object.entries(kept).map(([t, cols]) => {
          const at = cols.map((c) => before.columns[t].indexOf(c));
          const rows = before.contents[t].map((r) =>
            JSON.stringify(at.map((i) => (JSON.parse(r) as unknown[])[i])),
          );
          return [t, rows.sort()];
        }),
      );
      for (const [t, cols] of Object.entries(kept))
        expect(
          cols.filter((c) => !now[t].includes(c)),
          `columns of ${t} dropped`,
        ).toEqual([]);
      const after = await tableContents(store, kept);
      // cost_daily is rebuilt from the line items by migration 12 (at 10 decimals instead of 6): the same groups,
      // whose sums are checked to the cent through the API; schema_migrations gains the newer migrations.
      const compared = (c: Record<string, string[]>) =>
        Object.fromEntries(
          Object.entries(c).filter(([t]) => t in kept && t !== 'cost_daily' && t !== 'schema_migrations'),
        );
      expect(compared(after)).toEqual(compared(beforeKept));
      // Each moved value is in the account's connection document.
      const oldCols = before.columns.cloud_accounts;
      const moved = Object.keys(MOVED_TO_DOCUMENT).filter((c) => oldCols.includes(c));
      const expected = before.contents.cloud_accounts
        .map((r) => JSON.parse(r) as unknown[])
        .map((r) => ({
          id: r[oldCols.indexOf('id')],
          document: Object.fromEntries(moved.map((c) => [MOVED_TO_DOCUMENT[c], r[oldCols.indexOf(c)]])),
        }));
      const documents = await store.query<{ id: string; connection: string }>(
        'SELECT id, connection FROM cloud_accounts',
      );
      expect(expected.length).toBeGreaterThan(0);
      for (const e of expected) {
        const row = documents.find((d) => d.id === e.id);
        expect(JSON.parse(row?.connection ?? '{}'), `connection document of ${String(e.id)}`).toMatchObject(
          e.document,
        );
      }
      expect(after.cost_daily.length).toBe(before.contents.cost_daily.length);
      expect(after.schema_migrations).toEqual(expect.arrayContaining(before.contents.schema_migrations));
      expect(await exactSums(store)).toEqual(before.sums);
    } finally {
      await store.close();
    }
  });

  it('answers the same cost totals of every basis and month, to the cent', () => {
    for (const basis of BASES) {
      const was = old.costs[basis];
      const now = answers[basis]!;
      expect({ basis, currency: now.currency, total: cents(now.total) }).toEqual({
        basis,
        currency: was.currency,
        total: cents(was.total),
      });
      expect(now.series.map((p) => [p.period, cents(p.cost)])).toEqual(
        was.series.map((p) => [p.period, cents(p.cost)]),
      );
    }
  });

  it('lists the same cloud accounts', () => {
    const pick = (a: { name: string; awsAccountId: string; type: string }) => ({
      name: a.name,
      awsAccountId: a.awsAccountId,
      type: a.type,
    });
    expect(accounts.map(pick)).toEqual(old.accounts.map(pick));
  });

  it('decrypts the stored secrets with the key they were made with', async () => {
    const store = await open();
    try {
      expect(
        await checkKeyOpensSecrets(store, key, {
          where: 'the upgraded database',
          keyName: 'the fixture key',
        }),
      ).toBe(old.rows.secrets);
    } finally {
      await store.close();
    }
  });
});
