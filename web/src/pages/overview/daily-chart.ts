/**
 * Which days of the Overview's daily chart have data. Billing runs about a day behind, so the newest days of the
 * range usually have none yet: drawn as $0.00 they read as "nothing was spent today". They are left out of the
 * chart and named instead. Kept free of imports so that the cost tests can check it against a real answer.
 */

export interface ChartDays {
  /** The days drawn: those on or before the newest day with data. */
  shown: string[];
  /** The days of the range after it, which have no data yet. */
  pending: string[];
}

/** Splits daily periods (YYYY-MM-DD) at `dataThrough`; with no data at all every day is pending. */
export function chartDays(periods: readonly string[], dataThrough: string | null): ChartDays {
  if (dataThrough === null) return { shown: [], pending: [...periods] };
  return {
    shown: periods.filter((p) => p <= dataThrough),
    pending: periods.filter((p) => p > dataThrough),
  };
}
