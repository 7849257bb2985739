import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase, type TestDatabase } from '../../test/helpers/stores.js';
import type { Store } from '../store/store.js';
import type { Budget } from './budget-schemas.js';
import { createBudgetStore, type BudgetStore } from './budget-store.js';

const budget = (over: Partial<Budget> = {}): Budget => ({
  id: 'bud_1',
  orgId: 'o1',
  name: 'Prod',
  scope: { filter: ['account=111111111111', 'tag:team=web'], exclude: ['chargeCategory=Tax'] },
  basis: 'amortized',
  period: 'quarterly',
  startDate: '2024-01-01',
  endDate: null,
  amount: 1234.5,
  schedule: { '2024-02': 400 },
  currency: 'EUR',
  thresholds: [{ kind: 'forecast', percent: 110 }],
  createdBy: 'usr_1',
  createdAt: '2024-05-06T07:08:09.000Z',
  updatedAt: '2024-05-06T07:08:09.000Z',
  ...over,
});

describe.each(ENGINES)('budget store on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let budgets: BudgetStore;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    budgets = createBudgetStore(store);
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
  });

  it('stores a budget and reads back the same values', async () => {
    await budgets.insert(store, budget());
    expect(await budgets.get('o1', 'bud_1')).toEqual(budget());
    expect(await budgets.findByName('o1', 'Prod')).toEqual(budget());
    expect(await budgets.get('o2', 'bud_1')).toBeUndefined();
    const changed = budget({
      amount: 99,
      endDate: '2024-12-31',
      schedule: null,
      updatedAt: '2024-06-01T00:00:00.000Z',
    });
    await budgets.update(store, changed);
    expect(await budgets.list('o1')).toEqual([changed]);
    expect(await budgets.orgsWithBudgets()).toEqual(['o1']);
  });

  it('records a fired threshold once, also when evaluations race', async () => {
    const fired = {
      budgetId: 'bud_1',
      periodStart: '2024-04-01',
      kind: 'forecast' as const,
      percent: 110,
      firedAt: '2024-04-10T00:00:00.000Z',
      asOf: '2024-04-08',
      value: 120.25,
      amount: 99,
    };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => store.transaction((tx) => budgets.markFired(tx, 'o1', fired))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await budgets.firedIn('o1', 'bud_1', '2024-04-01')).toEqual([fired]);
    expect(await budgets.firedIn('o1', 'bud_1', '2024-01-01')).toEqual([]);
    expect(await budgets.remove(store, 'o1', 'bud_1')).toBe(true);
    expect(await budgets.firedIn('o1', 'bud_1', '2024-04-01')).toEqual([]);
    expect(await budgets.remove(store, 'o1', 'bud_1')).toBe(false);
  });
});
