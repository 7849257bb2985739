/**
 * Migration 34 on a database with costs: every line item and rollup row stored before it is from AWS and says so,
 * the totals are unchanged, and the rows written after it carry the provider their writer gives (no default).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { insertItems, makeItems } from './fixtures.js';

const ORG = 'org_before_34';
const KEYS =
  'org_id, cloud_account_id, billing_period, usage_date, sub_account_id, service_name, service_code, region_id, charge_category, billing_currency';

describe.each(ENGINES)('migration 34 (provider of each cost row) on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open({ migrate: false });
    await migrate(
      store,
      migrations.filter((m) => m.id < 34),
    );
    await insertItems(store, makeItems(ORG, '2024-01-01', 10), { rollup: false });
    await store.execute(
      `INSERT INTO cost_daily (${KEYS}, billed_cost, row_count)
       SELECT ${KEYS}, sum(billed_cost), count(*) FROM cost_line_items WHERE org_id = $1 GROUP BY ${KEYS}`,
      [ORG],
    );
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  it('marks every row stored before it as AWS and keeps the totals; later rows get no default', async () => {
    const totals = async () =>
      store.query<{ t: string; n: string; b: string }>(
        `SELECT 'li' AS t, CAST(count(*) AS VARCHAR) AS n, CAST(sum(billed_cost) AS VARCHAR) AS b FROM cost_line_items
         UNION ALL SELECT 'daily', CAST(sum(row_count) AS VARCHAR), CAST(sum(billed_cost) AS VARCHAR) FROM cost_daily
         ORDER BY 1`,
      );
    const before = await totals();
    if (engine === 'duckdb') await store.execute('CHECKPOINT');
    await store.close();
    store = await db.open({ migrate: false });
    expect(await migrate(store)).toContain(34);
    expect(await totals()).toEqual(before);
    for (const table of ['cost_line_items', 'cost_daily']) {
      const rows = await store.query<{ provider: string | null; n: unknown }>(
        `SELECT provider, count(*) AS n FROM ${table} GROUP BY provider`,
      );
      expect(rows.map((r) => r.provider)).toEqual(['aws']);
    }
    const [extra] = await store.query<{ n: unknown }>(
      'SELECT count(*) AS n FROM cost_line_items WHERE x_provider_columns IS NOT NULL',
    );
    expect(Number(extra.n)).toBe(0);
    await store.execute(
      `INSERT INTO cost_daily (org_id, cloud_account_id, billing_period, usage_date, row_count)
       VALUES ('org_after', 'ca_x', DATE '2024-02-01', DATE '2024-02-01', 1)`,
    );
    const [after] = await store.query<{ provider: string | null }>(
      `SELECT provider FROM cost_daily WHERE org_id = 'org_after'`,
    );
    expect(after.provider).toBeNull();
  });
});
