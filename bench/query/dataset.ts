/**
 * The benchmark organization's bill: `rows` line items over 13 months and 40 accounts, generated with SQL straight
 * into a store (deterministic: the same size gives the same bill), with the `cost_daily` rollup built as a billing
 * load builds it. Shared by bench/query (the cost service in-process) and bench/load (the server under many clients).
 */
import { DAILY_COLUMNS, dailyRollupSql, groupsSql } from '../../src/billing/rollup.js';
import { addDays, addMonths, monthStart } from '../../src/lib/dates.js';
import type { Store } from '../../src/store/store.js';

export const ACCOUNTS = 40;
/** Each resource bills several line items a day (usage types), as in a real export: 60,000 resources in all. */
export const RESOURCES_PER_ACCOUNT = 1500;
export const COST_CENTERS = ['finance', 'product', 'research'];

export interface DatasetOptions {
  orgId: string;
  rows: number;
  /** The dashboard's "today": data runs from the 1st of the month a year before to the day before. */
  asOf: string;
  log?: (msg: string) => void;
}

/** First and last day with data for `asOf`. */
export function datasetDays(asOf: string): { firstDay: string; lastDay: string } {
  return { firstDay: addMonths(monthStart(asOf), -12), lastDay: addDays(asOf, -1) };
}

const SERVICES = [
  ['Amazon Elastic Compute Cloud', 30],
  ['Amazon Relational Database Service', 12],
  ['Amazon Simple Storage Service', 10],
  ['AWS Lambda', 6],
  ['Amazon Elastic Container Service', 6],
  ['Amazon CloudFront', 5],
  ['Amazon DynamoDB', 5],
  ['Elastic Load Balancing', 4],
  ['Amazon ElastiCache', 4],
  ['Amazon Virtual Private Cloud', 3],
  ['Amazon CloudWatch', 3],
  ['AWS Key Management Service', 2],
  ['Amazon Route 53', 2],
  ['Amazon Simple Queue Service', 2],
  ['Amazon Elastic Kubernetes Service', 2],
  ['AWS Glue', 1],
  ['Amazon Athena', 1],
  ['Amazon Kinesis', 1],
  ['AWS Secrets Manager', 1],
  ['Tax', 1],
] as const;
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-southeast-1',
  'ap-northeast-1',
  'sa-east-1',
];
export const TEAMS = ['platform', 'data', 'web', 'mobile', 'ml', 'search', 'payments', 'growth'];

const sqlList = (xs: readonly string[]) => `[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]`;

/** Deterministic line items: rows ordered by day as billing loads write them, weekly pattern and growth built in. */
export async function generate(store: Store, options: DatasetOptions): Promise<void> {
  const { orgId, rows: ROWS } = options;
  const { firstDay: FIRST_DAY, lastDay: LAST_DAY } = datasetDays(options.asOf);
  const log = options.log ?? (() => undefined);
  const days = Math.round((Date.parse(LAST_DAY) - Date.parse(FIRST_DAY)) / 86_400_000) + 1;
  const weighted = SERVICES.flatMap(([name, w]) => Array.from({ length: w }, () => name));
  const t0 = Date.now();
  await store.execute(`
    INSERT INTO cost_line_items (org_id, cloud_account_id, billing_period, billing_account_id, sub_account_id, sub_account_name,
      charge_period_start, charge_period_end, usage_date, charge_category, service_name, service_code, region_id, resource_id,
      billed_cost, x_net_billed_cost, effective_cost, x_net_effective_cost, list_cost, billing_currency, tags, x_line_item_type,
      x_usage_type, x_cost_categories)
    WITH g AS (
      SELECT i,
        CAST(DATE '${FIRST_DAY}' + CAST(floor(i * ${days} / ${ROWS}) AS INTEGER) AS DATE) AS d,
        hash(i) AS h1, hash(i * 7919 + 13) AS h2
      FROM range(${ROWS}) t(i)
    ), f AS (
      SELECT i, d, h1, h2,
        ${sqlList(weighted)}[1 + CAST(h1 % ${weighted.length} AS INTEGER)] AS service,
        1 + CAST((h1 >> 8) % ${ACCOUNTS} AS INTEGER) AS acct,
        ${sqlList(REGIONS)}[1 + CAST((h1 >> 16) % ${REGIONS.length} AS INTEGER)] AS region,
        CAST((h2 % ${RESOURCES_PER_ACCOUNT}) AS INTEGER) AS res,
        (CASE dayofweek(d) WHEN 0 THEN 0.7 WHEN 6 THEN 0.75 ELSE 1.0 END)
          * (1 + 0.3 * (d - DATE '${FIRST_DAY}') / ${days}) * (0.01 + ((h2 >> 20) % 100000) / 10000.0) AS cost
      FROM g
    )
    SELECT '${orgId.replace(/'/g, "''")}', 'ca_payer', CAST(date_trunc('month', d) AS DATE), '900000000000',
      CAST(100000000000 + acct AS VARCHAR), 'Account ' || acct,
      CAST(d AS TIMESTAMPTZ), CAST(d + 1 AS TIMESTAMPTZ), d,
      CASE WHEN service = 'Tax' THEN 'Tax' ELSE 'Usage' END, service, replace(service, ' ', ''),
      CASE WHEN service = 'Tax' THEN NULL ELSE region END,
      CASE WHEN service IN ('Tax', 'Amazon Route 53') THEN NULL ELSE 'r-' || acct || '-' || res END,
      round(cost, 10), round(cost * 0.93, 10), round(cost * 0.85, 10), round(cost * 0.8, 10), round(cost * 1.1, 10), 'USD',
      CASE WHEN (h2 >> 40) % 10 < 7 THEN
        '{"user:team":"' || ${sqlList(TEAMS)}[1 + CAST((h2 >> 44) % ${TEAMS.length} AS INTEGER)] || '","user:env":"' ||
        CASE WHEN (h2 >> 50) % 3 = 0 THEN 'staging' ELSE 'prod' END || '"}' END,
      'Usage', region || ':usage-' || CAST((h1 >> 24) % 12 AS INTEGER),
      -- An AWS cost category by account, as the CUR carries it; one account in four is in none.
      CASE WHEN acct % 4 = 3 THEN NULL ELSE
        '{"CostCenter":"' || ${sqlList(COST_CENTERS)}[1 + acct % 4] || '"}' END
    FROM f ORDER BY d`);
  log(`generated ${ROWS.toLocaleString('en-US')} line items in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = Date.now();
  // The billing load's own rollup SQL, in day order as loads write it month by month.
  const rollup = dailyRollupSql(`(${groupsSql('cost_line_items')}) AS g`);
  await store.execute(
    `INSERT INTO cost_daily (${DAILY_COLUMNS.join(', ')}) SELECT * FROM (${rollup}) AS d ORDER BY usage_date`,
  );
  await store.execute(
    `INSERT INTO billing_periods (org_id, cloud_account_id, export_key, billing_period, state, loaded_at)
     SELECT DISTINCT org_id, cloud_account_id, 'bench', billing_period, 'loaded', now() FROM cost_daily`,
  );
  log(`built cost_daily in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
}
