import type { DuckDBConnection } from '@duckdb/node-api';
import type { ScenarioExport } from '../scenario/schema.js';
import { EFFECTIVE_SQL, NET_EFFECTIVE_SQL } from './lineitems.js';
import { exportFilter } from './write-export.js';
import { sqlString } from './lineitems.js';
import { cents, type TruthCosts, type TruthDailyRow, type TruthExport } from './truth.js';
import type { CeRow } from './generate.js';

export async function tagKeys(conn: DuckDBConnection): Promise<string[]> {
  const r = await conn.runAndReadAll(`SELECT DISTINCT unnest(tag_keys) AS k FROM li ORDER BY k`);
  return r.getRowObjectsJS().map((x) => String(x.k));
}

const DAY_SQL = `strftime(make_timestamp(ts0::BIGINT * 1000000), '%Y-%m-%d')`;

/** The period's costs per cost category and value (categories: name → usage account → value). */
async function categoryTruth(
  conn: DuckDBConnection,
  where: string,
  categories: Record<string, Record<string, string>>,
): Promise<Record<string, Record<string, TruthCosts>>> {
  const out: Record<string, Record<string, TruthCosts>> = {};
  for (const name of Object.keys(categories).sort()) {
    const whens = Object.entries(categories[name])
      .map(([a, v]) => `WHEN ${sqlString(a)} THEN ${sqlString(v)}`)
      .join(' ');
    if (!whens) continue;
    const rows = (
      await conn.runAndReadAll(`SELECT v, sum(unblended) AS b, sum(net_unblended) AS n, sum(${EFFECTIVE_SQL}) AS a,
        sum(${NET_EFFECTIVE_SQL}) AS na FROM (SELECT *, CASE account_id ${whens} ELSE '' END AS v FROM li WHERE ${where}) x
        WHERE v <> '' GROUP BY v ORDER BY v`)
    ).getRowObjectsJS();
    out[name] = Object.fromEntries(
      rows.map((r) => [
        String(r.v),
        {
          billed: cents(Number(r.b)),
          net: cents(Number(r.n)),
          amortized: cents(Number(r.a)),
          netAmortized: cents(Number(r.na)),
        },
      ]),
    );
  }
  return out;
}

export async function periodTruth(
  conn: DuckDBConnection,
  exp: ScenarioExport,
  t: TruthExport,
  period: string,
  categories: Record<string, Record<string, string>> = {},
): Promise<number> {
  const where = exportFilter(exp);
  t.costCategories[period] = await categoryTruth(conn, where, categories);
  const daily = (
    await conn.runAndReadAll(`SELECT account_id, product_code, ${DAY_SQL} AS day, sum(unblended) AS b,
      sum(net_unblended) AS n, sum(${EFFECTIVE_SQL}) AS a, sum(${NET_EFFECTIVE_SQL}) AS na
      FROM li WHERE ${where} GROUP BY ALL ORDER BY day, account_id, product_code`)
  ).getRowObjectsJS();
  const rows: TruthDailyRow[] = daily.map((r) => ({
    accountId: String(r.account_id),
    serviceCode: String(r.product_code),
    day: String(r.day),
    currency: 'USD',
    billed: cents(Number(r.b)),
    net: cents(Number(r.n)),
    amortized: cents(Number(r.a)),
    netAmortized: cents(Number(r.na)),
  }));
  t.daily = [...t.daily.filter((d) => d.day.slice(0, 7) !== period), ...rows].sort((a, b) =>
    a.day !== b.day
      ? a.day < b.day
        ? -1
        : 1
      : (a.accountId + a.serviceCode).localeCompare(b.accountId + b.serviceCode),
  );
  const tot = (
    await conn.runAndReadAll(`SELECT count(*) AS c, coalesce(sum(unblended), 0) AS b, coalesce(sum(net_unblended), 0) AS n,
      coalesce(sum(${EFFECTIVE_SQL}), 0) AS a, coalesce(sum(${NET_EFFECTIVE_SQL}), 0) AS na FROM li WHERE ${where}`)
  ).getRowObjectsJS()[0];
  t.periods[period] = {
    billed: cents(Number(tot.b)),
    net: cents(Number(tot.n)),
    amortized: cents(Number(tot.a)),
    netAmortized: cents(Number(tot.na)),
    rows: Number(tot.c),
  };
  return Number(tot.c);
}

export async function ceRows(conn: DuckDBConnection, payer: string): Promise<CeRow[]> {
  const r =
    await conn.runAndReadAll(`SELECT ${DAY_SQL} AS day, account_id, product_code, region, line_type, usage_type,
      instance_type, CASE WHEN sp_arn <> '' THEN sp_arn ELSE ri_arn END AS arn,
      sum(unblended) AS b, sum(net_unblended) AS n, sum(${EFFECTIVE_SQL}) AS a, sum(${NET_EFFECTIVE_SQL}) AS na,
      sum(usage_amount) AS u, coalesce(sum(public_cost), 0) AS od, coalesce(sum(sp_total_commitment), 0) AS spt,
      coalesce(sum(sp_used_commitment), 0) AS spu FROM li GROUP BY ALL ORDER BY ALL`);
  return r.getRowObjectsJS().map((x) => ({
    day: String(x.day),
    payerAccountId: payer,
    accountId: String(x.account_id),
    productCode: String(x.product_code),
    region: String(x.region),
    lineType: String(x.line_type),
    usageType: String(x.usage_type),
    unblended: Number(x.b),
    net: Number(x.n),
    amortized: Number(x.a),
    netAmortized: Number(x.na),
    usage: Number(x.u),
    instanceType: String(x.instance_type),
    arn: String(x.arn),
    onDemand: Number(x.od),
    spTotal: Number(x.spt),
    spUsed: Number(x.spu),
  }));
}
