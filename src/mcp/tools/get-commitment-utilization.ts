import { z } from 'zod';
import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const getCommitmentUtilizationTool = defineTool({
  name: 'get_commitment_utilization',
  title: 'Commitment utilization',
  description:
    'Utilization of reserved instances and savings plans per month: committed (amortized) cost, used, unused (the waste), utilization in % (reserved instances: used hours over purchased hours), on-demand equivalent of the covered usage and net savings (on-demand equivalent − amortized cost, AWS’s formula); the total of each month, or one commitment’s months. With daily: per day of at most 3 months (from the bills; a reserved instance’s unused cost from its purchased hours of the day).',
  annotations: READ_ONLY,
  args: {
    from: z.string().optional().describe('First month, YYYY-MM (default: 11 months before to)'),
    to: z.string().optional().describe('Last month, YYYY-MM (default: the newest with billing data)'),
    commitment: z.string().optional().describe('One commitment’s ARN or ID (list_commitments shows them)'),
    daily: z
      .boolean()
      .optional()
      .describe('Per day instead of per month (from defaults to to; at most 3 months)'),
  },
  async execute(args, api) {
    const r = await ok(
      api.GET('/api/v1/commitments/utilization', {
        params: {
          query: {
            from: args.from,
            to: args.to,
            commitmentId: args.commitment,
            granularity: args.daily ? 'daily' : undefined,
          },
        },
      }),
    );
    if (r.items.length === 0)
      return `No commitment figures from ${r.from} to ${r.to}${args.commitment ? ` for ${args.commitment}` : ''}. list_commitments shows which commitments the bills hold.`;
    const rows = args.commitment ? r.items : r.totals;
    return [
      args.commitment
        ? `${args.commitment}, ${r.from} to ${r.to}:`
        : `All commitments, ${r.from} to ${r.to} (${new Set(r.items.map((i) => i.commitmentId)).size} commitments):`,
      '',
      table(
        [
          args.daily ? 'day' : 'month',
          'committed',
          'used',
          'unused',
          'utilization',
          'on-demand equivalent',
          'net savings',
        ],
        rows.map((m) => [
          m.period,
          money(m.committed, m.currency),
          money(m.used, m.currency),
          money(m.unused, m.currency),
          `${m.utilization}%`,
          money(m.onDemandEquivalent, m.currency),
          money(m.netSavings, m.currency),
        ]),
        args.daily ? 100 : 60,
        'narrow from and to',
      ),
    ].join('\n');
  },
});
