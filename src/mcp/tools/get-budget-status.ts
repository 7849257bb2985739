import { z } from 'zod';
import { defineTool, money, READ_ONLY, table, ToolInputError } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const getBudgetStatusTool = defineTool({
  name: 'get_budget_status',
  title: 'Budget status',
  description:
    'One budget in detail: its scope, the current period’s spend, remaining amount and forecast with its 80% range, which thresholds (percent of actual or forecast spend) were reached and when they fired, and spend against the amount in past periods.',
  annotations: READ_ONLY,
  args: {
    budget: z.string().min(1).describe('The budget’s name or id (list_budgets shows both)'),
  },
  async execute(args, api) {
    const { items } = await ok(api.GET('/api/v1/budgets'));
    const match = items.find((b) => b.id === args.budget || b.name === args.budget);
    if (!match) {
      const names = items.map((b) => b.name).join(', ');
      throw new ToolInputError(
        `No budget named or with id "${args.budget}". ${names ? `Budgets: ${names}.` : 'There are no budgets yet.'}`,
      );
    }
    const b = await ok(api.GET('/api/v1/budgets/{id}', { params: { path: { id: match.id } } }));
    const s = b.status;
    const c = s.currency;
    const scope = [...b.scope.filter, ...b.scope.exclude.map((e) => `not ${e}`)].join(', ') || 'all costs';
    const lines = [
      `${b.name}: ${b.period} budget of ${money(s.amount, c)} on ${b.basis} cost (${scope}).`,
      `Period ${s.period.start} to ${s.period.end}, data through ${s.asOf}: spent ${money(s.spent, c)} (${s.percentUsed}%), remaining ${money(s.remaining, c)}.`,
      `Forecast for the period: ${money(s.forecast.total, c)} (${s.forecast.percent}%), 80% range ${money(s.forecast.lower, c)} to ${money(s.forecast.upper, c)}. State: ${s.state}.`,
      `Method: ${s.forecast.method}`,
      '',
      table(
        ['threshold', 'at', 'reached', 'fired'],
        s.thresholds.map((t) => [
          `${t.percent}% of ${t.kind}`,
          money(t.at, c),
          t.reached ? 'yes' : 'no',
          t.firedAt ?? '-',
        ]),
        20,
        'fewer thresholds',
      ),
    ];
    if (b.history.length) {
      lines.push(
        '',
        'Past periods:',
        table(
          ['period', 'spent', 'amount', 'used'],
          b.history.map((h) => [
            `${h.start} to ${h.end}`,
            money(h.spent, c),
            money(h.amount, c),
            `${h.percentUsed}%`,
          ]),
          24,
          'fewer periods',
        ),
      );
    }
    return lines.join('\n');
  },
});
