/**
 * Cost data written straight into the tables, for the cost tests: line items from a small deterministic
 * world, and the `cost_daily` rollup rebuilt from them the way the billing load does.
 */
import { addDays } from '../../src/lib/dates.js';
import { DAILY_COLUMNS, dailyRollupSql, groupsSql } from '../../src/billing/rollup.js';
import type { Queryable, Store } from '../../src/store/store.js';

export interface FixtureItem {
  orgId: string;
  cloudAccountId: string;
  account: string;
  accountName: string;
  service: string;
  region: string | null;
  resource: string | null;
  usageType: string;
  chargeCategory: string;
  date: string;
  currency: string;
  billed: number;
  net: number;
  amortized: number;
  netAmortized: number;
  tags: Record<string, string> | null;
}

export const ACCOUNTS = [
  { id: '111111111111', name: 'Production' },
  { id: '222222222222', name: 'Staging' },
  { id: '333333333333', name: 'Data' },
];
export const SERVICES = ['Amazon Elastic Compute Cloud', 'Amazon Simple Storage Service', 'AWS Lambda'];
export const REGIONS = ['us-east-1', 'eu-west-1'];

/** Costs with at most six decimals, so that sums compare to the micro-unit without rounding ties. */
function micro(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Deterministic line items for one organization: every account × service × region × day, two resources each. */
export function makeItems(
  orgId: string,
  from: string,
  days: number,
  options: { cloudAccountId?: string; scale?: number } = {},
): FixtureItem[] {
  const items: FixtureItem[] = [];
  const scale = options.scale ?? 1;
  for (let d = 0; d < days; d++) {
    const date = addDays(from, d);
    ACCOUNTS.forEach((a, ai) =>
      SERVICES.forEach((service, si) =>
        REGIONS.forEach((region, ri) => {
          for (let r = 0; r < 2; r++) {
            const billed =
              Math.round((1 + ai * 3 + si * 2 + ri + r * 0.5 + ((d * 7 + ai + si) % 5) * 0.25) * 1234567) /
              1e6;
            items.push({
              orgId,
              cloudAccountId: options.cloudAccountId ?? 'ca_payer',
              account: a.id,
              accountName: a.name,
              service,
              region,
              resource: si === 2 && r === 1 ? null : `res-${ai}-${si}-${ri}-${r}`,
              usageType: `${region}:usage-${si}`,
              chargeCategory: 'Usage',
              date,
              currency: 'USD',
              billed: micro(billed * scale),
              net: micro(billed * 0.9 * scale),
              amortized: micro(billed * 0.8 * scale),
              netAmortized: micro(billed * 0.72 * scale),
              tags: r === 0 ? { 'user:team': ai === 0 ? 'platform' : 'data', env: 'prod' } : null,
            });
          }
        }),
      ),
    );
    // A tax line without a region or resource.
    items.push({
      orgId,
      cloudAccountId: options.cloudAccountId ?? 'ca_payer',
      account: ACCOUNTS[0].id,
      accountName: ACCOUNTS[0].name,
      service: 'Tax',
      region: null,
      resource: null,
      usageType: 'Tax',
      chargeCategory: 'Tax',
      date,
      currency: 'USD',
      billed: 0.5 * scale,
      net: 0.5 * scale,
      amortized: 0.5 * scale,
      netAmortized: 0.5 * scale,
      tags: null,
    });
  }
  return items;
}

const COLUMNS = [
  'org_id',
  'cloud_account_id',
  'billing_period',
  'billing_account_id',
  'sub_account_id',
  'sub_account_name',
  'charge_period_start',
  'charge_period_end',
  'usage_date',
  'charge_category',
  'service_name',
  'service_code',
  'region_id',
  'resource_id',
  'billed_cost',
  'x_net_billed_cost',
  'effective_cost',
  'x_net_effective_cost',
  'list_cost',
  'billing_currency',
  'tags',
  'x_line_item_type',
  'x_usage_type',
];

function row(i: FixtureItem): (string | number | null)[] {
  return [
    i.orgId,
    i.cloudAccountId,
    `${i.date.slice(0, 7)}-01`,
    '999999999999',
    i.account,
    i.accountName,
    `${i.date}T00:00:00Z`,
    `${addDays(i.date, 1)}T00:00:00Z`,
    i.date,
    i.chargeCategory,
    i.service,
    i.service.replace(/\W/g, ''),
    i.region,
    i.resource,
    i.billed,
    i.net,
    i.amortized,
    i.netAmortized,
    micro(i.billed * 1.1),
    i.currency,
    i.tags ? JSON.stringify(i.tags) : null,
    i.chargeCategory === 'Tax' ? 'Tax' : 'Usage',
    i.usageType,
  ];
}

/** `rollup: false` leaves cost_daily alone (a test of an older schema writes the rollup of its time). */
export async function insertItems(
  store: Store,
  items: readonly FixtureItem[],
  options: { rollup?: boolean } = {},
): Promise<void> {
  await store.transaction(async (tx) => {
    const width = COLUMNS.length;
    for (let s = 0; s < items.length; s += 200) {
      const chunk = items.slice(s, s + 200);
      const values = chunk
        .map((_, r) => `(${COLUMNS.map((_c, c) => `$${r * width + c + 1}`).join(', ')})`)
        .join(', ');
      await tx.execute(
        `INSERT INTO cost_line_items (${COLUMNS.join(', ')}) VALUES ${values}`,
        chunk.flatMap(row),
      );
    }
  });
  if (options.rollup !== false) await rebuildDaily(store, [...new Set(items.map((i) => i.orgId))]);
}

/** The rollup as the billing load writes it, with the billing load's own SQL. */
export async function rebuildDaily(store: Store | Queryable, orgIds: readonly string[]): Promise<void> {
  const groups = `(${groupsSql('(SELECT * FROM cost_line_items WHERE org_id = $1) AS li')}) AS g`;
  for (const org of orgIds) {
    await store.execute('DELETE FROM cost_daily WHERE org_id = $1', [org]);
    await store.execute(`INSERT INTO cost_daily (${DAILY_COLUMNS.join(', ')}) ${dailyRollupSql(groups)}`, [
      org,
    ]);
  }
}

export type Basis = 'billed' | 'net' | 'amortized' | 'netAmortized';

/** Sum of the fixture items that pass `keep`, to the micro-unit. */
export function sum(
  items: readonly FixtureItem[],
  basis: Basis,
  keep: (i: FixtureItem) => boolean = () => true,
): number {
  return Math.round(items.filter(keep).reduce((s, i) => s + i[basis], 0) * 1e6) / 1e6;
}

/** One stored anomaly of `orgId` (a service spike), for tests of what can be done with it; returns its id. */
export async function seedAnomaly(q: Queryable, orgId: string): Promise<string> {
  const id = `anm_seed_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  await q.execute(
    `INSERT INTO cost_anomalies (id, org_id, dimension, dimension_value, usage_date, currency, basis, actual_cost,
       expected_cost, spread, threshold, direction, drivers, detected_at)
     VALUES ($1, $2, 'service', $3, CAST('2024-02-20' AS DATE), 'USD', 'amortized', 900, 100, 5, 15, 'increase', '[]', $4)`,
    [id, orgId, `Seeded ${id}`, new Date()],
  );
  return id;
}
