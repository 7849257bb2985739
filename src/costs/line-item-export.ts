/**
 * Line items in FOCUS 1.x column names (with `x_` names for the AWS columns FOCUS has none for), as CSV or
 * Parquet. DuckDB writes the file itself; from PostgreSQL the rows are written to CSV day by day and an
 * in-process DuckDB turns that into Parquet.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDbStore } from '../store/duckdb-store.js';
import type { Store } from '../store/store.js';
import type { CostFilter } from './cost-query.js';
import { Params, whereSql } from './cost-sql.js';
import { csvLine } from './csv.js';
import { eachDay } from '../lib/dates.js';

/** FOCUS column → SQL over cost_line_items, with the DuckDB type used in Parquet. */
export const FOCUS_COLUMNS: readonly { name: string; sql: string; type: string }[] = [
  { name: 'ProviderName', sql: `'AWS'`, type: 'VARCHAR' },
  { name: 'BillingAccountId', sql: 'billing_account_id', type: 'VARCHAR' },
  { name: 'SubAccountId', sql: 'sub_account_id', type: 'VARCHAR' },
  { name: 'SubAccountName', sql: 'sub_account_name', type: 'VARCHAR' },
  { name: 'BillingPeriodStart', sql: 'billing_period', type: 'DATE' },
  { name: 'ChargePeriodStart', sql: 'charge_period_start', type: 'TIMESTAMPTZ' },
  { name: 'ChargePeriodEnd', sql: 'charge_period_end', type: 'TIMESTAMPTZ' },
  { name: 'ChargeCategory', sql: 'charge_category', type: 'VARCHAR' },
  { name: 'ChargeDescription', sql: 'charge_description', type: 'VARCHAR' },
  { name: 'ServiceName', sql: 'service_name', type: 'VARCHAR' },
  { name: 'RegionId', sql: 'region_id', type: 'VARCHAR' },
  { name: 'AvailabilityZone', sql: 'availability_zone', type: 'VARCHAR' },
  { name: 'ResourceId', sql: 'resource_id', type: 'VARCHAR' },
  { name: 'ResourceType', sql: 'resource_type', type: 'VARCHAR' },
  { name: 'SkuId', sql: 'sku_id', type: 'VARCHAR' },
  { name: 'PricingUnit', sql: 'pricing_unit', type: 'VARCHAR' },
  { name: 'ConsumedQuantity', sql: 'consumed_quantity', type: 'DOUBLE' },
  { name: 'BilledCost', sql: 'billed_cost', type: 'DECIMAL(18,10)' },
  { name: 'EffectiveCost', sql: 'effective_cost', type: 'DECIMAL(18,10)' },
  { name: 'ListCost', sql: 'list_cost', type: 'DECIMAL(18,10)' },
  { name: 'BillingCurrency', sql: 'billing_currency', type: 'VARCHAR' },
  { name: 'CommitmentDiscountId', sql: 'commitment_discount_id', type: 'VARCHAR' },
  { name: 'CommitmentDiscountType', sql: 'commitment_discount_type', type: 'VARCHAR' },
  { name: 'Tags', sql: 'tags', type: 'VARCHAR' },
  { name: 'x_NetBilledCost', sql: 'x_net_billed_cost', type: 'DECIMAL(18,10)' },
  { name: 'x_NetEffectiveCost', sql: 'x_net_effective_cost', type: 'DECIMAL(18,10)' },
  { name: 'x_ServiceCode', sql: 'service_code', type: 'VARCHAR' },
  { name: 'x_UsageType', sql: 'x_usage_type', type: 'VARCHAR' },
  { name: 'x_Operation', sql: 'x_operation', type: 'VARCHAR' },
  { name: 'x_LineItemType', sql: 'x_line_item_type', type: 'VARCHAR' },
  { name: 'x_InstanceType', sql: 'x_instance_type', type: 'VARCHAR' },
  { name: 'x_UsageDate', sql: 'usage_date', type: 'DATE' },
];

/** A range already checked by the caller (the cost service checks what users send). */
export interface LineItemExportOptions {
  from: string;
  /** Last day, included. */
  to: string;
  format: 'csv' | 'parquet';
  filters?: CostFilter[];
}

export interface LineItemExport {
  path: string;
  format: 'csv' | 'parquet';
  contentType: string;
  filename: string;
  bytes: number;
  cleanup(): void;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function selectSql(store: Store, orgId: string, from: string, to: string, filters: CostFilter[]) {
  const p = new Params();
  const where = whereSql({ orgId, from, to, filters }, 'cost_line_items', store.dialect, p);
  const cols = FOCUS_COLUMNS.map((c) => `${c.sql} AS "${c.name}"`).join(', ');
  return {
    sql: `SELECT ${cols} FROM cost_line_items WHERE ${where} ORDER BY usage_date, sub_account_id, service_name, resource_id`,
    params: p.values,
  };
}

async function writeCsvByDay(
  store: Store,
  orgId: string,
  o: LineItemExportOptions,
  file: string,
): Promise<void> {
  const out = createWriteStream(file);
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(csvLine(FOCUS_COLUMNS.map((c) => c.name)));
  // One day at a time keeps memory flat whatever the range.
  for (const day of eachDay(o.from, o.to)) {
    const { sql, params } = selectSql(store, orgId, day, day, o.filters ?? []);
    const rows = await store.query(sql, params);
    let buf = '';
    for (const r of rows)
      buf += csvLine(FOCUS_COLUMNS.map((c) => r[c.name] as string | number | Date | null));
    if (buf) await write(buf);
  }
  out.end();
  await once(out, 'finish');
}

export async function exportLineItems(
  store: Store,
  orgId: string,
  o: LineItemExportOptions,
): Promise<LineItemExport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-export-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const base = `cloudtally-focus-${o.from}-${o.to}`;
  const target = path.join(dir, `${base}.${o.format}`);
  try {
    if (store.engine === 'duckdb') {
      const { sql, params } = selectSql(store, orgId, o.from, o.to, o.filters ?? []);
      const options = o.format === 'csv' ? '(FORMAT csv, HEADER true)' : '(FORMAT parquet, COMPRESSION zstd)';
      await store.execute(`COPY (${sql}) TO ${sqlString(target)} ${options}`, params);
    } else {
      const csv = o.format === 'csv' ? target : path.join(dir, `${base}.csv`);
      await writeCsvByDay(store, orgId, o, csv);
      if (o.format === 'parquet') {
        const duck = await DuckDbStore.open({ path: ':memory:', connections: 1 });
        try {
          const columns = FOCUS_COLUMNS.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
          await duck.execute(
            `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = true, columns = {${columns}})) TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`,
          );
        } finally {
          await duck.close();
        }
      }
    }
    return {
      path: target,
      format: o.format,
      contentType: o.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet',
      filename: path.basename(target),
      bytes: statSync(target).size,
      cleanup,
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}
