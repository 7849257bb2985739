import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from './column-names.js';
import { buildFocusSelect, LINE_ITEM_COLUMNS, type MappingOptions } from './focus-mapping.js';

let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run(`SET TimeZone = 'UTC'`);
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

const OPTS: MappingOptions = { orgId: 'o1', cloudAccountId: 'c1', billingPeriod: '2025-02-01', edp: true };

/** Normalizes one CSV-like line item (every value text, as a CUR CSV gives it). */
async function mapRow(
  source: Record<string, string>,
  opts: Partial<MappingOptions> = {},
  types: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const names = Object.keys(source);
  const values = names.map((n) => (types[n] ? `${source[n]}` : literal(source[n])));
  const relation = `SELECT * FROM (VALUES (${values.join(', ')})) AS t(${names.map(ident).join(', ')})`;
  const cols = new Map(names.map((n) => [n, types[n] ?? 'VARCHAR']));
  const { sql, missingRequired } = buildFocusSelect(relation, cols, { ...OPTS, ...opts });
  expect(missingRequired).toEqual([]);
  const reader = await db.runAndReadAll(
    `SELECT * REPLACE (CAST(charge_period_start AS VARCHAR) AS charge_period_start,
       CAST(charge_period_end AS VARCHAR) AS charge_period_end, CAST(usage_date AS VARCHAR) AS usage_date,
       CAST(billing_period AS VARCHAR) AS billing_period,
       CAST(billed_cost AS DOUBLE) AS billed_cost, CAST(x_net_billed_cost AS DOUBLE) AS x_net_billed_cost,
       CAST(effective_cost AS DOUBLE) AS effective_cost, CAST(x_net_effective_cost AS DOUBLE) AS x_net_effective_cost,
       CAST(list_cost AS DOUBLE) AS list_cost) FROM (${sql})`,
  );
  const [row] = reader.getRowObjectsJS() as Record<string, unknown>[];
  return row;
}

const BASE = {
  bill_payer_account_id: '011111111111',
  line_item_usage_account_id: '022222222222',
  line_item_usage_start_date: '2025-02-03T00:00:00.000Z',
  line_item_usage_end_date: '2025-02-04T00:00:00.000Z',
  line_item_product_code: 'AmazonEC2',
};

type Case = {
  name: string;
  row: Record<string, string>;
  opts?: Partial<MappingOptions>;
  expect: Record<string, unknown>;
};

const CASES: Case[] = [
  {
    name: 'Usage: billed is unblended, net is net unblended, amortized is unblended',
    row: {
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '10.5',
      line_item_net_unblended_cost: '9.975',
      pricing_public_on_demand_cost: '10.5',
    },
    expect: {
      charge_category: 'Usage',
      billed_cost: 10.5,
      x_net_billed_cost: 9.975,
      effective_cost: 10.5,
      x_net_effective_cost: 9.975,
      list_cost: 10.5,
    },
  },
  {
    name: 'SavingsPlanCoveredUsage: amortized is the Savings Plan effective cost',
    row: {
      line_item_line_item_type: 'SavingsPlanCoveredUsage',
      line_item_unblended_cost: '4',
      line_item_net_unblended_cost: '4',
      savings_plan_savings_plan_effective_cost: '2.5',
      savings_plan_net_savings_plan_effective_cost: '2.4',
      savings_plan_savings_plan_a_r_n: 'arn:aws:savingsplans::1:savingsplan/sp-1',
    },
    expect: {
      billed_cost: 4,
      effective_cost: 2.5,
      x_net_effective_cost: 2.4,
      commitment_discount_id: 'arn:aws:savingsplans::1:savingsplan/sp-1',
      commitment_discount_type: 'Savings Plan',
    },
  },
  {
    name: 'SavingsPlanRecurringFee: amortized is the unused commitment, a purchase',
    row: {
      line_item_line_item_type: 'SavingsPlanRecurringFee',
      line_item_unblended_cost: '24',
      savings_plan_total_commitment_to_date: '24',
      savings_plan_used_commitment: '20.25',
    },
    expect: { charge_category: 'Purchase', billed_cost: 24, effective_cost: 3.75 },
  },
  {
    name: 'SavingsPlanNegation: no amortized cost',
    row: { line_item_line_item_type: 'SavingsPlanNegation', line_item_unblended_cost: '-4' },
    expect: { charge_category: 'Usage', billed_cost: -4, effective_cost: 0, x_net_effective_cost: 0 },
  },
  {
    name: 'SavingsPlanUpfrontFee: a purchase with no amortized cost',
    row: { line_item_line_item_type: 'SavingsPlanUpfrontFee', line_item_unblended_cost: '1000' },
    expect: { charge_category: 'Purchase', billed_cost: 1000, effective_cost: 0 },
  },
  {
    name: 'DiscountedUsage: amortized is the reservation effective cost',
    row: {
      line_item_line_item_type: 'DiscountedUsage',
      line_item_unblended_cost: '0',
      reservation_effective_cost: '1.75',
      reservation_reservation_a_r_n: 'arn:aws:ec2:us-east-1:1:reserved-instances/ri-1',
    },
    expect: { billed_cost: 0, effective_cost: 1.75, commitment_discount_type: 'Reserved Instance' },
  },
  {
    name: 'RIFee: amortized is the unused upfront and recurring fee',
    row: {
      line_item_line_item_type: 'RIFee',
      line_item_unblended_cost: '50',
      reservation_unused_amortized_upfront_fee_for_billing_period: '3',
      reservation_unused_recurring_fee: '4.5',
      reservation_reservation_a_r_n: 'arn:ri',
    },
    expect: { charge_category: 'Purchase', billed_cost: 50, effective_cost: 7.5 },
  },
  {
    name: 'Fee of a reservation (upfront payment): billed, not amortized',
    row: {
      line_item_line_item_type: 'Fee',
      line_item_unblended_cost: '300',
      reservation_reservation_a_r_n: 'arn:ri',
    },
    expect: { charge_category: 'Purchase', billed_cost: 300, effective_cost: 0 },
  },
  {
    name: 'Fee without a reservation (support): amortized like billed',
    row: { line_item_line_item_type: 'Fee', line_item_unblended_cost: '100' },
    expect: { charge_category: 'Purchase', billed_cost: 100, effective_cost: 100 },
  },
  {
    name: 'Tax',
    row: { line_item_line_item_type: 'Tax', line_item_unblended_cost: '8.8' },
    expect: { charge_category: 'Tax', billed_cost: 8.8, effective_cost: 8.8 },
  },
  {
    name: 'Credit',
    row: { line_item_line_item_type: 'Credit', line_item_unblended_cost: '-25' },
    expect: { charge_category: 'Credit', billed_cost: -25, effective_cost: -25 },
  },
  {
    name: 'Refund is an adjustment',
    row: { line_item_line_item_type: 'Refund', line_item_unblended_cost: '-7' },
    expect: { charge_category: 'Adjustment', billed_cost: -7 },
  },
  {
    name: 'EdpDiscount line with net columns: billed, but 0 net (usage lines already carry it)',
    row: {
      line_item_line_item_type: 'EdpDiscount',
      line_item_unblended_cost: '-0.5',
      line_item_net_unblended_cost: '0',
    },
    expect: { billed_cost: -0.5, x_net_billed_cost: 0, effective_cost: -0.5, x_net_effective_cost: 0 },
  },
  {
    name: 'EdpDiscount line without net columns: the line is the discount',
    row: { line_item_line_item_type: 'EdpDiscount', line_item_unblended_cost: '-0.5' },
    expect: { billed_cost: -0.5, x_net_billed_cost: -0.5, x_net_effective_cost: -0.5 },
  },
  {
    name: 'Discount on the line without a net column: net adds the discount total once',
    row: {
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '10',
      discount: '{"edp_discount": -0.5, "total_discount": -0.5}',
    },
    expect: { billed_cost: 10, x_net_billed_cost: 9.5, x_net_effective_cost: 9.5 },
  },
  {
    name: 'Discount on the line with a net column: the net column wins (not counted twice)',
    row: {
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '10',
      line_item_net_unblended_cost: '9.5',
      discount_total_discount: '-0.5',
      discount: '{"edp_discount": -0.5, "total_discount": -0.5}',
    },
    expect: { x_net_billed_cost: 9.5 },
  },
  {
    name: 'Account without EDP: net equals billed',
    row: {
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '10',
      line_item_net_unblended_cost: '9.5',
    },
    opts: { edp: false },
    expect: { x_net_billed_cost: 10, x_net_effective_cost: 10 },
  },
  {
    name: 'Missing optional columns are null; IDs keep leading zeros; currency defaults to USD',
    row: { line_item_line_item_type: 'Usage', line_item_unblended_cost: '1' },
    expect: {
      resource_id: null,
      region_id: null,
      tags: null,
      billing_currency: 'USD',
      sub_account_id: '022222222222',
      billing_account_id: '011111111111',
      billing_period: '2025-02-01',
      org_id: 'o1',
      cloud_account_id: 'c1',
    },
  },
  {
    name: 'Usage dates: UTC with or without T/Z, an explicit offset converted',
    row: {
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '1',
      line_item_usage_start_date: '2025-02-03T23:30:00-02:00',
      line_item_usage_end_date: '2025-02-05 00:00:00',
    },
    expect: {
      charge_period_start: '2025-02-04 01:30:00+00',
      charge_period_end: '2025-02-05 00:00:00+00',
      usage_date: '2025-02-04',
    },
  },
  {
    name: 'Legacy names: product name and region from their own columns',
    row: {
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '1',
      product_product_name: 'Amazon Elastic Compute Cloud',
      product_region: 'eu-west-1',
      line_item_usage_type: 'EU-BoxUsage:m5.large',
      line_item_operation: 'RunInstances',
      product_instance_type: 'm5.large',
    },
    expect: {
      service_name: 'Amazon Elastic Compute Cloud',
      service_code: 'AmazonEC2',
      region_id: 'eu-west-1',
      x_usage_type: 'EU-BoxUsage:m5.large',
      x_operation: 'RunInstances',
      x_instance_type: 'm5.large',
    },
  },
  {
    name: 'CUR 2.0 product map (JSON text in CSV)',
    row: {
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '1',
      product: '{"product_name":"AWS Lambda","region":"us-west-2"}',
    },
    expect: { service_name: 'AWS Lambda', region_id: 'us-west-2' },
  },
  {
    name: 'Tags from a CUR 2.0 map: canonical keys, sorted, empty values dropped',
    row: {
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '1',
      resource_tags: '{"user_team":"web","user_env":"prod","user_owner":""}',
    },
    expect: { tags: '{"user:env":"prod","user:team":"web"}' },
  },
  {
    name: 'Tags from legacy columns give the same JSON',
    row: {
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '1',
      '__tag__user:team': 'web',
      '__tag__user:env': 'prod',
      '__tag__user:owner': '',
    },
    expect: { tags: '{"user:env":"prod","user:team":"web"}' },
  },
];

describe('FOCUS mapping of CUR line items', () => {
  it.each(CASES)('$name', async (c) => {
    const out = await mapRow({ ...BASE, ...c.row }, c.opts);
    for (const [k, v] of Object.entries(c.expect)) {
      if (typeof v === 'number') expect(Number(out[k]), k).toBeCloseTo(v, 10);
      else expect(out[k], k).toEqual(v);
    }
  });

  it('reads Parquet maps and typed columns like their CSV text', async () => {
    const fromCsv = await mapRow({
      ...BASE,
      line_item_line_item_type: 'Usage',
      line_item_unblended_cost: '0.1234567891',
      resource_tags: '{"user_team":"web"}',
      product: '{"product_name":"Amazon Simple Storage Service"}',
    });
    const fromParquet = await mapRow(
      {
        ...BASE,
        line_item_usage_start_date: `TIMESTAMP '2025-02-03 00:00:00'`,
        line_item_usage_end_date: `TIMESTAMP '2025-02-04 00:00:00'`,
        line_item_line_item_type: 'Usage',
        line_item_unblended_cost: '0.1234567891::DOUBLE',
        resource_tags: `MAP {'user_team': 'web'}`,
        product: `MAP {'product_name': 'Amazon Simple Storage Service'}`,
      },
      {},
      {
        line_item_usage_start_date: 'TIMESTAMP',
        line_item_usage_end_date: 'TIMESTAMP',
        line_item_unblended_cost: 'DOUBLE',
        resource_tags: 'MAP(VARCHAR, VARCHAR)',
        product: 'MAP(VARCHAR, VARCHAR)',
      },
    );
    expect(fromParquet).toEqual(fromCsv);
  });

  it('outputs the columns of cost_line_items in order', async () => {
    const out = await mapRow({ ...BASE, line_item_line_item_type: 'Usage', line_item_unblended_cost: '1' });
    expect(Object.keys(out)).toEqual([...LINE_ITEM_COLUMNS]);
  });

  it('reports missing required columns', () => {
    const { missingRequired } = buildFocusSelect(
      'SELECT 1',
      new Map([['line_item_usage_account_id', 'VARCHAR']]),
      OPTS,
    );
    expect(missingRequired).toEqual([
      'line_item_line_item_type',
      'line_item_usage_start_date',
      'line_item_unblended_cost',
    ]);
  });

  it('fails on a value of the wrong type instead of guessing', async () => {
    await expect(
      mapRow({ ...BASE, line_item_line_item_type: 'Usage', line_item_unblended_cost: 'twelve' }),
    ).rejects.toThrow(/Conversion|convert/i);
  });
});
