/** The forecast answer: the daily history fitted (forecast.ts) and projected month by month to a horizon. */
import { checkOptionalDate } from '../lib/date-rules.js';
import { InputError } from '../lib/errors.js';
import type { ForecastAnswer, ForecastOptions, ForecastPeriod } from './comparison-types.js';
import { round6, type CostAnswer } from './cost-answer.js';
import type { CostQuery } from './cost-query.js';
import { addDays, daysBetween, eachMonth, monthEnd, monthStartAfter } from './dates.js';
import { describeMethod, FIT_DAYS, fitForecast, nextDays, predictRange } from './forecast.js';

/** What the forecast reads through: the cost query, the newest day with data, today. */
export interface ForecastDeps {
  query(orgId: string, q: CostQuery): Promise<CostAnswer>;
  through(orgId: string, asOf?: string): Promise<string | null>;
  today(): string;
}

/** The cost of each month from asOf's to `months` ahead: actual so far plus forecast, with its bounds. */
export async function forecastCosts(
  deps: ForecastDeps,
  orgId: string,
  o: ForecastOptions = {},
): Promise<ForecastAnswer> {
  const asOf = checkOptionalDate(o.asOf, 'asOf', deps.today()) ?? deps.today();
  const basis = o.basis ?? 'billed';
  const months = o.months ?? 3;
  if (!Number.isInteger(months) || months < 0 || months > 12)
    throw new InputError('months', 'months: must be a whole number from 0 to 12');
  // History: enough days before asOf for the fit window even when the data lags by weeks.
  const historyFrom = addDays(asOf, -(FIT_DAYS + 62));
  const history = await deps.query(orgId, {
    from: historyFrom,
    to: asOf,
    granularity: 'day',
    groupBy: [],
    filters: o.filters ?? [],
    basis,
    currency: o.currency,
    limit: 1,
  });
  const points = history.series.map((s) => ({ date: s.period, cost: s.cost }));
  // Days after the newest with data have no data yet: they are forecast, not zeros in the fit.
  const lastDataDate = await deps.through(orgId, asOf);
  const lastIndex = lastDataDate === null ? -1 : points.findIndex((p) => p.date === lastDataDate);
  const firstIndex = points.findIndex((p) => p.cost !== 0);
  const used = firstIndex >= 0 && lastIndex >= firstIndex ? points.slice(firstIndex, lastIndex + 1) : [];
  const fit = fitForecast(used);
  const start = lastDataDate ? addDays(lastDataDate, 1) : addDays(asOf, 1);
  const periods: ForecastPeriod[] = [];
  const horizonEnd = monthEnd(monthStartAfter(asOf, months));
  for (const m of eachMonth(asOf, horizonEnd)) {
    const end = monthEnd(m);
    const remainingFrom = start > m ? start : m;
    const days = remainingFrom <= end ? nextDays(remainingFrom, daysBetween(remainingFrom, end) + 1) : [];
    const actual = points
      .filter((p) => p.date >= m && p.date <= end && p.date <= (lastDataDate ?? ''))
      .reduce((s, p) => s + p.cost, 0);
    const r = predictRange(fit, days);
    periods.push({
      month: m.slice(0, 7),
      from: m,
      to: end,
      actual: round6(actual),
      forecast: round6(r.total),
      total: round6(actual + r.total),
      lower: round6(actual + r.lower),
      upper: round6(actual + r.upper),
    });
  }
  const dailyDays = start <= horizonEnd ? nextDays(start, daysBetween(start, horizonEnd) + 1) : [];
  const daily = dailyDays.map((date) => {
    const r = predictRange(fit, [date]);
    return { date, cost: round6(r.total), lower: round6(r.lower), upper: round6(r.upper) };
  });
  return {
    asOf,
    basis,
    currency: history.currency,
    method: describeMethod(fit.model, fit.days),
    model: fit.model,
    fittedOn: fit.model === 'none' ? null : { from: fit.firstDate, to: fit.lastDate, days: fit.days },
    dataThrough: lastDataDate,
    lastDataDate,
    periods,
    daily,
    otherCurrencies: history.otherCurrencies,
  };
}
