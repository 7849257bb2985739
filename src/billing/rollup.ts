/**
 * SQL over normalized line items: the period's groups, and from them the daily rollup, the period totals and
 * the rows of member accounts that are not imported.
 *
 * A load reads its line items once more, to group them (`groupsSql`): one row per day, account, service, region, provider,
 * charge category and currency, with exact sums and a row count. Everything else is computed from those few
 * thousand rows, so no query reads the millions of line items a transaction has just written (DuckDB's memory
 * grows when it does). The SQL runs on DuckDB and on PostgreSQL.
 */
import { literal } from './sql-text.js';

/** The usage account of a line item: its member account, or the payer's for lines without one. */
const USAGE_ACCOUNT = `coalesce(sub_account_id, billing_account_id, '')`;
const COST_SUMS = [
  ['billed_cost', 'billed_cost'],
  ['x_net_billed_cost', 'net_billed_cost'],
  ['effective_cost', 'effective_cost'],
  ['x_net_effective_cost', 'net_effective_cost'],
  ['list_cost', 'list_cost'],
] as const;
const GROUP_KEYS = [
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
  'provider',
] as const;

export const DAILY_COLUMNS = [...GROUP_KEYS, ...COST_SUMS.map(([, name]) => name), 'row_count'] as const;

/**
 * The groups of `rel` (a relation with the columns of `cost_line_items`): the keys of the daily rollup plus
 * the usage account, exact sums of the five costs, and the number of line items.
 */
export function groupsSql(rel: string): string {
  const keys = [...GROUP_KEYS, `${USAGE_ACCOUNT} AS usage_account_id`];
  return `SELECT ${keys.join(', ')}, ${COST_SUMS.map(([from, to]) => `sum(${from}) AS ${to}`).join(', ')},
      count(*) AS row_count
    FROM ${rel}
    GROUP BY ${[...GROUP_KEYS, USAGE_ACCOUNT].join(', ')}`;
}

/**
 * cost_daily rows of `groups`: one per day, account, service, region, charge category and currency, at the line
 * items' precision (10 decimals), so that every grouping of the rollup sums to the line items exactly.
 */
export function dailyRollupSql(groups: string): string {
  return `SELECT ${GROUP_KEYS.join(', ')},
      ${COST_SUMS.map(([, c]) => `CAST(sum(${c}) AS DECIMAL(18,10)) AS ${c}`).join(', ')},
      sum(row_count) AS row_count
    FROM ${groups}
    GROUP BY ${GROUP_KEYS.join(', ')}`;
}

/** Totals per currency of `groups` (sums never mix currencies). */
export function totalsSql(groups: string): string {
  const s = (c: string) => `CAST(sum(${c}) AS DOUBLE PRECISION)`;
  return `SELECT billing_currency AS currency, sum(row_count) AS row_count,
      ${s('billed_cost')} AS billed, ${s('net_billed_cost')} AS net_billed,
      ${s('effective_cost')} AS effective, ${s('net_effective_cost')} AS net_effective,
      ${s('list_cost')} AS list, CAST(max(usage_date) AS VARCHAR) AS newest_usage_date
    FROM ${groups} GROUP BY billing_currency ORDER BY billing_currency`;
}

/**
 * SQL condition: the line (or group, with `column` = 'usage_account_id') belongs to an account whose rows
 * are kept.
 */
export function keptCondition(
  connectedAccountIds: readonly string[],
  column: string = USAGE_ACCOUNT,
): string {
  if (connectedAccountIds.length === 0) return 'FALSE';
  return `${column} IN (${connectedAccountIds.map(literal).join(', ')})`;
}

/** Rows and billed cost per account and currency of the groups not kept. */
export function notImportedSql(groups: string, connectedAccountIds: readonly string[]): string {
  return `SELECT usage_account_id AS account_id, billing_currency AS currency,
      sum(row_count) AS row_count, CAST(sum(billed_cost) AS DOUBLE PRECISION) AS billed
    FROM ${groups} WHERE NOT (${keptCondition(connectedAccountIds, 'usage_account_id')})
    GROUP BY usage_account_id, billing_currency ORDER BY account_id, currency`;
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

/** The usage accounts present in `groups`. */
export function accountsSql(groups: string): string {
  return `SELECT DISTINCT usage_account_id AS account_id FROM ${groups} ORDER BY 1`;
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
  const sums: Record<string, number> = {};
  let count = 0;
  const accounts = rows.map((r) => {
    const entry = {
      id: String(r.account_id),
      rows: Number(r.row_count),
      billed: round6(r.billed),
      currency: String(r.currency),
    };
    count += entry.rows;
    // Summed before rounding, rounded once.
    sums[entry.currency] = (sums[entry.currency] ?? 0) + Number(r.billed ?? 0);
    byCurrency[entry.currency] = round6(sums[entry.currency]);
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
