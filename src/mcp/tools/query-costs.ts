import { z } from 'zod';
import { basisArg, currencyArg, dateArg, dimensionHelp, filterParams, filtersArg } from '../cost-args.js';
import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

/** Periods are shown as columns when there are this few of them. */
const MAX_PERIOD_COLUMNS = 6;

export const queryCostsTool = defineTool({
  name: 'query_costs',
  title: 'Query costs',
  description: [
    'Cloud costs over a date range, grouped by up to two dimensions, from the billing data Cloudtally has loaded.',
    `Dimensions: ${dimensionHelp}.`,
    'Dates are YYYY-MM-DD and `to` is the last day INCLUDED (for "last month" in March 2024 use from=2024-02-01, to=2024-02-29).',
    'Answers with the total first, then the largest groups (the rest folded into one "other" row), with the cost per period when there are few periods.',
    'Example: EC2 last month by account = {from, to, groupBy:["account"], filters:[{dimension:"service", values:["Amazon Elastic Compute Cloud"]}]}.',
  ].join(' '),
  annotations: READ_ONLY,
  args: {
    from: dateArg('First day (included)'),
    to: dateArg('Last day (included)'),
    granularity: z.enum(['day', 'month']).optional().describe('Periods of the series (default month)'),
    groupBy: z.array(z.string()).max(2).optional().describe(`Up to two of: ${dimensionHelp}`),
    filters: filtersArg,
    basis: basisArg,
    currency: currencyArg,
    limit: z
      .number()
      .int()
      .min(1)
      .max(200)
      .optional()
      .describe('Groups listed (default 20); the rest are summed into one row'),
  },
  async execute(args, api) {
    const a = await ok(
      api.GET('/api/v1/costs', {
        params: {
          query: {
            from: args.from,
            to: args.to,
            granularity: args.granularity,
            groupBy: args.groupBy?.length ? args.groupBy.join(',') : undefined,
            ...filterParams(args.filters),
            basis: args.basis,
            currency: args.currency,
            limit: args.limit ?? 20,
          },
        },
      }),
    );
    const c = a.currency;
    const lines = [
      `Total: ${money(a.total, c)} (${a.basis} cost, ${a.from} to ${a.to} inclusive${a.filters.length ? ', filtered' : ''}).`,
    ];
    // Billing runs about a day behind: days after the newest with data are not days that cost nothing.
    if (a.dataThrough && a.dataThrough < a.to)
      lines.push(
        `Data through ${a.dataThrough}: the days after it have no billing data yet (billing runs about a day behind), so do not read them as zero spend or compare them with complete periods.`,
      );
    for (const w of a.warnings ?? []) lines.push(`Warning: ${w.message}.`);
    for (const o of a.otherCurrencies)
      lines.push(
        `Also ${money(o.total, o.currency)} in ${o.currency}, not included above; ask again with currency="${o.currency}".`,
      );
    if (a.total === 0 && a.groups.length === 0) {
      lines.push(
        'No cost data in this range. Check the dates, the filters, and that accounts have synced (list_cloud_accounts).',
      );
      return lines.join('\n');
    }
    const showPeriods = a.periods.length > 1 && a.periods.length <= MAX_PERIOD_COLUMNS;
    if (a.groupBy.length === 0) {
      lines.push('', `Per ${a.granularity}:`);
      lines.push(
        table(
          ['period', 'cost'],
          a.series.map((p) => [p.period, money(p.cost, c)]),
          62,
          'use granularity "month" or a shorter range',
        ),
      );
      return lines.join('\n');
    }
    const headers = [a.groupBy.join(' / '), 'total', 'share', ...(showPeriods ? a.periods : [])];
    const rows = a.groups.map((g) => [
      g.label,
      money(g.total, c),
      a.total !== 0 ? `${((g.total / a.total) * 100).toFixed(1)}%` : '-',
      ...(showPeriods ? g.series.map((p) => money(p.cost, c)) : []),
    ]);
    lines.push('', `By ${a.groupBy.join(' and ')} (${a.groupCount} groups, largest first):`);
    lines.push(table(headers, rows, a.groups.length, ''));
    if (a.truncated)
      lines.push(
        `Only the ${a.groups.length - 1} largest of ${a.groupCount} groups are listed; the last row sums the rest. To narrow, add filters or raise limit.`,
      );
    if (!showPeriods && a.periods.length > 1)
      lines.push(
        `(${a.periods.length} ${a.granularity}s in range; per-period figures are omitted, narrow the range or use month granularity to see them.)`,
      );
    return lines.join('\n');
  },
});
