/**
 * Line items in FOCUS 1.x column names (with `x_` names for the AWS columns FOCUS has none for), as CSV or
 * Parquet. The store writes the file (exportQuery): in one query where its engine writes files itself, day by
 * day where the rows stream through this process (memory stays flat whatever the range).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Store } from '../store/store.js';
import type { CostFilter } from './cost-query.js';
import { Params, whereSql } from './cost-sql.js';
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

function selectSql(store: Store, orgId: string, from: string, to: string, filters: CostFilter[]) {
  const p = new Params();
  const where = whereSql({ orgId, from, to, filters }, 'cost_line_items', store.dialect, p);
  const cols = FOCUS_COLUMNS.map((c) => `${c.sql} AS "${c.name}"`).join(', ');
  return {
    sql: `SELECT ${cols} FROM cost_line_items WHERE ${where} ORDER BY usage_date, sub_account_id, service_name, resource_id`,
    params: p.values,
  };
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
    await store.exportQuery({
      file: target,
      format: o.format,
      columns: FOCUS_COLUMNS,
      whole: selectSql(store, orgId, o.from, o.to, o.filters ?? []),
      parts: function* () {
        for (const day of eachDay(o.from, o.to)) yield selectSql(store, orgId, day, day, o.filters ?? []);
      },
    });
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
