import { describe, expect, it } from 'vitest';
import { memberCosts, notImportedSummary, type PayerBill } from './member-store.js';

const bill: PayerBill = {
  billingPeriod: '2024-05-01',
  imported: new Set(['111111111111', '222222222222']),
  notImported: new Map([
    ['333333333333', [{ id: '333333333333', rows: 4, billed: 2.5, currency: 'USD' }]],
    ['444444444444', [{ id: '444444444444', rows: 1, billed: 0.25, currency: 'USD' }]],
  ]),
};

describe('where a member’s costs stand', () => {
  it.each([
    ['222222222222', true, false, 'imported'],
    ['222222222222', false, false, 'removal_pending'],
    ['222222222222', false, true, 'imported'],
    ['333333333333', false, false, 'not_imported'],
    ['333333333333', true, false, 'import_pending'],
    ['333333333333', false, true, 'import_pending'],
    ['555555555555', false, false, 'none'],
    ['555555555555', true, false, 'none'],
  ] as const)('%s connected=%s importAll=%s → %s', (id, connected, all, want) => {
    expect(memberCosts(bill, id, connected, all)).toBe(want);
  });

  it('before the payer’s first load a connected member waits for it', () => {
    expect(memberCosts(null, '333333333333', true, false)).toBe('import_pending');
    expect(memberCosts(null, '333333333333', false, false)).toBe('none');
  });
});

describe('the payer’s not-imported notice', () => {
  it('counts the accounts it lists: a member connected since is pending, not counted', () => {
    const s = notImportedSummary(bill, new Set(['333333333333']), new Map([['444444444444', 'sandbox']]));
    expect(s).toMatchObject({
      accounts: 1,
      cost: 0.25,
      currency: 'USD',
      importPending: 1,
      list: [{ awsAccountId: '444444444444', name: 'sandbox', rows: 1, cost: 0.25, currency: 'USD' }],
    });
  });

  it('never adds currencies together', () => {
    const mixed: PayerBill = {
      ...bill,
      notImported: new Map([
        [
          '333333333333',
          [
            { id: '333333333333', rows: 1, billed: 1, currency: 'USD' },
            { id: '333333333333', rows: 1, billed: 1, currency: 'EUR' },
          ],
        ],
      ]),
    };
    const s = notImportedSummary(mixed, new Set(), new Map());
    expect(s).toMatchObject({
      accounts: 1,
      cost: null,
      currency: null,
      detail: { byCurrency: { USD: 1, EUR: 1 } },
    });
    expect(s?.list[0]).toMatchObject({ cost: null, currency: null });
  });
});
