import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const listBudgetsTool = defineTool({
  name: 'list_budgets',
  title: 'List budgets',
  description:
    'The budgets of the organization with the status of their current period: amount, spent so far (through the newest day with billing data), forecast for the whole period with its 80% range, and the state (ok, at_risk when the forecast is above the amount, over when the spend is). Use get_budget_status for one budget’s thresholds and past periods.',
  annotations: READ_ONLY,
  args: {},
  async execute(_args, api) {
    const { items } = await ok(api.GET('/api/v1/budgets'));
    if (items.length === 0)
      return 'No budgets yet. Create one in Cloudtally (Budgets), with `cloudtally budgets create --name N --amount A`, or POST /api/v1/budgets.';
    const atRisk = items.filter((b) => b.status.state === 'at_risk' || b.status.state === 'over');
    const lines = [
      `${items.length} budget${items.length === 1 ? '' : 's'}; ${atRisk.length} at risk or over.`,
      '',
      table(
        ['name', 'period', 'amount', 'spent', 'forecast (80% range)', 'state', 'id'],
        items.map((b) => {
          const s = b.status;
          return [
            b.name,
            `${s.period.start} to ${s.period.end}`,
            money(s.amount, s.currency),
            `${money(s.spent, s.currency)} (${s.percentUsed}%)`,
            `${money(s.forecast.total, s.currency)} (${money(s.forecast.lower, s.currency)} – ${money(s.forecast.upper, s.currency)})`,
            s.state,
            b.id,
          ];
        }),
        100,
        'ask get_budget_status for one budget',
      ),
    ];
    if (items[0])
      lines.push(`Figures run through ${items[0].status.asOf}, the newest day with billing data.`);
    return lines.join('\n');
  },
});
