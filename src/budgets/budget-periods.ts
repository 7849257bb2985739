/** Budget periods (calendar months, quarters and years) and the amount a budget allows in each. */
import { monthStartAfter, eachMonth, monthEnd } from '../costs/dates.js';
import type { Budget, BudgetPeriod } from './budget-schemas.js';

export interface PeriodRange {
  start: string;
  end: string;
}

const MONTHS: Record<BudgetPeriod, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/** The period of the given kind that holds `date`. */
export function periodOf(period: BudgetPeriod, date: string): PeriodRange {
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  const firstMonth = period === 'monthly' ? month : period === 'quarterly' ? month - ((month - 1) % 3) : 1;
  const start = `${year}-${String(firstMonth).padStart(2, '0')}-01`;
  return { start, end: monthEnd(monthStartAfter(start, MONTHS[period] - 1)) };
}

/** The period `n` periods after (n > 0) or before (n < 0) the one starting at `start`. */
export function shiftPeriod(period: BudgetPeriod, start: string, n: number): PeriodRange {
  return periodOf(period, monthStartAfter(start, n * MONTHS[period]));
}

/**
 * The amount for a period: the fixed amount, or with a schedule the sum of its months, where a month the
 * schedule leaves out counts its share of the fixed amount.
 */
export function amountFor(b: Pick<Budget, 'amount' | 'schedule' | 'period'>, p: PeriodRange): number {
  if (!b.schedule) return b.amount;
  const share = b.amount / MONTHS[b.period];
  const total = eachMonth(p.start, p.end).reduce((s, m) => s + (b.schedule?.[m.slice(0, 7)] ?? share), 0);
  return Math.round(total * 1e6) / 1e6;
}

/** Whether the budget covers the period (its optional start and end dates bound the periods it has). */
export function covers(b: Pick<Budget, 'startDate' | 'endDate'>, p: PeriodRange): boolean {
  return (!b.startDate || p.end >= b.startDate) && (!b.endDate || p.start <= b.endDate);
}
