import type { BudgetThresholdEvent } from '../../budgets/budget-service.js';
import type { RaisedEvent } from '../notification-types.js';
import { money } from './money.js';

/** A budget threshold reached for the first time in a period, as a notification event. */
export function budgetThresholdEvent(e: BudgetThresholdEvent): RaisedEvent {
  const actual = e.kind === 'actual';
  const value = actual ? e.spent : e.forecast;
  const pctOf = e.amount > 0 ? Math.round((value / e.amount) * 1000) / 10 : 0;
  const title = actual
    ? `Budget "${e.budgetName}" has used ${e.percent} % of its amount`
    : `Budget "${e.budgetName}" is forecast to reach ${e.percent} % of its amount`;
  const summary = actual
    ? `Spend of ${money(e.spent, e.currency)} through ${e.asOf} is ${pctOf} % of the ${money(e.amount, e.currency)} budget for ${e.periodStart} to ${e.periodEnd}.`
    : `At the current pace the period ${e.periodStart} to ${e.periodEnd} ends at ${money(e.forecast, e.currency)}, ${pctOf} % of the ${money(e.amount, e.currency)} budget.`;
  return {
    orgId: e.orgId,
    type: 'budget_threshold',
    dedupeKey: `budget_threshold:${e.budgetId}:${e.periodStart}:${e.kind}:${e.percent}`,
    match: { budgetId: e.budgetId, thresholdKind: e.kind, percent: e.percent },
    message: {
      severity: e.percent >= 100 ? 'critical' : 'warning',
      title,
      summary,
      facts: [
        { label: 'Budget', value: e.budgetName },
        { label: 'Threshold', value: `${e.percent} % of ${actual ? 'actual spend' : 'forecast'}` },
        { label: 'Amount', value: money(e.amount, e.currency) },
        { label: 'Spent', value: money(e.spent, e.currency) },
        { label: 'Forecast', value: money(e.forecast, e.currency) },
        { label: 'Period', value: `${e.periodStart} to ${e.periodEnd}` },
        { label: 'Data through', value: e.asOf },
      ],
      path: `/budgets?budget=${encodeURIComponent(e.budgetId)}`,
      data: {
        budgetId: e.budgetId,
        budgetName: e.budgetName,
        thresholdKind: e.kind,
        percent: e.percent,
        periodStart: e.periodStart,
        periodEnd: e.periodEnd,
        asOf: e.asOf,
        currency: e.currency,
        amount: e.amount,
        spent: e.spent,
        forecast: e.forecast,
      },
    },
  };
}
