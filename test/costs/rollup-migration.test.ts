/**
 * Migration 12 on a database whose rollup was written at 6 decimals: afterwards every cost_daily row equals the
 * exact sum of its line items (10 decimals), on both engines, and the rollup's index is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { insertItems, makeItems } from './fixtures.js';

const ORG = 'org_migrated';
const COSTS = ['billed_cost', 'net_billed_cost', 'effective_cost', 'net_effective_cost', 'list_cost'];

describe.each(ENGINES)('the exact-rollup migration on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open({ migrate: false });
    await migrate(
      store,
      migrations.filter((m) => m.id < 12),
    );
    // Costs with all ten decimals, rolled up the way the rollup was written before: rounded to 6 per row.
    const items = makeItems(ORG, '2024-01-01', 20).map((i, n) => ({
      ...i,
      billed: i.billed + ((n * 7919) % 10_000) / 1e10,
      amortized: i.amortized + ((n * 104729) % 10_000) / 1e10,
    }));
    await insertItems(store, items, { rollup: false });
    // The rollup as the load wrote it before migration 12 (its keys then; the columns are still 6 decimals).
    const keys =
      'org_id, cloud_account_id, billing_period, usage_date, sub_account_id, service_name, service_code, region_id, charge_category, billing_currency';
    await store.execute(
      `INSERT INTO cost_daily (${keys}, ${COSTS.join(', ')}, row_count)
       SELECT ${keys}, sum(billed_cost), sum(x_net_billed_cost), sum(effective_cost), sum(x_net_effective_cost),
         sum(list_cost), count(*)
       FROM cost_line_items WHERE org_id = $1 GROUP BY ${keys}`,
      [ORG],
    );
    const [type] = await store.query<{ t: string }>(
      engine === 'duckdb'
        ? `SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'cost_daily' AND column_name = 'billed_cost'`
        : `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'cost_daily'::regclass AND attname = 'billed_cost'`,
    );
    expect(type.t.replace(/\s/g, '').toUpperCase()).toMatch(/(DECIMAL|NUMERIC)\(18,6\)/);
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  it('widens cost_daily to 10 decimals and rebuilds it from the line items, exactly', async () => {
    const drift = async () => {
      const [r] = await store.query<Record<string, string>>(
        `SELECT ${COSTS.map((c) => `CAST((SELECT sum(${c}) FROM cost_daily WHERE org_id = $1) AS VARCHAR) AS ${c}`).join(', ')},
                CAST((SELECT sum(billed_cost) FROM cost_line_items WHERE org_id = $1) AS VARCHAR) AS li_billed,
                CAST((SELECT sum(effective_cost) FROM cost_line_items WHERE org_id = $1) AS VARCHAR) AS li_effective`,
        [ORG],
      );
      return [Number(r.billed_cost) - Number(r.li_billed), Number(r.effective_cost) - Number(r.li_effective)];
    };
    expect((await drift()).some((d) => d !== 0)).toBe(true);
    // An upgrade: the old data is in the database file and a new version starts on it.
    if (engine === 'duckdb') await store.execute('CHECKPOINT');
    await store.close();
    store = await db.open({ migrate: false });
    const applied = await migrate(store);
    expect(applied).toContain(12);
    expect(await drift()).toEqual([0, 0]);
    // Row by row: every rollup row equals its group of line items.
    const mismatched = await store.query<{ n: number }>(
      `WITH li AS (
         SELECT usage_date, sub_account_id, service_name, region_id, charge_category, billing_currency,
                sum(billed_cost) AS b, sum(x_net_billed_cost) AS nb, sum(effective_cost) AS e,
                sum(x_net_effective_cost) AS ne, sum(list_cost) AS l, count(*) AS n
         FROM cost_line_items WHERE org_id = $1
         GROUP BY usage_date, sub_account_id, service_name, region_id, charge_category, billing_currency
       )
       SELECT count(*) AS n FROM cost_daily d JOIN li ON li.usage_date = d.usage_date
         AND li.sub_account_id = d.sub_account_id AND li.service_name = d.service_name
         AND COALESCE(li.region_id, '') = COALESCE(d.region_id, '') AND li.charge_category = d.charge_category
         AND li.billing_currency = d.billing_currency
       WHERE d.org_id = $1 AND (li.b <> d.billed_cost OR li.nb <> d.net_billed_cost OR li.e <> d.effective_cost
         OR li.ne <> d.net_effective_cost OR li.l <> d.list_cost OR li.n <> d.row_count)`,
      [ORG],
    );
    expect(Number(mismatched[0].n)).toBe(0);
    const [rows] = await store.query<{ n: number }>(
      'SELECT count(*) AS n FROM cost_daily WHERE org_id = $1',
      [ORG],
    );
    expect(Number(rows.n)).toBeGreaterThan(0);
    const index = await store.query<{ name: string }>(
      engine === 'duckdb'
        ? `SELECT index_name AS name FROM duckdb_indexes() WHERE table_name = 'cost_daily'`
        : `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'cost_daily'`,
    );
    expect(index.map((i) => i.name)).toContain('cost_daily_org_date');
  });
});
