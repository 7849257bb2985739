/**
 * Cost Explorer source: daily cost by linked account, region, service and usage type, for accounts
 * connected without an S3 export. Every GetCostAndUsage request costs $0.01, so a sync asks for as little
 * as it can: one MONTHLY request finds the (account, region) pairs with spend, then one DAILY request
 * (plus pages) per pair returns service × usage type for the whole range at once. Months that can no
 * longer change are not fetched again. Cost categories add one request series per category
 * (cost-explorer-categories.ts).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  GetCostAndUsageCommand,
  type CostExplorerClient,
  type Expression,
} from '@aws-sdk/client-cost-explorer';
import { withAwsRetry } from '../sdk/retry.js';
import { assignCostCategories, costCategoriesJson, fetchCategoryShares } from './cost-explorer-categories.js';
import { addDays, addMonths, isoDate, monthStart } from '../../../lib/dates.js';
import type { Store } from '../../../store/store.js';
import { LINE_ITEM_COLUMNS } from '../../../billing/line-item-columns.js';
import { recordApiMonthLoaded } from '../../../billing/period-bookkeeping.js';
import {
  accountsSql,
  DAILY_COLUMNS,
  dailyRollupSql,
  groupsSql,
  toTotals,
  totalsSql,
} from '../../../billing/rollup.js';

export type CostExplorer = Pick<CostExplorerClient, 'send'>;

export const COST_EXPLORER_EXPORT_KEY = 'cost-explorer';

const METRICS = ['UnblendedCost', 'NetUnblendedCost', 'AmortizedCost', 'NetAmortizedCost', 'UsageQuantity'];

/** Cost Explorer's SERVICE names → CUR product code and product name, so both sources group alike. */
export const CE_SERVICES: Readonly<Record<string, { code: string; name: string }>> = {
  'Amazon Elastic Compute Cloud - Compute': { code: 'AmazonEC2', name: 'Amazon Elastic Compute Cloud' },
  'EC2 - Other': { code: 'AmazonEC2', name: 'Amazon Elastic Compute Cloud' },
  'Amazon Virtual Private Cloud': { code: 'AmazonVPC', name: 'Amazon Virtual Private Cloud' },
  'Amazon Elastic Load Balancing': { code: 'AWSELB', name: 'Elastic Load Balancing' },
  'Amazon Simple Storage Service': { code: 'AmazonS3', name: 'Amazon Simple Storage Service' },
  'Amazon Relational Database Service': { code: 'AmazonRDS', name: 'Amazon Relational Database Service' },
  'AWS Lambda': { code: 'AWSLambda', name: 'AWS Lambda' },
  AmazonCloudWatch: { code: 'AmazonCloudWatch', name: 'AmazonCloudWatch' },
  'AWS Data Transfer': { code: 'AWSDataTransfer', name: 'AWS Data Transfer' },
  'Amazon DynamoDB': { code: 'AmazonDynamoDB', name: 'Amazon DynamoDB' },
  'Amazon CloudFront': { code: 'AmazonCloudFront', name: 'Amazon CloudFront' },
  'Amazon Route 53': { code: 'AmazonRoute53', name: 'Amazon Route 53' },
  'AWS Support (Business)': { code: 'AWSSupportBusiness', name: 'AWS Support (Business)' },
  'AWS Support (Enterprise)': { code: 'AWSSupportEnterprise', name: 'AWS Support (Enterprise)' },
  'AWS Support (Developer)': { code: 'AWSDeveloperSupport', name: 'AWS Support (Developer)' },
  'Savings Plans for AWS Compute usage': {
    code: 'ComputeSavingsPlans',
    name: 'Savings Plans for AWS Compute usage',
  },
  'Amazon Elastic Container Service for Kubernetes': {
    code: 'AmazonEKS',
    name: 'Amazon Elastic Container Service for Kubernetes',
  },
  'Amazon Elastic Container Service': { code: 'AmazonECS', name: 'Amazon Elastic Container Service' },
  'Amazon Simple Queue Service': { code: 'AWSQueueService', name: 'Amazon Simple Queue Service' },
  'Amazon Simple Notification Service': { code: 'AmazonSNS', name: 'Amazon Simple Notification Service' },
  'Amazon ElastiCache': { code: 'AmazonElastiCache', name: 'Amazon ElastiCache' },
  'Amazon Elastic File System': { code: 'AmazonEFS', name: 'Amazon Elastic File System' },
  'AWS Key Management Service': { code: 'awskms', name: 'AWS Key Management Service' },
  'AWS Config': { code: 'AWSConfig', name: 'AWS Config' },
  'AWS CloudTrail': { code: 'AWSCloudTrail', name: 'AWS CloudTrail' },
  'AWS Secrets Manager': { code: 'AWSSecretsManager', name: 'AWS Secrets Manager' },
  Tax: { code: 'Tax', name: 'Tax' },
};

/**
 * CE sometimes names a service differently from CUR's product code for the same bill line (the simulator's
 * SQS is `AmazonSQS`); the code is looked up by name, and an unknown name keeps the name as its code.
 */
function serviceOf(ceName: string): { code: string; name: string } {
  return CE_SERVICES[ceName] ?? { code: ceName, name: ceName };
}

export interface CeMonthPlan {
  /** Months to (re)fetch, `YYYY-MM-01`, oldest first. */
  fetch: string[];
  /** Months in the window already final in the store. */
  final: string[];
}

/** Days after a month's end during which AWS may still restate it. */
export const RESTATEMENT_DAYS = 15;

/**
 * Which months of the window to fetch: every month not yet final. A month is final once it has ended,
 * its restatement window has passed, and the last fetch returned no estimated day for it.
 */
export function planCeMonths(now: Date, months: number, stored: Map<string, string>): CeMonthPlan {
  const current = monthStart(isoDate(now));
  const fetch: string[] = [];
  const final: string[] = [];
  for (let i = months - 1; i >= 0; i--) {
    const key = addMonths(current, -i);
    if (stored.get(key) === 'final') final.push(key);
    else fetch.push(key);
  }
  return { fetch, final };
}

export function isMonthFinal(month: string, now: Date, anyEstimated: boolean): boolean {
  const end = Date.parse(`${addMonths(monthStart(month), 1)}T00:00:00Z`);
  return !anyEstimated && now.getTime() >= end + RESTATEMENT_DAYS * 86_400_000;
}

interface CeLine {
  day: string;
  account: string;
  region: string;
  service: string;
  usageType: string;
  unblended: number;
  net: number;
  amortized: number;
  netAmortized: number;
  usage: number;
  currency: string;
  /** AWS cost categories of the line: name → value. */
  costCategories?: Record<string, string>;
}

async function* pages(
  ce: CostExplorer,
  input: ConstructorParameters<typeof GetCostAndUsageCommand>[0],
  signal?: AbortSignal,
  count?: () => void,
) {
  let token: string | undefined;
  do {
    const page = token;
    // Counted per request sent, retried ones included, so the count bounds what Cost Explorer bills.
    const res = await withAwsRetry(
      () => {
        count?.();
        return ce.send(new GetCostAndUsageCommand({ ...input, NextPageToken: page }), {
          abortSignal: signal,
        });
      },
      { signal },
    );
    yield res;
    token = res.NextPageToken;
  } while (token);
}

export interface CeFetch {
  lines: CeLine[];
  /** Months (`YYYY-MM-01`) with at least one day Cost Explorer marked as estimated. */
  estimatedMonths: Set<string>;
  requests: number;
  /** Of the requests, those made for cost categories (ListCostCategoryDefinitions and their GetCostAndUsage). */
  categoryRequests: number;
}

/** Fetches daily lines for [start, end) with the pair plan described at the top of this file. */
export async function fetchCostExplorer(
  ce: CostExplorer,
  start: string,
  end: string,
  signal?: AbortSignal,
  onRequest?: (n: number) => void,
): Promise<CeFetch> {
  let requests = 0;
  const count = () => {
    requests++;
    onRequest?.(requests);
  };
  const pairs = new Set<string>();
  for await (const res of pages(
    ce,
    {
      TimePeriod: { Start: start, End: end },
      Granularity: 'MONTHLY',
      Metrics: ['UnblendedCost'],
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'DIMENSION', Key: 'REGION' },
      ],
    },
    signal,
    count,
  )) {
    for (const r of res.ResultsByTime ?? []) {
      for (const g of r.Groups ?? []) {
        const [account, region] = g.Keys ?? [];
        if (account !== undefined && region !== undefined) pairs.add(JSON.stringify([account, region]));
      }
    }
  }
  const lines: CeLine[] = [];
  const estimatedMonths = new Set<string>();
  for (const pair of [...pairs].sort()) {
    const [account, region] = JSON.parse(pair) as [string, string];
    const filter: Expression = {
      And: [
        { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [account] } },
        { Dimensions: { Key: 'REGION', Values: [region] } },
      ],
    };
    for await (const res of pages(
      ce,
      {
        TimePeriod: { Start: start, End: end },
        Granularity: 'DAILY',
        Metrics: METRICS,
        Filter: filter,
        GroupBy: [
          { Type: 'DIMENSION', Key: 'SERVICE' },
          { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
        ],
      },
      signal,
      count,
    )) {
      for (const r of res.ResultsByTime ?? []) {
        const d = r.TimePeriod?.Start ?? '';
        if (r.Estimated) estimatedMonths.add(`${d.slice(0, 7)}-01`);
        for (const g of r.Groups ?? []) {
          const m = g.Metrics ?? {};
          const amount = (k: string) => Number(m[k]?.Amount ?? 0);
          lines.push({
            day: d,
            account,
            region,
            service: g.Keys?.[0] ?? '',
            usageType: g.Keys?.[1] ?? '',
            unblended: amount('UnblendedCost'),
            net: amount('NetUnblendedCost'),
            amortized: amount('AmortizedCost'),
            netAmortized: amount('NetAmortizedCost'),
            usage: amount('UsageQuantity'),
            currency: m.UnblendedCost?.Unit ?? 'USD',
          });
        }
      }
    }
  }
  const before = requests;
  const categories = await fetchCategoryShares(ce, start, end, { signal, count });
  return {
    lines: assignCostCategories(lines, categories.names, categories.shares),
    estimatedMonths,
    requests,
    categoryRequests: requests - before,
  };
}

const csvField = (v: string | number | null): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const NO_REGION = new Set(['', 'global', 'NoRegion']);

/** Writes the lines of one month as a CSV with the columns of `cost_line_items`. */
export async function writeMonthCsv(
  file: string,
  lines: CeLine[],
  ids: { orgId: string; cloudAccountId: string; month: string },
): Promise<number> {
  const out: string[] = [LINE_ITEM_COLUMNS.join(',')];
  for (const l of lines) {
    const s = serviceOf(l.service);
    const money = (x: number) => x.toFixed(10);
    const row: Record<(typeof LINE_ITEM_COLUMNS)[number], string | number | null> = {
      org_id: ids.orgId,
      cloud_account_id: ids.cloudAccountId,
      billing_period: ids.month,
      billing_account_id: null,
      sub_account_id: l.account,
      sub_account_name: null,
      charge_period_start: `${l.day}T00:00:00Z`,
      charge_period_end: `${addDays(l.day, 1)}T00:00:00Z`,
      usage_date: l.day,
      charge_category: s.code === 'Tax' ? 'Tax' : 'Usage',
      charge_description: null,
      service_name: s.name,
      service_code: s.code,
      region_id: NO_REGION.has(l.region) ? null : l.region,
      availability_zone: null,
      resource_id: null,
      resource_type: null,
      sku_id: null,
      pricing_unit: null,
      consumed_quantity: l.usage,
      billed_cost: money(l.unblended),
      x_net_billed_cost: money(l.net),
      effective_cost: money(l.amortized),
      x_net_effective_cost: money(l.netAmortized),
      list_cost: null,
      billing_currency: l.currency,
      commitment_discount_id: null,
      commitment_discount_type: null,
      tags: null,
      x_line_item_type: null,
      x_usage_type: l.usageType === '' ? null : l.usageType,
      x_operation: null,
      x_instance_type: null,
      provider: 'aws',
      x_provider_columns: null,
      x_cost_categories: costCategoriesJson(l.costCategories),
    };
    out.push(LINE_ITEM_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  await writeFile(file, `${out.join('\n')}\n`);
  return lines.length;
}

/** Replaces one month of the Cost Explorer source in one transaction. */
export async function replaceCeMonth(
  store: Store,
  dir: string,
  lines: CeLine[],
  m: { orgId: string; cloudAccountId: string; month: string; identity: string; now: Date },
): Promise<{ rows: number; newestUsageDate: string | null }> {
  const file = path.join(dir, `ce-${m.month}.csv`);
  await writeMonthCsv(file, lines, m);
  const rel = `(SELECT * FROM cost_line_items WHERE cloud_account_id = '${m.cloudAccountId.replace(/'/g, "''")}' AND billing_period = DATE '${m.month}') AS li`;
  // A Cost Explorer month is small: its groups are computed again for each of the three statements.
  const groups = `(${groupsSql(rel)}) AS g`;
  return store.transaction(async (tx) => {
    const where = 'WHERE cloud_account_id = $1 AND billing_period = CAST($2 AS DATE)';
    await tx.execute(`DELETE FROM cost_line_items ${where}`, [m.cloudAccountId, m.month]);
    await tx.execute(`DELETE FROM cost_daily ${where}`, [m.cloudAccountId, m.month]);
    if (lines.length > 0) await store.copyCsvInto(tx, 'cost_line_items', LINE_ITEM_COLUMNS, file);
    await tx.execute(`INSERT INTO cost_daily (${DAILY_COLUMNS.join(', ')}) ${dailyRollupSql(groups)}`);
    const totals = toTotals(await tx.query(totalsSql(groups)), await tx.query(accountsSql(groups)));
    await recordApiMonthLoaded(tx, {
      orgId: m.orgId,
      cloudAccountId: m.cloudAccountId,
      exportKey: COST_EXPLORER_EXPORT_KEY,
      month: m.month,
      identity: m.identity,
      totals,
      now: m.now,
    });
    return { rows: totals.rows, newestUsageDate: totals.newestUsageDate };
  });
}
