import type { DuckDBConnection } from '@duckdb/node-api';
import type { Meter } from './meters.js';

/**
 * Line items are made inside DuckDB: a `meters` table (one row per usage source) is joined with the
 * time units of a billing period, and fee, discount and tax rows are derived from those rows with SQL.
 * Everything is a pure function of the seed and the meters, so the same inputs give the same bytes.
 */

export const LI_SCHEMA = `
  meter_id BIGINT DEFAULT 0, sub INTEGER DEFAULT 0, ts0 BIGINT, ts1 BIGINT, account_id VARCHAR, line_type VARCHAR,
  product_code VARCHAR, product_name VARCHAR DEFAULT '', product_family VARCHAR DEFAULT '',
  usage_type VARCHAR DEFAULT '', operation VARCHAR DEFAULT '', az VARCHAR DEFAULT '', region VARCHAR DEFAULT '',
  resource_id VARCHAR DEFAULT '', instance_type VARCHAR DEFAULT '', pricing_unit VARCHAR DEFAULT '',
  description VARCHAR DEFAULT '', sku VARCHAR DEFAULT '',
  tag_keys VARCHAR[] DEFAULT [], tag_vals VARCHAR[] DEFAULT [],
  usage_amount DOUBLE DEFAULT 0, unblended_rate DOUBLE DEFAULT 0, unblended DOUBLE DEFAULT 0,
  net_unblended DOUBLE DEFAULT 0, edp DOUBLE DEFAULT 0, public_rate DOUBLE, public_cost DOUBLE, term VARCHAR DEFAULT '',
  ri_arn VARCHAR DEFAULT '', ri_effective DOUBLE, ri_unused_upfront DOUBLE, ri_unused_recurring DOUBLE,
  ri_amortized_upfront DOUBLE, ri_start BIGINT, ri_end BIGINT,
  sp_arn VARCHAR DEFAULT '', sp_effective DOUBLE, sp_rate DOUBLE, sp_total_commitment DOUBLE,
  sp_used_commitment DOUBLE, sp_start BIGINT, sp_end BIGINT, sp_offering VARCHAR DEFAULT ''`;

/** Amortized cost of a row: the AWS-FACTS §3 formula over the exported columns. */
export const EFFECTIVE_SQL = `CASE line_type
  WHEN 'SavingsPlanCoveredUsage' THEN coalesce(sp_effective, 0)
  WHEN 'SavingsPlanRecurringFee' THEN coalesce(sp_total_commitment, 0) - coalesce(sp_used_commitment, 0)
  WHEN 'SavingsPlanNegation' THEN 0
  WHEN 'SavingsPlanUpfrontFee' THEN 0
  WHEN 'DiscountedUsage' THEN coalesce(ri_effective, 0)
  WHEN 'RIFee' THEN coalesce(ri_unused_upfront, 0) + coalesce(ri_unused_recurring, 0)
  WHEN 'Fee' THEN CASE WHEN ri_arn <> '' THEN 0 ELSE unblended END
  ELSE unblended END`;

/** Net amortized: the same formula with net counterparts (commitments carry no EDP here, so only `else` differs). */
export const NET_EFFECTIVE_SQL = EFFECTIVE_SQL.replaceAll(' unblended END', ' net_unblended END');

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function sqlValue(v: string | number | boolean | null | string[]): string {
  if (v === null) return 'NULL';
  if (Array.isArray(v)) return `[${v.map(sqlString).join(', ')}]::VARCHAR[]`;
  if (typeof v === 'string') return sqlString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  return Number.isInteger(v) ? `${v}` : `${v}::DOUBLE`;
}

/** Inserts literal rows into a table by column name (missing columns take their defaults). */
export async function insertRows(
  conn: DuckDBConnection,
  table: string,
  rows: Array<Record<string, string | number | boolean | null | string[]>>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const cols = Object.keys(chunk[0]);
    const values = chunk.map((r) => `(${cols.map((c) => sqlValue(r[c] ?? null)).join(', ')})`).join(',\n');
    await conn.run(`INSERT INTO ${table} BY NAME SELECT * FROM (VALUES ${values}) v(${cols.join(', ')})`);
  }
}

export async function createMetersTable(conn: DuckDBConnection, meters: Meter[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE meters (
    meter_id BIGINT, account_id VARCHAR, region VARCHAR, az VARCHAR, product_code VARCHAR, product_name VARCHAR,
    product_family VARCHAR, usage_type VARCHAR, operation VARCHAR, resource_id VARCHAR, instance_type VARCHAR,
    pricing_unit VARCHAR, description VARCHAR, sku VARCHAR, rate DOUBLE, qty DOUBLE, monthly BOOLEAN,
    variability DOUBLE, start_s BIGINT, end_s BIGINT, cover_kind VARCHAR, cover_arn VARCHAR, cover_start_s BIGINT,
    cover_end_s BIGINT, cover_rate DOUBLE, tag_keys VARCHAR[], tag_vals VARCHAR[])`);
  if (meters.length > 0)
    await insertRows(
      conn,
      'meters',
      meters as unknown as Array<Record<string, string | number | boolean | string[]>>,
    );
}

/**
 * Adds `count` synthetic meters (Lambda functions, S3 buckets, DynamoDB tables) spread over the accounts and
 * regions, to scale a bill to benchmark sizes without listing resources one by one.
 */
export async function addFillerMeters(
  conn: DuckDBConnection,
  opts: {
    seed: number;
    count: number;
    accounts: string[];
    regions: string[];
    start: number;
    firstId: number;
  },
): Promise<void> {
  if (opts.count <= 0 || opts.accounts.length === 0) return;
  const accts = `[${opts.accounts.map(sqlString).join(',')}]`;
  const regions = `[${opts.regions.map(sqlString).join(',')}]`;
  await conn.run(`INSERT INTO meters
    WITH f AS (
      SELECT i, i % 3 AS kind,
        ${accts}[1 + (hash(${opts.seed}, 'filler-acct', i) % ${opts.accounts.length})::INTEGER] AS account_id,
        ${regions}[1 + (hash(${opts.seed}, 'filler-region', i) % ${opts.regions.length})::INTEGER] AS region,
        (hash(${opts.seed}, 'filler-size', i) % 1000)::DOUBLE / 1000.0 AS r
      FROM range(${opts.count}) t(i))
    SELECT ${opts.firstId} + i, account_id, region, '',
      CASE kind WHEN 0 THEN 'AWSLambda' WHEN 1 THEN 'AmazonS3' ELSE 'AmazonDynamoDB' END,
      CASE kind WHEN 0 THEN 'AWS Lambda' WHEN 1 THEN 'Amazon Simple Storage Service' ELSE 'Amazon DynamoDB' END,
      CASE kind WHEN 0 THEN 'Serverless' WHEN 1 THEN 'Storage' ELSE 'Database Storage' END,
      CASE kind WHEN 0 THEN 'Lambda-GB-Second' ELSE 'TimedStorage-ByteHrs' END,
      CASE kind WHEN 0 THEN 'Invoke' WHEN 1 THEN 'StandardStorage' ELSE 'StandardStorage' END,
      CASE kind WHEN 0 THEN 'arn:aws:lambda:' || region || ':' || account_id || ':function:filler-' || lpad(i::VARCHAR, 7, '0')
        WHEN 1 THEN 'filler-bucket-' || lpad(i::VARCHAR, 7, '0')
        ELSE 'arn:aws:dynamodb:' || region || ':' || account_id || ':table/filler-' || lpad(i::VARCHAR, 7, '0') END,
      '',
      CASE kind WHEN 0 THEN 'Lambda-GB-Second' ELSE 'GB-Mo' END,
      CASE kind WHEN 0 THEN 'AWS Lambda - Total Compute' ELSE 'Storage' END,
      'FILLER' || kind::VARCHAR,
      CASE kind WHEN 0 THEN 0.0000166667 WHEN 1 THEN 0.023 ELSE 0.25 END,
      CASE kind WHEN 0 THEN 200 + 20000 * r WHEN 1 THEN 50 + 5000 * r ELSE 5 + 200 * r END,
      kind <> 0, 0.3, ${opts.start}, 4102444800, '', '', 0, 0, 0,
      ['team']::VARCHAR[], [CASE i % 4 WHEN 0 THEN 'data' WHEN 1 THEN 'web' WHEN 2 THEN 'ml' ELSE 'platform' END]::VARCHAR[]
    FROM f`);
}

export interface PeriodSpec {
  /** Period bounds (epoch seconds, month start and next month start). */
  p0: number;
  p1: number;
  /** Data cut: rows start before this (00:00 UTC of `now`'s day, or the period end). */
  cutEnd: number;
  unitSeconds: 3600 | 86400;
  seed: number;
  edpRate: number;
}

/** Creates table `li` with the Usage / DiscountedUsage / SavingsPlanCoveredUsage / Negation / recurring-fee rows. */
export async function createUsageRows(conn: DuckDBConnection, p: PeriodSpec): Promise<void> {
  const S = p.unitSeconds;
  const hoursInMonth = (p.p1 - p.p0) / 3600;
  const u0 = Math.floor(p.p0 / S);
  const u1 = Math.max(u0, Math.ceil(p.cutEnd / S));
  await conn.run(`CREATE OR REPLACE TEMP TABLE units AS SELECT range * ${S} AS t0 FROM range(${u0}, ${u1})`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE li (${LI_SCHEMA})`);
  const amount = `(CASE WHEN m.monthly THEN m.qty / ${hoursInMonth} ELSE m.qty END) * ${S / 3600}
      * (1 + m.variability * ((hash(${p.seed}, m.meter_id, u.t0 // 86400) % 1000000)::DOUBLE / 1000000.0 - 0.5))`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE b AS
    SELECT m.*, u.t0 AS ts0, ${amount} AS amt,
      CASE WHEN m.cover_kind <> '' AND u.t0 >= m.cover_start_s AND u.t0 < m.cover_end_s THEN m.cover_kind ELSE '' END AS ck
    FROM meters m JOIN units u ON u.t0 >= m.start_s AND u.t0 < m.end_s`);
  const common = `meter_id, ts0, ts0 + ${S} AS ts1, account_id, product_code, product_name, product_family, usage_type,
    operation, az, region, resource_id, instance_type, pricing_unit, description, sku, tag_keys, tag_vals,
    amt AS usage_amount, rate AS public_rate, amt * rate AS public_cost`;
  await conn.run(`INSERT INTO li BY NAME SELECT ${common}, 0 AS sub,
      CASE ck WHEN 'ri' THEN 'DiscountedUsage' WHEN 'sp' THEN 'SavingsPlanCoveredUsage' ELSE 'Usage' END AS line_type,
      CASE ck WHEN 'ri' THEN 0.0 ELSE rate END AS unblended_rate,
      CASE ck WHEN 'ri' THEN 0.0 ELSE amt * rate END AS unblended,
      CASE ck WHEN '' THEN -(amt * rate * ${p.edpRate}) ELSE 0.0 END AS edp,
      CASE ck WHEN 'ri' THEN 0.0 WHEN 'sp' THEN amt * rate ELSE amt * rate * (1 - ${p.edpRate}) END AS net_unblended,
      CASE ck WHEN 'ri' THEN 'Reserved' WHEN 'sp' THEN 'OnDemand' ELSE 'OnDemand' END AS term,
      CASE ck WHEN 'ri' THEN cover_arn ELSE '' END AS ri_arn,
      CASE ck WHEN 'ri' THEN amt * cover_rate END AS ri_effective,
      CASE ck WHEN 'ri' THEN cover_start_s END AS ri_start, CASE ck WHEN 'ri' THEN cover_end_s END AS ri_end,
      CASE ck WHEN 'sp' THEN cover_arn ELSE '' END AS sp_arn,
      CASE ck WHEN 'sp' THEN amt * cover_rate END AS sp_effective,
      CASE ck WHEN 'sp' THEN cover_rate END AS sp_rate,
      CASE ck WHEN 'sp' THEN cover_start_s END AS sp_start, CASE ck WHEN 'sp' THEN cover_end_s END AS sp_end
    FROM b`);
  await conn.run(`INSERT INTO li BY NAME SELECT ${common.replace(' description,', '')}, 1 AS sub,
      'SavingsPlanNegation' AS line_type, 'SavingsPlanNegation used by AccountId : ' || account_id AS description,
      -rate AS unblended_rate, -(amt * rate) AS unblended, -(amt * rate) AS net_unblended, 'OnDemand' AS term,
      cover_arn AS sp_arn, cover_rate AS sp_rate, cover_start_s AS sp_start, cover_end_s AS sp_end
    FROM b WHERE ck = 'sp'`);
  await conn.run('DROP TABLE b');
}

export interface PlanRow {
  arn: string;
  account_id: string;
  commitment: number;
  start_s: number;
  end_s: number;
  offering: string;
}

/** SavingsPlanRecurringFee per time unit: the commitment, and the effective cost of the usage it covered. */
export async function addSavingsPlanFees(
  conn: DuckDBConnection,
  p: PeriodSpec,
  plans: PlanRow[],
): Promise<void> {
  if (plans.length === 0) return;
  const S = p.unitSeconds;
  await conn.run(
    'CREATE OR REPLACE TEMP TABLE sps (arn VARCHAR, account_id VARCHAR, commitment DOUBLE, start_s BIGINT, end_s BIGINT, offering VARCHAR)',
  );
  await insertRows(conn, 'sps', plans as unknown as Array<Record<string, string | number>>);
  await conn.run(`INSERT INTO li BY NAME
    SELECT 0 AS meter_id, 2 AS sub, u.t0 AS ts0, u.t0 + ${S} AS ts1, s.account_id, 'SavingsPlanRecurringFee' AS line_type,
      'ComputeSavingsPlans' AS product_code, 'Savings Plans for AWS Compute usage' AS product_name,
      'ComputeSP:1yrNoUpfront' AS usage_type, '' AS operation, s.arn AS resource_id, 'Hrs' AS pricing_unit,
      s.offering || ' recurring commitment' AS description,
      ${S / 3600}::DOUBLE AS usage_amount, s.commitment AS unblended_rate, s.commitment * ${S / 3600} AS unblended,
      s.commitment * ${S / 3600} AS net_unblended, 'Savings Plan' AS term, s.arn AS sp_arn,
      s.commitment * ${S / 3600} AS sp_total_commitment, coalesce(c.used, 0.0) AS sp_used_commitment,
      s.start_s AS sp_start, s.end_s AS sp_end, s.offering AS sp_offering
    FROM sps s JOIN units u ON u.t0 >= s.start_s AND u.t0 < s.end_s
    LEFT JOIN (SELECT sp_arn, ts0, sum(sp_effective) AS used FROM li WHERE line_type = 'SavingsPlanCoveredUsage'
               GROUP BY sp_arn, ts0) c ON c.sp_arn = s.arn AND c.ts0 = u.t0`);
}

/** EdpDiscount rows: one per usage account, product, region and day, summing the discount of Usage rows. */
export async function addEdpRows(conn: DuckDBConnection): Promise<void> {
  await conn.run(`INSERT INTO li BY NAME
    SELECT 0 AS meter_id, 3 AS sub, (ts0 // 86400) * 86400 AS ts0, (ts0 // 86400) * 86400 + 86400 AS ts1, account_id,
      'EdpDiscount' AS line_type, product_code, min(product_name) AS product_name, region,
      'Enterprise Program Discount' AS description, sum(edp) AS unblended, 0.0 AS net_unblended
    FROM li WHERE line_type = 'Usage' AND edp <> 0
    GROUP BY account_id, product_code, region, ts0 // 86400`);
}

/** Tax rows for a closed period: a share of each account's and product's net charges. */
export async function addTaxRows(conn: DuckDBConnection, p: PeriodSpec, taxRate: number): Promise<void> {
  if (taxRate <= 0) return;
  await conn.run(`INSERT INTO li BY NAME
    SELECT 0 AS meter_id, 4 AS sub, ${p.p0} AS ts0, ${p.p1} AS ts1, account_id, 'Tax' AS line_type, product_code,
      min(product_name) AS product_name, 'Tax for product code ' || product_code AS description,
      round(sum(net_unblended) * ${taxRate}, 2) AS unblended, round(sum(net_unblended) * ${taxRate}, 2) AS net_unblended
    FROM li WHERE line_type IN ('Usage','DiscountedUsage','SavingsPlanCoveredUsage','SavingsPlanNegation',
      'SavingsPlanRecurringFee','RIFee','Fee')
    GROUP BY account_id, product_code HAVING round(sum(net_unblended) * ${taxRate}, 2) > 0`);
}

/** Instance-hours each reservation covered in the period (for RIFee unused amounts). */
export async function reservationHoursUsed(conn: DuckDBConnection): Promise<Map<string, number>> {
  const r = await conn.runAndReadAll(
    `SELECT ri_arn, sum(usage_amount) AS h FROM li WHERE line_type = 'DiscountedUsage' GROUP BY ri_arn ORDER BY ri_arn`,
  );
  return new Map(r.getRowObjectsJS().map((x) => [String(x.ri_arn), Number(x.h)]));
}

/** Sorts `li` by time once, so every export of the period is written in that order without sorting again. */
export async function sortLineItems(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    'CREATE OR REPLACE TEMP TABLE li AS SELECT * FROM li ORDER BY ts0, meter_id, sub, account_id, product_code, region, resource_id, line_type',
  );
}
