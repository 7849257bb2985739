import { describe, expect, it } from 'vitest';
import {
  assignCostCategories,
  categoryValueOfKey,
  costCategoriesJson,
  splitAmounts,
  type CategoryShares,
} from './cost-explorer-categories.js';

const line = (over: Partial<Parameters<typeof assignCostCategories>[0][number]> = {}) => ({
  day: '2025-01-01',
  account: '111',
  unblended: 10,
  net: 9,
  amortized: 10,
  netAmortized: 9,
  usage: 3,
  ...over,
});

describe('Cost Explorer cost categories', () => {
  it('reads the value from a CE group key', () => {
    expect(categoryValueOfKey('CostCenter$product', 'CostCenter')).toBe('product');
    expect(categoryValueOfKey('CostCenter$', 'CostCenter')).toBe('');
    expect(categoryValueOfKey('Cost$Center$a$b', 'Cost$Center')).toBe('a$b');
  });

  it('splits amounts in proportion, the parts summing exactly to each amount', () => {
    const [a, b] = splitAmounts([0.1, 100.0000000003], [1, 1, 1]);
    expect(a.reduce((s, x) => s + Math.round(x * 1e10), 0)).toBe(Math.round(0.1 * 1e10));
    expect(b.reduce((s, x) => s + Math.round(x * 1e10), 0)).toBe(Math.round(100.0000000003 * 1e10));
    expect(splitAmounts([4], [3, 1])).toEqual([[3, 1]]);
    expect(splitAmounts([4], [0, 0])).toEqual([[2, 2]]);
  });

  it('gives a line its account’s one value, or splits it across several by their cost', () => {
    const shares: CategoryShares = new Map([
      ['2025-01-01|111', new Map([['CostCenter', [{ value: 'a', cost: 5 }]]])],
      [
        '2025-01-01|222',
        new Map([
          [
            'CostCenter',
            [
              { value: 'a', cost: 3 },
              { value: 'b', cost: 1 },
            ],
          ],
        ]),
      ],
    ]);
    const out = assignCostCategories(
      [line(), line({ account: '222', unblended: 8 }), line({ account: '333' })],
      ['CostCenter'],
      shares,
    );
    expect(out.map((l) => [l.account, l.unblended, l.costCategories])).toEqual([
      ['111', 10, { CostCenter: 'a' }],
      ['222', 6, { CostCenter: 'a' }],
      ['222', 2, { CostCenter: 'b' }],
      ['333', 10, undefined],
    ]);
    expect(out.map((l) => costCategoriesJson(l.costCategories))).toEqual([
      '{"CostCenter":"a"}',
      '{"CostCenter":"a"}',
      '{"CostCenter":"b"}',
      null,
    ]);
  });
});
