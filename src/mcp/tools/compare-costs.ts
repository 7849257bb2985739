import { z } from 'zod';
import { ok } from '../api-caller.js';
import { basisArg, currencyArg, dateArg, dimensionHelp, filterParams, filtersArg } from '../cost-args.js';
import { defineTool, money, pct, READ_ONLY, table } from '../tool-kit.js';

export const compareCostsTool = defineTool({
  name: 'compare_costs',
  title: 'Compare two periods',
  description: [
    'Compares cost between two periods and names the drivers: the largest increases and decreases per dimension.',
    'By default this month to date against the same days of last month, by service and account.',
    'Both periods end at the newest day with billing data. Dates are YYYY-MM-DD, `to` included.',
    `Dimensions (by): ${dimensionHelp}.`,
  ].join(' '),
  annotations: READ_ONLY,
  args: {
    from: dateArg('Current period, first day (default the 1st of this month)').optional(),
    to: dateArg('Current period, last day included (default today)').optional(),
    compareFrom: dateArg('Earlier period, first day (with compareTo)').optional(),
    compareTo: dateArg('Earlier period, last day included (with compareFrom)').optional(),
    by: z
      .array(z.string())
      .min(1)
      .max(6)
      .optional()
      .describe('Dimensions to find drivers in (default service, account)'),
    filters: filtersArg,
    basis: basisArg,
    currency: currencyArg,
    limit: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe('Drivers per direction and dimension (default 5)'),
  },
  async execute(args, api) {
    const m = await ok(
      api.GET('/api/v1/costs/movers', {
        params: {
          query: {
            from: args.from,
            to: args.to,
            compareFrom: args.compareFrom,
            compareTo: args.compareTo,
            by: args.by?.join(','),
            ...filterParams(args.filters),
            basis: args.basis,
            currency: args.currency,
            limit: args.limit,
          },
        },
      }),
    );
    const c = m.currency;
    const change = m.current.total - m.previous.total;
    const lines = [
      `${m.current.from} to ${m.current.to}: ${money(m.current.total, c)}; ${m.previous.from} to ${m.previous.to}: ${money(m.previous.total, c)}; change ${money(change, c)} (${pct(m.previous.total === 0 ? null : (change / Math.abs(m.previous.total)) * 100)}), ${m.basis} cost.`,
    ];
    if (m.dataThrough) lines.push(`Billing data through ${m.dataThrough}.`);
    for (const d of m.dimensions) {
      const rows = [...d.increases, ...d.decreases].map((x) => [
        x.label,
        money(x.previous, c),
        money(x.current, c),
        money(x.change, c),
        pct(x.changePercent),
      ]);
      lines.push('', `Drivers by ${d.dimension}:`);
      lines.push(
        rows.length
          ? table([d.dimension, 'before', 'now', 'change', '%'], rows, rows.length, '')
          : 'No change in this dimension.',
      );
    }
    return lines.join('\n');
  },
});
