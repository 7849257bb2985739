import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBudgetService,
  type BudgetService,
  type BudgetThresholdEvent,
} from '../../src/budgets/budget-service.js';
import { createCostService, type CostService } from '../../src/costs/cost-service.js';
import { silentLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { insertItems, makeItems, SERVICES, sum, type FixtureItem } from '../costs/fixtures.js';
import { principal } from '../recommendations/fixtures.js';

const ORG = 'org_a';
const OTHER_ORG = 'org_b';
// Data runs through 15 March; the clock is a few days later, as billing data lags.
const clock = { now: () => new Date('2024-03-19T08:00:00Z') };
const EC2 = SERVICES[0];

describe.each(ENGINES)('budget service on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let costs: CostService;
  let budgets: BudgetService;
  let items: FixtureItem[];
  const events: BudgetThresholdEvent[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    items = makeItems(ORG, '2024-01-01', 75);
    await insertItems(store, [...items, ...makeItems(OTHER_ORG, '2024-01-01', 75, { scale: 50 })]);
    costs = createCostService({ store, clock, log: silentLog });
    budgets = createBudgetService({
      store,
      costs,
      clock,
      log: silentLog,
      dataThrough: (orgId) => costs.dataThrough(orgId),
    });
    budgets.setAlertSink({
      thresholdCrossed: async (_tx, e) => {
        events.push(e);
      },
    });
  });

  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  const march = (i: FixtureItem) => i.date >= '2024-03-01' && i.date <= '2024-03-15';
  const ec2 = (i: FixtureItem) => i.service === EC2;

  it('spends what the cost explorer shows for the scope, through the newest day with data', async () => {
    const b = await budgets.create(principal(ORG), {
      name: 'EC2',
      scope: { filter: [`service=${EC2}`] },
      amount: 100000,
    });
    expect(b.status.asOf).toBe('2024-03-15');
    expect(b.status.period).toEqual({ start: '2024-03-01', end: '2024-03-31' });
    const spent = sum(items, 'billed', (i) => march(i) && ec2(i));
    expect(b.status.spent).toBeCloseTo(spent, 6);
    expect(b.status.remaining).toBeCloseTo(100000 - spent, 6);
    expect(b.status.percentUsed).toBeCloseTo((spent / 100000) * 100, 2);
    // The forecast adds the 16 remaining days: more than spent, within its interval.
    expect(b.status.forecast.total).toBeGreaterThan(spent);
    expect(b.status.forecast.lower).toBeLessThanOrEqual(b.status.forecast.total);
    expect(b.status.forecast.upper).toBeGreaterThanOrEqual(b.status.forecast.total);
    expect(b.status.forecast.model).toBe('trend+weekday');
    expect(b.status.state).toBe('ok');
  });

  it('forecasts a steady daily spend to about its month total', async () => {
    const daily = sum(items, 'billed', (i) => i.date === '2024-03-15' && ec2(i));
    const b = await budgets.get(ORG, (await budgets.resolve(ORG, 'EC2')).id);
    // The fixture repeats a five-day pattern, so 31 days cost about 31 × the mean day.
    const meanDay =
      sum(items, 'billed', (i) => i.date >= '2024-03-06' && i.date <= '2024-03-15' && ec2(i)) / 10;
    expect(b.status.forecast.total).toBeGreaterThan(meanDay * 31 * 0.95);
    expect(b.status.forecast.total).toBeLessThan(meanDay * 31 * 1.05);
    expect(daily).toBeGreaterThan(0);
    // History: twelve months before March, spend against the amount.
    expect(b.history).toHaveLength(12);
    expect(b.history[11]).toMatchObject({ start: '2024-02-01', end: '2024-02-29', amount: 100000 });
    expect(b.history[11].spent).toBeCloseTo(
      sum(items, 'billed', (i) => i.date.startsWith('2024-02') && ec2(i)),
      6,
    );
    expect(b.history[0].spent).toBe(0);
  });

  it('fires each threshold once per period, with the figures it fired on', async () => {
    const spent = sum(items, 'billed', (i) => march(i) && ec2(i));
    // 80 % of the amount is reached by the spend; the forecast passes 100 %.
    const amount = Math.round((spent / 0.85) * 100) / 100;
    const b = await budgets.create(principal(ORG), {
      name: 'EC2 tight',
      scope: { filter: [`service=${EC2}`] },
      amount,
      thresholds: [
        { kind: 'actual', percent: 80 },
        { kind: 'actual', percent: 100 },
        { kind: 'forecast', percent: 100 },
      ],
    });
    expect(b.status.state).toBe('at_risk');
    events.length = 0;
    const first = await budgets.evaluateOrg(ORG);
    expect(first.fired).toBe(2);
    expect(events.map((e) => `${e.budgetName}:${e.kind}:${e.percent}`).sort()).toEqual([
      'EC2 tight:actual:80',
      'EC2 tight:forecast:100',
    ]);
    const actual = events.find((e) => e.kind === 'actual')!;
    expect(actual).toMatchObject({ periodStart: '2024-03-01', asOf: '2024-03-15', currency: 'USD', amount });
    expect(actual.spent).toBeCloseTo(spent, 6);
    // Evaluating again (a later load, the schedule, another process) fires nothing more.
    const again = await Promise.all([budgets.evaluateOrg(ORG), budgets.evaluateOrg(ORG)]);
    expect(again.map((a) => a.fired)).toEqual([0, 0]);
    expect(events).toHaveLength(2);
    const shown = await budgets.get(ORG, b.id);
    const fired = shown.status.thresholds.filter((t) => t.firedAt);
    expect(fired.map((t) => `${t.kind}:${t.percent}`).sort()).toEqual(['actual:80', 'forecast:100']);
    expect(shown.status.thresholds.find((t) => t.percent === 100 && t.kind === 'actual')).toMatchObject({
      reached: false,
      firedAt: null,
    });
  });

  it('sums a schedule over a quarter and keeps budgets inside their dates', async () => {
    const b = await budgets.create(principal(ORG), {
      name: 'Quarter',
      period: 'quarterly',
      amount: 300,
      schedule: { '2024-01': 50, '2024-03': 150 },
      startDate: '2024-02-10',
    });
    // January 50, February its share of 300 (100), March 150.
    expect(b.status.amount).toBe(300);
    expect(b.status.period).toEqual({ start: '2024-01-01', end: '2024-03-31' });
    expect(b.status.spent).toBeCloseTo(
      sum(items, 'billed', (i) => i.date >= '2024-01-01' && i.date <= '2024-03-15'),
      6,
    );
    const later = await budgets.create(principal(ORG), {
      name: 'Later',
      amount: 10,
      startDate: '2024-06-01',
    });
    expect(later.status).toMatchObject({ state: 'not_started', spent: 0 });
    expect(later.status.thresholds.every((t) => !t.reached)).toBe(true);
  });

  it('keeps organizations apart', async () => {
    const mine = await budgets.list(ORG);
    expect(mine.length).toBeGreaterThan(0);
    expect(await budgets.list(OTHER_ORG)).toEqual([]);
    await expect(budgets.get(OTHER_ORG, mine[0].id)).rejects.toMatchObject({ kind: 'not_found' });
    const theirs = await budgets.create(principal(OTHER_ORG), { name: 'EC2', amount: 10 });
    expect(theirs.status.spent).toBeCloseTo(sum(items, 'billed', march) * 50, 2);
  });

  it('refuses bad input naming the field, duplicates and viewers', async () => {
    const bad: [unknown, string][] = [
      [{ amount: 10 }, 'name'],
      [{ name: 'x', amount: 0 }, 'amount'],
      [{ name: 'x', amount: 10, period: 'weekly' }, 'period'],
      [{ name: 'x', amount: 10, currency: 'dollars' }, 'currency'],
      [{ name: 'x', amount: 10, startDate: '2024-02-30' }, 'startDate'],
      [{ name: 'x', amount: 10, startDate: '2024-03-01', endDate: '2024-02-01' }, 'endDate'],
      [{ name: 'x', amount: 10, thresholds: [{ kind: 'actual', percent: -5 }] }, 'thresholds.0.percent'],
      [{ name: 'x', amount: 10, schedule: { '2024-13': 5 } }, 'schedule'],
      [{ name: 'x', amount: 10, scope: { filter: ['planet=mars'] } }, 'scope.filter'],
      [{ name: 'x', amount: 10, colour: 'red' }, 'colour'],
    ];
    for (const [input, field] of bad) {
      await expect(budgets.create(principal(ORG), input), JSON.stringify(input)).rejects.toMatchObject({
        kind: 'input',
        field,
      });
    }
    await expect(budgets.create(principal(ORG), { name: 'EC2', amount: 5 })).rejects.toMatchObject({
      kind: 'conflict',
    });
    await expect(budgets.create(principal(ORG, 'viewer'), { name: 'v', amount: 5 })).rejects.toMatchObject({
      kind: 'permission',
    });
  });

  it('changes and removes a budget', async () => {
    const b = await budgets.resolve(ORG, 'Later');
    const changed = await budgets.update(principal(ORG, 'manager'), b.id, {
      amount: 20,
      endDate: '2024-12-31',
    });
    expect(changed).toMatchObject({
      amount: 20,
      endDate: '2024-12-31',
      startDate: '2024-06-01',
      name: 'Later',
    });
    await expect(budgets.update(principal(ORG), b.id, { endDate: '2024-01-01' })).rejects.toMatchObject({
      field: 'endDate',
    });
    await budgets.remove(principal(ORG), b.id);
    await expect(budgets.get(ORG, b.id)).rejects.toMatchObject({ kind: 'not_found' });
  });
});
