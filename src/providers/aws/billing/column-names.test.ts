import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  canonicalColumnName,
  canonicalTagKey,
  canonicalTagKeySql,
  literal,
  snakeName,
} from './column-names.js';

describe('column names', () => {
  it.each([
    ['lineItem/UnblendedCost', 'line_item_unblended_cost'],
    ['lineItem/UsageAccountId', 'line_item_usage_account_id'],
    ['reservation/ReservationARN', 'reservation_reservation_a_r_n'],
    ['savingsPlan/SavingsPlanARN', 'savings_plan_savings_plan_a_r_n'],
    ['pricing/publicOnDemandCost', 'pricing_public_on_demand_cost'],
    ['product/servicecode', 'product_servicecode'],
    ['product/ProductName', 'product_product_name'],
    ['bill/PayerAccountId', 'bill_payer_account_id'],
    ['resourceTags/user:team', '__tag__user:team'],
    ['resourceTags/user:Cost Center', '__tag__user:cost_center'],
    ['resource_tags_user_team', '__tag__user:team'],
    ['line_item_unblended_cost', 'line_item_unblended_cost'],
    ['resource_tags', 'resource_tags'],
    ['costCategory/CostCenter', '__costcat__CostCenter'],
    ['costCategory/Business Unit', '__costcat__Business Unit'],
    ['cost_category_cost_center', '__costcat__cost_center'],
    ['cost_category', 'cost_category'],
  ])('%s → %s', (header, canonical) => {
    expect(canonicalColumnName(header)).toBe(canonical);
  });

  it('snake-cases like the Athena integration', () => {
    expect(snakeName('lineItem')).toBe('line_item');
    expect(snakeName('UsageStartDate')).toBe('usage_start_date');
  });

  it.each([
    ['user:team', 'user:team'],
    ['user_team', 'user:team'],
    ['user:Cost-Center', 'user:cost_center'],
    ['aws:createdBy', 'aws:createdby'],
    ['aws_createdby', 'aws:createdby'],
    ['other', 'other'],
  ])('tag key %s → %s, the same in SQL', async (key, canonical) => {
    expect(canonicalTagKey(key)).toBe(canonical);
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const r = await db.runAndReadAll(`SELECT ${canonicalTagKeySql(literal(key))} AS k`);
    expect(r.getRowObjectsJS()[0].k).toBe(canonical);
    db.closeSync();
    instance.closeSync();
  });
});
