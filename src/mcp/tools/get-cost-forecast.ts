import { z } from 'zod';
import { basisArg, currencyArg, dateArg, filterParams, filtersArg } from '../cost-args.js';
import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const getCostForecastTool = defineTool({
  name: 'get_cost_forecast',
  title: 'Cost forecast',
  description:
    'Forecast of cloud cost to the end of the current month and for the next months, with an 80% range, from the daily cost history (linear trend plus day-of-week effects fitted on the last 12 weeks; the answer states the method used). Optional filters narrow it to e.g. one service or account.',
  annotations: READ_ONLY,
  args: {
    months: z
      .number()
      .int()
      .min(0)
      .max(12)
      .optional()
      .describe('Whole months after the current one (default 3)'),
    filters: filtersArg,
    basis: basisArg,
    currency: currencyArg,
    asOf: dateArg('Forecast as of this day (default today)').optional(),
  },
  async execute(args, api) {
    const f = await ok(
      api.GET('/api/v1/costs/forecast', {
        params: {
          query: {
            months: args.months,
            basis: args.basis,
            currency: args.currency,
            asOf: args.asOf,
            ...filterParams(args.filters),
          },
        },
      }),
    );
    const c = f.currency;
    const first = f.periods[0];
    const lines: string[] = [];
    if (first) {
      lines.push(
        `End of ${first.month}: ${money(first.total, c)} expected (80% range ${money(first.lower, c)} to ${money(first.upper, c)}); ${money(first.actual, c)} incurred so far.`,
      );
    }
    lines.push(`Method: ${f.method}`);
    lines.push(
      `Basis: ${f.basis} cost; actual cost through ${f.dataThrough ?? 'none (no data)'}, forecast after it; as of ${f.asOf}.`,
    );
    lines.push(
      '',
      table(
        ['month', 'incurred', 'forecast (rest)', 'expected total', '80% range'],
        f.periods.map((p) => [
          p.month,
          money(p.actual, c),
          money(p.forecast, c),
          money(p.total, c),
          `${money(p.lower, c)} – ${money(p.upper, c)}`,
        ]),
        13,
        'ask for fewer months',
      ),
    );
    for (const o of f.otherCurrencies)
      lines.push(
        `Costs in ${o.currency} (${money(o.total, o.currency)} in the history) are not included; ask with currency="${o.currency}".`,
      );
    return lines.join('\n');
  },
});
