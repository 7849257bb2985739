import { describe, expect, it } from 'vitest';
import { classifyFocusHeader } from './focus-columns.js';

describe('classifyFocusHeader', () => {
  it.each([
    [
      'FOCUS 1.0 with x_ columns',
      'BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargeCategory,ServiceName,ProviderName,x_Discounts',
      { kind: 'focus', missing: [], extensions: ['x_Discounts'] },
    ],
    [
      'FOCUS 1.2 (ServiceProviderName), lower case',
      'billedcost,effectivecost,billingcurrency,billingaccountid,billingperiodstart,chargeperiodstart,chargecategory,servicename,serviceprovidername',
      { kind: 'focus', missing: [], extensions: [] },
    ],
    [
      'FOCUS without currency and provider',
      'BilledCost,EffectiveCost,BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargeCategory,ServiceName',
      { kind: 'focus', missing: ['BillingCurrency', 'ProviderName or ServiceProviderName'], extensions: [] },
    ],
    [
      'CUR 2.0',
      'bill_billing_period_start_date,line_item_usage_account_id,line_item_line_item_type,line_item_unblended_cost',
      {
        kind: 'cur',
        seen: [
          'bill_billing_period_start_date',
          'line_item_usage_account_id',
          'line_item_line_item_type',
          'line_item_unblended_cost',
        ],
      },
    ],
    [
      'legacy CUR',
      'identity/LineItemId,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UnblendedCost',
      { kind: 'cur', seen: ['lineItem/UsageAccountId', 'lineItem/LineItemType', 'lineItem/UnblendedCost'] },
    ],
  ])('%s', (_name, header, want) => {
    expect(classifyFocusHeader(header.split(','))).toEqual(want);
  });

  it('names every required column of a file that is neither', () => {
    const r = classifyFocusHeader(['date', 'cost']);
    expect(r.kind).toBe('other');
    expect(r.kind === 'other' && r.missing).toContain('BilledCost');
  });
});
