/**
 * Date ranges a saved view keeps in words ("last 3 full months") and resolves against today each time it runs.
 * Pure: the web's cost explorer offers the same list as its presets.
 */
import { addDays, addMonths, monthStart, type IsoDate } from '../lib/dates.js';

export const RELATIVE_RANGE_IDS = [
  'last_7_days',
  'last_30_days',
  'month_to_date',
  'last_month',
  'last_3_months',
  'last_6_months',
  'last_12_months',
  'last_3_full_months',
  'last_6_full_months',
  'last_12_full_months',
  'year_to_date',
] as const;
export type RelativeRangeId = (typeof RELATIVE_RANGE_IDS)[number];

export interface RelativeRange {
  id: RelativeRangeId;
  label: string;
  /** The granularity the range reads best in (days for a month or less). */
  granularity: 'day' | 'month';
  resolve(today: IsoDate): { from: IsoDate; to: IsoDate };
}

/** The first day of the month `n` months before the month of `d`. */
const monthsBack = (d: IsoDate, n: number): IsoDate => addMonths(monthStart(d), -n);
/** The last `n` calendar months that have ended: this month is left out. */
const fullMonths = (t: IsoDate, n: number) => ({ from: monthsBack(t, n), to: addDays(monthStart(t), -1) });

export const RELATIVE_RANGES: readonly RelativeRange[] = [
  {
    id: 'last_7_days',
    label: 'Last 7 days',
    granularity: 'day',
    resolve: (t) => ({ from: addDays(t, -6), to: t }),
  },
  {
    id: 'last_30_days',
    label: 'Last 30 days',
    granularity: 'day',
    resolve: (t) => ({ from: addDays(t, -29), to: t }),
  },
  {
    id: 'month_to_date',
    label: 'Month to date',
    granularity: 'day',
    resolve: (t) => ({ from: monthStart(t), to: t }),
  },
  { id: 'last_month', label: 'Last month', granularity: 'day', resolve: (t) => fullMonths(t, 1) },
  {
    id: 'last_3_months',
    label: 'Last 3 months',
    granularity: 'month',
    resolve: (t) => ({ from: monthsBack(t, 2), to: t }),
  },
  {
    id: 'last_6_months',
    label: 'Last 6 months',
    granularity: 'month',
    resolve: (t) => ({ from: monthsBack(t, 5), to: t }),
  },
  {
    id: 'last_12_months',
    label: 'Last 12 months',
    granularity: 'month',
    resolve: (t) => ({ from: monthsBack(t, 11), to: t }),
  },
  {
    id: 'last_3_full_months',
    label: 'Last 3 full months',
    granularity: 'month',
    resolve: (t) => fullMonths(t, 3),
  },
  {
    id: 'last_6_full_months',
    label: 'Last 6 full months',
    granularity: 'month',
    resolve: (t) => fullMonths(t, 6),
  },
  {
    id: 'last_12_full_months',
    label: 'Last 12 full months',
    granularity: 'month',
    resolve: (t) => fullMonths(t, 12),
  },
  {
    id: 'year_to_date',
    label: 'Year to date',
    granularity: 'month',
    resolve: (t) => ({ from: `${t.slice(0, 4)}-01-01`, to: t }),
  },
];

export function relativeRange(id: RelativeRangeId): RelativeRange {
  const r = RELATIVE_RANGES.find((x) => x.id === id);
  if (!r) throw new Error(`unknown relative range ${id}`);
  return r;
}

/** The relative range whose dates today are exactly `from`–`to`, if one is. */
export function matchRelativeRange(from: IsoDate, to: IsoDate, today: IsoDate): RelativeRange | undefined {
  return RELATIVE_RANGES.find((r) => {
    const x = r.resolve(today);
    return x.from === from && x.to === to;
  });
}
