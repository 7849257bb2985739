/**
 * A small bill with commitments, written straight into cost_line_items the way the CUR mapping stores it: a
 * Compute Savings Plan of 1 USD/hour used at 60 % in May 2025 (daily fee and covered-usage lines), an EC2 reserved
 * instance pair used at 75 % that ends 45 days after `now`, and uncovered m5 usage (the coverage gap).
 *
 * May 2025 (31 days), to the cent: plan committed 744, used 446.40, unused 297.60, on-demand equivalent 620,
 * net savings −124; reservation committed 74.40, used 55.80, unused 18.60, 1,488 hours bought, 1,116 used,
 * on-demand equivalent 107.14, net savings 32.74; EC2 m5 coverage in us-east-1: covered 727.14, on demand 155.
 */
import type { Queryable, SqlParam } from '../../src/store/store.js';

export const SP_ARN = 'arn:aws:savingsplans::111111111111:savingsplan/sp-fixture-1';
export const RI_ARN = 'arn:aws:ec2:us-east-1:111111111111:reserved-instances/ri-fixture-1';

interface Line {
  account: string;
  day: string;
  type: string;
  usageType: string;
  instanceType: string | null;
  qty: number;
  billed: number;
  effective: number;
  list: number;
  arn: string | null;
  attrs?: Record<string, string>;
}

const COLUMNS = [
  'org_id',
  'cloud_account_id',
  'billing_period',
  'billing_account_id',
  'sub_account_id',
  'usage_date',
  'charge_category',
  'service_name',
  'service_code',
  'region_id',
  'consumed_quantity',
  'billed_cost',
  'x_net_billed_cost',
  'effective_cost',
  'x_net_effective_cost',
  'list_cost',
  'billing_currency',
  'commitment_discount_id',
  'commitment_discount_type',
  'x_line_item_type',
  'x_usage_type',
  'x_instance_type',
  'provider',
  'x_provider_columns',
];

export async function insertCommitmentBill(
  store: Queryable,
  orgId: string,
  now: Date,
  cloudAccountId = 'ca_commitments',
): Promise<void> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const riEnd = iso(now.getTime() + 45 * 86_400_000 + 3_600_000);
  const riStart = iso(Date.parse(riEnd) - 365 * 86_400_000);
  const spStart = '2025-01-01T00:00:00Z';
  const spEnd = '2028-01-01T00:00:00Z';
  const lines: Line[] = [];
  for (let d = 1; d <= 31; d++) {
    const day = `2025-05-${String(d).padStart(2, '0')}`;
    lines.push(
      {
        account: '111111111111',
        day,
        type: 'SavingsPlanRecurringFee',
        usageType: 'ComputeSP:1yrNoUpfront',
        instanceType: null,
        qty: 24,
        billed: 24,
        effective: 9.6,
        list: 0,
        arn: SP_ARN,
        attrs: {
          savings_plan_start_time: spStart,
          savings_plan_end_time: spEnd,
          savings_plan_offering_type: 'ComputeSavingsPlans',
          savings_plan_payment_option: 'No Upfront',
          savings_plan_purchase_term: '3yr',
        },
      },
      {
        account: '222222222222',
        day,
        type: 'SavingsPlanCoveredUsage',
        usageType: 'BoxUsage:m5.xlarge',
        instanceType: 'm5.xlarge',
        qty: 104.17,
        billed: 20,
        effective: 14.4,
        list: 20,
        arn: SP_ARN,
      },
      {
        account: '222222222222',
        day,
        type: 'DiscountedUsage',
        usageType: 'BoxUsage:m5.large',
        instanceType: 'm5.large',
        qty: 36,
        billed: 0,
        effective: 1.8,
        list: 3.456,
        arn: RI_ARN,
      },
      {
        account: '222222222222',
        day,
        type: 'Usage',
        usageType: 'BoxUsage:m5.large',
        instanceType: 'm5.large',
        qty: 52,
        billed: 5,
        effective: 5,
        list: 5,
        arn: null,
      },
    );
  }
  lines.push({
    account: '111111111111',
    day: '2025-05-01',
    type: 'RIFee',
    usageType: 'HeavyUsage:m5.large',
    instanceType: 'm5.large',
    qty: 1488,
    billed: 74.4,
    effective: 18.6,
    list: 0,
    arn: RI_ARN,
    attrs: {
      reservation_start_time: riStart,
      reservation_end_time: riEnd,
      reservation_number_of_reservations: '2',
      pricing_purchase_option: 'No Upfront',
      pricing_lease_contract_length: '1yr',
    },
  });
  const placeholders = (row: number) =>
    `(${COLUMNS.map((c, i) => {
      const p = `$${row * COLUMNS.length + i + 1}`;
      return c === 'billing_period' || c === 'usage_date' ? `CAST(${p} AS DATE)` : p;
    }).join(', ')})`;
  const params: SqlParam[] = [];
  lines.forEach((l) => {
    const sp = l.arn === SP_ARN;
    params.push(
      orgId,
      cloudAccountId,
      '2025-05-01',
      '111111111111',
      l.account,
      l.day,
      l.type.endsWith('Fee') ? 'Purchase' : 'Usage',
      sp && l.type.endsWith('Fee') ? 'Savings Plans for AWS Compute usage' : 'Amazon Elastic Compute Cloud',
      sp && l.type.endsWith('Fee') ? 'ComputeSavingsPlans' : 'AmazonEC2',
      'us-east-1',
      l.qty,
      l.billed,
      l.billed,
      l.effective,
      l.effective,
      l.list,
      'USD',
      l.arn,
      l.arn === null ? null : sp ? 'Savings Plan' : 'Reserved Instance',
      l.type,
      l.usageType,
      l.instanceType,
      'aws',
      l.attrs ? JSON.stringify(l.attrs) : null,
    );
  });
  await store.execute(
    `INSERT INTO cost_line_items (${COLUMNS.join(', ')}) VALUES ${lines.map((_, i) => placeholders(i)).join(', ')}`,
    params,
  );
}
