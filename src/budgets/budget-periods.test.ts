import { describe, expect, it } from 'vitest';
import { amountFor, covers, periodOf, shiftPeriod } from './budget-periods.js';

describe('budget periods', () => {
  it.each([
    ['monthly', '2024-02-15', '2024-02-01', '2024-02-29'],
    ['quarterly', '2024-05-31', '2024-04-01', '2024-06-30'],
    ['quarterly', '2024-12-01', '2024-10-01', '2024-12-31'],
    ['yearly', '2023-07-04', '2023-01-01', '2023-12-31'],
  ] as const)('%s period of %s is %s to %s', (period, date, start, end) => {
    expect(periodOf(period, date)).toEqual({ start, end });
  });

  it('shifts periods across years', () => {
    expect(shiftPeriod('quarterly', '2024-01-01', -1)).toEqual({ start: '2023-10-01', end: '2023-12-31' });
    expect(shiftPeriod('monthly', '2024-12-01', 1)).toEqual({ start: '2025-01-01', end: '2025-01-31' });
  });

  it('takes scheduled months as given and the rest as their share of the amount', () => {
    const q = { start: '2024-01-01', end: '2024-03-31' };
    expect(amountFor({ amount: 300, schedule: null, period: 'quarterly' }, q)).toBe(300);
    expect(amountFor({ amount: 300, schedule: { '2024-02': 10 }, period: 'quarterly' }, q)).toBe(210);
    expect(
      amountFor(
        { amount: 50, schedule: { '2024-01': 70 }, period: 'monthly' },
        { start: '2024-01-01', end: '2024-01-31' },
      ),
    ).toBe(70);
  });

  it('covers only the periods inside the start and end dates', () => {
    const b = { startDate: '2024-02-10', endDate: '2024-04-05' };
    expect(covers(b, { start: '2024-01-01', end: '2024-01-31' })).toBe(false);
    expect(covers(b, { start: '2024-02-01', end: '2024-02-29' })).toBe(true);
    expect(covers(b, { start: '2024-04-01', end: '2024-04-30' })).toBe(true);
    expect(covers(b, { start: '2024-05-01', end: '2024-05-31' })).toBe(false);
  });
});
