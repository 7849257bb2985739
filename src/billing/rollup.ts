/**
 * SQL (run by DuckDB) over normalized line items: the daily rollup, the period totals, and the rows of
 * member accounts that are not imported. `rel` is a relation with the columns of `cost_line_items`.
 */
import { literal } from './column-names.js';

export const DAILY_COLUMNS = [
  'org_id',
  'cloud_account_id',
  'billing_period',
  'usage_date',
  'sub_account_id',
  'service_name',
  'service_code',
  'region_id',
  'charge_category',
  'billing_currency',
  'billed_cost',
  'net_billed_cost',
  'effective_cost',
  'net_effective_cost',
  'list_cost',
  'row_count',
] as const;

/** cost_daily rows of `rel`: one per day, account, service, region, charge category and currency. */
export function dailyRollupSql(rel: string): string {
  const d = (c: string) => `CAST(sum(${c}) AS DECIMAL(18,6))`;
  return `SELECT org_id, cloud_account_id, billing_period, usage_date, sub_account_id, service_name, service_code,
      region_id, charge_category, billing_currency,
      ${d('billed_cost')} AS billed_cost, ${d('x_net_billed_cost')} AS net_billed_cost,
      ${d('effective_cost')} AS effective_cost, ${d('x_net_effective_cost')} AS net_effective_cost,
      ${d('list_cost')} AS list_cost, count(*) AS row_count
    FROM ${rel}
    GROUP BY org_id, cloud_account_id, billing_period, usage_date, sub_account_id, service_name, service_code,
      region_id, charge_category, billing_currency`;
}

/** Totals per currency of `rel` (sums never mix currencies). */
export function totalsSql(rel: string): string {
  const s = (c: string) => `CAST(sum(${c}) AS DOUBLE PRECISION)`;
  return `SELECT billing_currency AS currency, count(*) AS row_count,
      ${s('billed_cost')} AS billed, ${s('x_net_billed_cost')} AS net_billed,
      ${s('effective_cost')} AS effective, ${s('x_net_effective_cost')} AS net_effective,
      ${s('list_cost')} AS list, CAST(max(usage_date) AS VARCHAR) AS newest_usage_date
    FROM ${rel} GROUP BY billing_currency ORDER BY billing_currency`;
}

/** SQL condition: the line belongs to an account whose rows are kept. */
export function keptCondition(connectedAccountIds: readonly string[]): string {
  if (connectedAccountIds.length === 0) return 'FALSE';
  return `coalesce(sub_account_id, billing_account_id, '') IN (${connectedAccountIds.map(literal).join(', ')})`;
}

/** Rows and billed cost per account and currency of the lines not kept. */
export function notImportedSql(rel: string, connectedAccountIds: readonly string[]): string {
  return `SELECT coalesce(sub_account_id, billing_account_id, '') AS account_id, billing_currency AS currency,
      count(*) AS row_count, CAST(sum(billed_cost) AS DOUBLE PRECISION) AS billed
    FROM ${rel} WHERE NOT (${keptCondition(connectedAccountIds)})
    GROUP BY ALL ORDER BY account_id, currency`;
}

export interface CurrencyTotals {
  rows: number;
  billed: number;
  netBilled: number;
  effective: number;
  netEffective: number;
  list: number;
}

export interface PeriodTotals {
  rows: number;
  /** Usage accounts whose rows are stored. */
  accounts: string[];
  /** Per currency: sums never mix currencies. */
  byCurrency: Record<string, CurrencyTotals>;
  newestUsageDate: string | null;
}

export interface NotImported {
  accounts: { id: string; rows: number; billed: number; currency: string }[];
  rows: number;
  /** Billed cost of the rows not imported, when they are all in one currency (else null; see byCurrency). */
  billed: number | null;
  byCurrency: Record<string, number>;
}

const round6 = (n: unknown) => Math.round(Number(n ?? 0) * 1e6) / 1e6;

/** The usage accounts present in `rel`. */
export function accountsSql(rel: string): string {
  return `SELECT DISTINCT coalesce(sub_account_id, billing_account_id, '') AS account_id FROM ${rel} ORDER BY 1`;
}

export function toTotals(
  rows: Record<string, unknown>[],
  accountRows: Record<string, unknown>[] = [],
): PeriodTotals {
  const byCurrency: Record<string, CurrencyTotals> = {};
  let total = 0;
  let newest: string | null = null;
  for (const r of rows) {
    const n = Number(r.row_count);
    total += n;
    byCurrency[String(r.currency)] = {
      rows: n,
      billed: round6(r.billed),
      netBilled: round6(r.net_billed),
      effective: round6(r.effective),
      netEffective: round6(r.net_effective),
      list: round6(r.list),
    };
    const d = r.newest_usage_date === null ? null : String(r.newest_usage_date);
    if (d && (!newest || d > newest)) newest = d;
  }
  return {
    rows: total,
    accounts: accountRows.map((r) => String(r.account_id)),
    byCurrency,
    newestUsageDate: newest,
  };
}

export function toNotImported(rows: Record<string, unknown>[]): NotImported {
  const byCurrency: Record<string, number> = {};
  let count = 0;
  const accounts = rows.map((r) => {
    const entry = {
      id: String(r.account_id),
      rows: Number(r.row_count),
      billed: round6(r.billed),
      currency: String(r.currency),
    };
    count += entry.rows;
    byCurrency[entry.currency] = round6((byCurrency[entry.currency] ?? 0) + entry.billed);
    return entry;
  });
  const currencies = Object.keys(byCurrency);
  return {
    accounts,
    rows: count,
    billed: currencies.length === 0 ? 0 : currencies.length === 1 ? byCurrency[currencies[0]] : null,
    byCurrency,
  };
}
