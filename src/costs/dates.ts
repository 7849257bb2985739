/**
 * The cost domain's view of the one date module (src/lib/dates.ts), plus `monthStartAfter`, the step the cost
 * periods count in. It has its own name so that `addMonths` means the same (day kept, clamped) everywhere.
 */
import { addMonths as addCalendarMonths, monthStart, type IsoDate } from '../lib/dates.js';

export * from '../lib/dates.js';

/** The first day of the month `n` months after the month of `s`. */
export function monthStartAfter(s: IsoDate, n: number): IsoDate {
  return addCalendarMonths(monthStart(s), n);
}
