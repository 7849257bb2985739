/**
 * The cost domain's view of the one date module (src/lib/dates.ts). One difference: here `addMonths` answers the
 * first day of the month `n` months after the month of `s`, which is what the cost periods count in.
 */
import { addMonths as addCalendarMonths, monthStart, type IsoDate } from '../lib/dates.js';

export * from '../lib/dates.js';

export function addMonths(s: IsoDate, n: number): IsoDate {
  return addCalendarMonths(monthStart(s), n);
}
