/** The answers of the cost service's comparisons: month to date, movers and forecast. */
import type { CostBasis, CostFilter, Dimension } from './cost-query.js';
import type { ForecastModel } from './forecast.js';

export interface PeriodTotal {
  from: string;
  to: string;
  total: number;
}

export interface SummaryAnswer {
  asOf: string;
  /** The newest day with cost data on or before asOf (billing runs about a day behind); null with no data. */
  dataThrough: string | null;
  basis: CostBasis;
  currency: string;
  /** The 1st of asOf's month to dataThrough (empty, `to` before `from`, when the month has no data yet). */
  monthToDate: PeriodTotal;
  /** The same days of the previous month (1st to dataThrough's day of the month, cut at the month's end). */
  samePeriodLastMonth: PeriodTotal;
  change: number;
  changePercent: number | null;
  lastMonth: PeriodTotal;
}

export interface Mover {
  key: string | null;
  label: string;
  current: number;
  previous: number;
  change: number;
  changePercent: number | null;
}

export interface MoversAnswer {
  /** The newest day with cost data on or before the asked end; `current` ends there when the data ends first. */
  dataThrough: string | null;
  basis: CostBasis;
  currency: string;
  current: PeriodTotal;
  previous: PeriodTotal;
  /** Per dimension (by default service, then account): the largest increases and decreases, largest first. */
  dimensions: { dimension: string; increases: Mover[]; decreases: Mover[] }[];
}

export interface ForecastPeriod {
  /** YYYY-MM */
  month: string;
  from: string;
  to: string;
  /** Cost already incurred in the month (days with data). */
  actual: number;
  /** Forecast for the remaining days. */
  forecast: number;
  /** actual + forecast, with the 80% interval. */
  total: number;
  lower: number;
  upper: number;
}

export interface ForecastAnswer {
  asOf: string;
  basis: CostBasis;
  currency: string;
  method: string;
  model: ForecastModel;
  fittedOn: { from: string; to: string; days: number } | null;
  /** The newest day with cost data on or before asOf: actual up to it, forecast after it. */
  dataThrough: string | null;
  /** The same as dataThrough (its earlier name). */
  lastDataDate: string | null;
  periods: ForecastPeriod[];
  daily: { date: string; cost: number; lower: number; upper: number }[];
  otherCurrencies: { currency: string; total: number }[];
}

export interface ForecastOptions {
  basis?: CostBasis;
  currency?: string;
  asOf?: string;
  filters?: CostFilter[];
  /** Whole months forecast after the current one. */
  months?: number;
}

export interface MoversOptions {
  basis?: CostBasis;
  currency?: string;
  /** Current period (defaults to month to date); cut at the newest day with data. */
  from?: string;
  to?: string;
  /** Period compared against (defaults to the same days of the previous month, or the preceding equal span). */
  compareFrom?: string;
  compareTo?: string;
  limit?: number;
  filters?: CostFilter[];
  /** The dimensions compared (default service and account). */
  dimensions?: Dimension[];
}
