import { z } from 'zod';
import { dateArg } from '../cost-args.js';
import { defineTool, money, pct, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const listCostAnomaliesTool = defineTool({
  name: 'list_cost_anomalies',
  title: 'Cost anomalies',
  description:
    "Days where an AWS account's or a service's amortized cost departed from its usual level (the median of the same weekday over the previous 8 weeks) by more than 3 robust deviations, at least 10 in the currency and 10% — newest first, each with the line items (resource, usage type) that drove it. Recomputed after every billing load.",
  annotations: READ_ONLY,
  args: {
    from: dateArg('First day (included)').optional(),
    to: dateArg('Last day (included)').optional(),
    dimension: z
      .enum(['account', 'service'])
      .optional()
      .describe('Only anomalies of accounts or of services'),
    direction: z.enum(['increase', 'decrease']).optional().describe('Only spikes or only drops'),
    state: z
      .enum(['open', 'acknowledged', 'expected'])
      .optional()
      .describe('Only anomalies nobody decided on yet (open), acknowledged ones, or those marked expected'),
    limit: z.number().int().min(1).max(100).optional().describe('Anomalies listed (default 20)'),
  },
  async execute(args, api) {
    const limit = args.limit ?? 20;
    const { items } = await ok(
      api.GET('/api/v1/costs/anomalies', {
        params: {
          query: {
            from: args.from,
            to: args.to,
            dimension: args.dimension,
            direction: args.direction,
            state: args.state,
            limit: limit + 1,
          },
        },
      }),
    );
    if (items.length === 0) return 'No cost anomalies found for these arguments.';
    const shown = items.slice(0, limit);
    const up = shown.filter((a) => a.direction === 'increase');
    const lines = [
      `${shown.length}${items.length > limit ? '+' : ''} anomalies (${up.length} increases, ${shown.length - up.length} decreases), newest first:`,
      '',
      table(
        ['date', 'what', 'actual', 'usual', 'change', 'state', 'top drivers'],
        shown.map((a) => [
          a.date,
          `${a.dimension} ${a.label}`,
          money(a.actual, a.currency),
          money(a.expected, a.currency),
          `${money(a.change, a.currency)} (${pct(a.changePercent)})`,
          a.comment ? `${a.state}: ${a.comment}` : a.state,
          a.drivers
            .slice(0, 2)
            .map((d) => `${d.resourceId ?? d.usageType ?? d.service ?? '?'} ${money(d.change, a.currency)}`)
            .join('; '),
        ]),
        limit,
        '',
      ),
    ];
    if (items.length > limit)
      lines.push('More anomalies exist: narrow with from/to, dimension or direction, or raise limit.');
    return lines.join('\n');
  },
});
