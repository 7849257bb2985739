import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AWKWARD_KEYS } from '../../test/helpers/awkward-keys.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../../test/helpers/stores.js';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';
import type { SqlParam, Store } from './store.js';

describe.each(ENGINES)('store on %s', (engine) => {
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

  it('runs every migration once and records it', async () => {
    const again = await migrate(store);
    expect(again).toEqual([]);
    const rows = await store.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
  });

  it('runs the PostgreSQL-only statements on PostgreSQL only', async () => {
    // Migration 9's block-range index on cost_line_items: an index only PostgreSQL has.
    const sql =
      engine === 'postgres'
        ? `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'cost_line_items'`
        : `SELECT index_name AS name FROM duckdb_indexes() WHERE table_name = 'cost_line_items'`;
    const names = (await store.query<{ name: string }>(sql)).map((r) => r.name);
    expect(names).toEqual(engine === 'postgres' ? ['cost_line_items_ranges'] : []);
  });

  it('returns the same JS values on both engines', async () => {
    await store.execute(
      `INSERT INTO organizations (id, name, external_id, settings, created_at) VALUES ($1, $2, $3, $4, $5)`,
      ['o1', 'Acme', 'ext', '{"a":1}', new Date('2024-05-06T07:08:09.000Z')],
    );
    await store.execute(
      `INSERT INTO cost_daily (org_id, cloud_account_id, billing_period, usage_date, billed_cost, row_count)
       VALUES ('o1', 'c1', '2024-05-01', '2024-05-02', 1.25, 3), ('o1', 'c1', '2024-05-01', '2024-05-03', 2.5, 4)`,
    );
    const [org] = await store.query('SELECT * FROM organizations WHERE id = $1', ['o1']);
    expect(org.created_at).toEqual(new Date('2024-05-06T07:08:09.000Z'));
    expect(org.settings).toBe('{"a":1}');
    const [sum] = await store.query(
      `SELECT sum(billed_cost) AS total, sum(row_count) AS rows, min(usage_date) AS first
       FROM cost_daily WHERE org_id = $1`,
      ['o1'],
    );
    expect(sum).toEqual({ total: 3.75, rows: 7, first: '2024-05-02' });
  });

  it('reads a JSON member by its exact name through the dialect, whatever characters the name holds', async () => {
    const doc = Object.fromEntries(AWKWARD_KEYS.map((k, i) => [k, `v${i}`]));
    for (const [i, key] of AWKWARD_KEYS.entries()) {
      const params: SqlParam[] = [JSON.stringify(doc)];
      const bind = (v: SqlParam) => `$${params.push(v)}`;
      const [row] = await store.query<{ v: string | null }>(
        `SELECT ${store.dialect.jsonText('CAST($1 AS VARCHAR)', key, bind)} AS v`,
        params,
      );
      expect({ key, v: row.v }).toEqual({ key, v: `v${i}` });
    }
    const params: SqlParam[] = ['{"a":"1"}'];
    const [missing] = await store.query<{ v: string | null }>(
      `SELECT ${store.dialect.jsonText('CAST($1 AS VARCHAR)', '$.*', (v) => `$${params.push(v)}`)} AS v`,
      params,
    );
    expect(missing.v).toBeNull();
  });

  it('commits a transaction and rolls back a failed one whole', async () => {
    await store.transaction(async (tx) => {
      await tx.execute(
        `INSERT INTO users (id, email, password_hash, created_at) VALUES ('u1', 'a@x', 'h', $1)`,
        [new Date()],
      );
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.execute(
          `INSERT INTO users (id, email, password_hash, created_at) VALUES ('u2', 'b@x', 'h', $1)`,
          [new Date()],
        );
        await tx.execute(
          `INSERT INTO users (id, email, password_hash, created_at) VALUES ('u3', 'a@x', 'h', $1)`,
          [new Date()],
        );
      }),
    ).rejects.toThrow();
    const ids = (await store.query<{ id: string }>('SELECT id FROM users ORDER BY id')).map((r) => r.id);
    expect(ids).toEqual(['u1']);
  });

  it('keeps concurrent transactions apart', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.execute(
            `INSERT INTO audit_log (id, actor, action, object_type, created_at) VALUES ($1, 'test', 'a', 'b', $2)`,
            [`a${i}`, new Date()],
          );
          const [c] = await tx.query<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE id = $1`, [
            `a${i}`,
          ]);
          expect(c.n).toBe(1);
        }),
      ),
    );
    const [c] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM audit_log`);
    expect(c.n).toBe(8);
  });

  it('lets one of many transactions insert a key under ON CONFLICT DO NOTHING, and the others do nothing', async () => {
    await store.execute(`CREATE TABLE race_keys (k TEXT PRIMARY KEY, v TEXT)`);
    const inserted = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        store.transaction((tx) =>
          tx.execute(`INSERT INTO race_keys (k, v) VALUES ('one', $1) ON CONFLICT (k) DO NOTHING`, [`v${i}`]),
        ),
      ),
    );
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(1);
    const [c] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM race_keys`);
    expect(c.n).toBe(1);
  });

  it('bulk-loads a CSV file inside a transaction', async () => {
    const file = path.join(db.dataDir, 'rows.csv');
    writeFileSync(
      file,
      'org_id,resource_id,metric,ts,value,cloud_account_id\no1,i-1,cpu,2024-01-01T00:00:00Z,1.5,c1\no1,i-1,cpu,2024-01-01T01:00:00Z,2.5,c1\n',
    );
    const n = await store.transaction((tx) =>
      store.copyCsvInto(
        tx,
        'resource_metrics',
        ['org_id', 'resource_id', 'metric', 'ts', 'value', 'cloud_account_id'],
        file,
      ),
    );
    expect(n).toBe(2);
    const [s] = await store.query<{ v: number }>(`SELECT sum(value) AS v FROM resource_metrics`);
    expect(s.v).toBe(4);
  });

  it('exports a query to CSV and Parquet with the same rows whole or in parts', async () => {
    const row = (n: number) => `SELECT ${n} AS "N", 'a,"${n}"' AS "Label"`;
    const q = {
      columns: [
        { name: 'N', type: 'INTEGER' },
        { name: 'Label', type: 'VARCHAR' },
      ],
      whole: { sql: `${row(1)} UNION ALL ${row(2)}`, params: [] },
      parts: () => [1, 2].map((n) => ({ sql: row(n), params: [] })),
    };
    const csv = path.join(db.dataDir, 'export.csv');
    await store.exportQuery({ ...q, file: csv, format: 'csv' });
    expect(readFileSync(csv, 'utf8').split(/\r?\n/).filter(Boolean)).toEqual([
      'N,Label',
      '1,"a,""1"""',
      '2,"a,""2"""',
    ]);
    const parquet = path.join(db.dataDir, 'export.parquet');
    await store.exportQuery({ ...q, file: parquet, format: 'parquet' });
    expect(readFileSync(parquet).subarray(0, 4).toString()).toBe('PAR1');
  });

  it('runs exclusive work of one key one at a time across processes, and describes itself', async () => {
    expect(store.describe()).toEqual({ engine });
    expect(store.traits.soleProcess).toBe(engine === 'duckdb');
    // On PostgreSQL a second store on the same database stands for another process: it must wait for the first.
    const other = engine === 'postgres' ? await db.open() : store;
    try {
      const log: string[] = [];
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered = () => {};
      const first = new Promise<void>((resolve) => (entered = resolve));
      const a = store.exclusive(1, 'k', async () => {
        log.push('a in');
        entered();
        await held;
        log.push('a out');
      });
      await first;
      const b = other.exclusive(1, 'k', async () => {
        log.push('b in');
      });
      await other.exclusive(1, 'other key', async () => {
        log.push('c in');
      });
      release();
      await Promise.all([a, b]);
      // With one process there is no other process to exclude: the caller serializes (period-lock's chain).
      expect(log).toEqual(
        engine === 'postgres' ? ['a in', 'c in', 'a out', 'b in'] : ['a in', 'b in', 'c in', 'a out'],
      );
    } finally {
      if (other !== store) await other.close();
    }
  });
});
