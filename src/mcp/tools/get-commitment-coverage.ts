import { z } from 'zod';
import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

const DIMENSIONS = ['service', 'account', 'region', 'family'] as const;

export const getCommitmentCoverageTool = defineTool({
  name: 'get_commitment_coverage',
  title: 'Commitment coverage',
  description:
    'How much of the usage that reserved instances and savings plans can cover (instance hours of EC2, RDS, ElastiCache, Redshift, OpenSearch; Fargate; Lambda) they did cover, at on-demand prices, per month and by service, account, region or instance family, with the on-demand spend left uncovered (the coverage gap), largest first.',
  annotations: READ_ONLY,
  args: {
    from: z.string().optional().describe('First month, YYYY-MM (default: to)'),
    to: z.string().optional().describe('Last month, YYYY-MM (default: the newest with billing data)'),
    groupBy: z
      .array(z.enum(DIMENSIONS))
      .optional()
      .describe('Dimensions to split by (default: service, account, region and family)'),
  },
  async execute(args, api) {
    const r = await ok(
      api.GET('/api/v1/commitments/coverage', {
        params: { query: { from: args.from, to: args.to, groupBy: args.groupBy?.join(',') } },
      }),
    );
    if (r.items.length === 0) return `No usage that commitments can cover from ${r.from} to ${r.to}.`;
    const totals = r.totals
      .map(
        (t) =>
          `${t.period}: ${t.coverage}% covered, ${money(t.onDemand, t.currency)} on demand of ${money(t.total, t.currency)}`,
      )
      .join('; ');
    return [
      `Coverage ${r.from} to ${r.to} — ${totals}.`,
      '',
      table(
        ['month', 'service', 'account', 'region', 'family', 'covered', 'on demand (gap)', 'coverage'],
        r.items.map((c) => [
          c.period,
          c.service || '-',
          c.awsAccountId || '-',
          c.region || '-',
          c.instanceFamily || '-',
          money(c.covered, c.currency),
          money(c.onDemand, c.currency),
          `${c.coverage}%`,
        ]),
        60,
        'group by fewer dimensions',
      ),
    ].join('\n');
  },
});
