/**
 * A budget's figures for a period: what was spent through the newest day with data, the forecast of the whole
 * period (spent plus the fitted remaining days, with the 80 % interval of src/costs/forecast.ts), and the
 * thresholds reached. The cost figures come from the cost service's own query, so that a budget's spend is the
 * cost explorer's total for the same filter.
 */
import type { CostService } from '../costs/cost-service.js';
import { parseFilters, type CostFilter } from '../costs/cost-query.js';
import { addDays, eachDay, eachMonth } from '../costs/dates.js';
import {
  describeMethod,
  FIT_DAYS,
  fitForecast,
  predictRange,
  type ForecastModel,
} from '../costs/forecast.js';
import type { Budget, ThresholdKind } from './budget-schemas.js';
import { amountFor, covers, periodOf, shiftPeriod, type PeriodRange } from './budget-periods.js';

export type CostPort = Pick<CostService, 'query'>;

export type BudgetState = 'ok' | 'at_risk' | 'over' | 'not_started' | 'ended';

export interface ThresholdStatus {
  kind: ThresholdKind;
  percent: number;
  /** The spend (actual) or forecast total at which it is reached. */
  at: number;
  reached: boolean;
  /** When it first fired in this period (null while it has not). */
  firedAt: string | null;
}

export interface BudgetStatus {
  period: PeriodRange;
  /** The newest day with data that the figures run through. */
  asOf: string;
  currency: string;
  amount: number;
  spent: number;
  remaining: number;
  percentUsed: number;
  forecast: {
    total: number;
    lower: number;
    upper: number;
    percent: number;
    model: ForecastModel;
    method: string;
  };
  state: BudgetState;
  thresholds: ThresholdStatus[];
}

export interface PeriodSpend {
  start: string;
  end: string;
  amount: number;
  spent: number;
  percentUsed: number;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const pct = (v: number, amount: number) => (amount > 0 ? Math.round((v / amount) * 10000) / 100 : 0);

export function scopeFilters(b: Pick<Budget, 'scope'>): CostFilter[] {
  return parseFilters(b.scope.filter, b.scope.exclude, 'scope.filter');
}

/** Total cost of the budget's scope over [from, to], in the budget's currency and basis. */
async function spentBetween(costs: CostPort, orgId: string, b: Budget, from: string, to: string) {
  if (to < from) return 0;
  const answer = await costs.query(orgId, {
    from,
    to,
    granularity: 'month',
    groupBy: [],
    filters: scopeFilters(b),
    basis: b.basis,
    currency: b.currency,
    limit: 1,
  });
  return answer.currency === b.currency ? answer.total : 0;
}

/** The period a budget is evaluated in on `asOf`: the one holding it, kept inside the budget's dates. */
export function currentPeriod(b: Budget, asOf: string): { period: PeriodRange; state?: BudgetState } {
  const p = periodOf(b.period, asOf);
  if (b.startDate && p.end < b.startDate)
    return { period: periodOf(b.period, b.startDate), state: 'not_started' };
  if (b.endDate && p.start > b.endDate) return { period: periodOf(b.period, b.endDate), state: 'ended' };
  return { period: p };
}

/** The status of a budget in the period holding `asOf` (the newest day with data). */
export async function evaluateBudget(
  costs: CostPort,
  b: Budget,
  asOf: string,
  firedAt: ReadonlyMap<string, string> = new Map(),
): Promise<BudgetStatus> {
  const { period, state: outside } = currentPeriod(b, asOf);
  const amount = amountFor(b, period);
  const through = asOf < period.end ? asOf : period.end;
  const spent = outside === 'not_started' ? 0 : await spentBetween(costs, b.orgId, b, period.start, through);
  let forecast = { total: spent, lower: spent, upper: spent, model: 'none' as ForecastModel, days: 0 };
  if (!outside && through < period.end) {
    const historyFrom = addDays(through, -(FIT_DAYS - 1));
    const history = await costs.query(b.orgId, {
      from: historyFrom,
      to: through,
      granularity: 'day',
      groupBy: [],
      filters: scopeFilters(b),
      basis: b.basis,
      currency: b.currency,
      limit: 1,
    });
    const byDay = new Map(
      history.currency === b.currency ? history.series.map((s) => [s.period, s.cost] as const) : [],
    );
    const points = eachDay(historyFrom, through).map((date) => ({ date, cost: byDay.get(date) ?? 0 }));
    // Days before the scope's first cost are not history of it (e.g. an account connected last week).
    const first = points.findIndex((p) => p.cost !== 0);
    const fit = fitForecast(first >= 0 ? points.slice(first) : []);
    const rest = predictRange(fit, eachDay(addDays(through, 1), period.end));
    forecast = {
      total: spent + rest.total,
      lower: spent + rest.lower,
      upper: spent + rest.upper,
      model: fit.model,
      days: fit.days,
    };
  }
  const value = (kind: ThresholdKind) => (kind === 'actual' ? spent : forecast.total);
  const thresholds = b.thresholds.map((t) => {
    const at = round((amount * t.percent) / 100);
    return {
      kind: t.kind,
      percent: t.percent,
      at,
      reached: !outside && amount > 0 && value(t.kind) >= at,
      firedAt: firedAt.get(`${t.kind}:${t.percent}`) ?? null,
    };
  });
  const state: BudgetState =
    outside ?? (spent > amount ? 'over' : forecast.total > amount ? 'at_risk' : 'ok');
  return {
    period,
    asOf: through,
    currency: b.currency,
    amount,
    spent: round(spent),
    remaining: round(amount - spent),
    percentUsed: pct(spent, amount),
    forecast: {
      total: round(forecast.total),
      lower: round(forecast.lower),
      upper: round(forecast.upper),
      percent: pct(forecast.total, amount),
      model: forecast.model,
      method:
        forecast.model === 'none' && through >= period.end
          ? 'The period is complete: the forecast is what was spent.'
          : describeMethod(forecast.model, forecast.days),
    },
    state,
    thresholds,
  };
}

/** Spend against the amount in the `count` periods before the one holding `asOf`, oldest first. */
export async function budgetHistory(
  costs: CostPort,
  b: Budget,
  asOf: string,
  count: number,
): Promise<PeriodSpend[]> {
  const current = periodOf(b.period, asOf);
  const periods = Array.from({ length: count }, (_, i) =>
    shiftPeriod(b.period, current.start, i - count),
  ).filter((p) => covers(b, p));
  if (periods.length === 0) return [];
  const answer = await costs.query(b.orgId, {
    from: periods[0].start,
    to: periods[periods.length - 1].end,
    granularity: 'month',
    groupBy: [],
    filters: scopeFilters(b),
    basis: b.basis,
    currency: b.currency,
    limit: 1,
  });
  const byMonth = new Map(
    answer.currency === b.currency ? answer.series.map((s) => [s.period.slice(0, 7), s.cost] as const) : [],
  );
  return periods.map((p) => {
    const spent = eachMonth(p.start, p.end).reduce((s, m) => s + (byMonth.get(m.slice(0, 7)) ?? 0), 0);
    const amount = amountFor(b, p);
    return { start: p.start, end: p.end, amount, spent: round(spent), percentUsed: pct(spent, amount) };
  });
}
