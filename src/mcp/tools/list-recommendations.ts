import { z } from 'zod';
import { RULE_NAMES, type RuleName } from '../../recommendations/settings.js';
import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const listRecommendationsTool = defineTool({
  name: 'list_recommendations',
  title: 'List savings recommendations',
  description:
    'Ways to spend less that Cloudtally found (idle or oversized instances, unattached volumes, unused Elastic IPs, idle load balancers, old snapshots, gp2→gp3, commitments…), each with its monthly saving computed from the real bill. Starts with the total possible monthly saving. Open recommendations by default.',
  annotations: READ_ONLY,
  args: {
    state: z.enum(['open', 'dismissed', 'snoozed', 'closed', 'all']).optional().describe('Default open'),
    rule: z
      .enum(RULE_NAMES as [RuleName, ...RuleName[]])
      .optional()
      .describe('Only this rule'),
    awsAccountId: z.string().optional().describe('Only this AWS account (12 digits)'),
    region: z.string().optional(),
    minSavings: z
      .number()
      .min(0)
      .optional()
      .describe('Only recommendations saving at least this much per month'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(200)
      .optional()
      .describe('Recommendations listed (default 25), largest saving first'),
  },
  async execute(args, api) {
    const limit = args.limit ?? 25;
    const res = await ok(
      api.GET('/api/v1/recommendations', {
        params: {
          query: {
            state: args.state ?? 'open',
            rule: args.rule,
            awsAccountId: args.awsAccountId,
            region: args.region,
            minSavings: args.minSavings,
            limit,
          },
        },
      }),
    );
    const currency = res.items[0]?.currency ?? 'USD';
    const listed = res.items.reduce((s, r) => s + Number(r.monthlySavings), 0);
    const total = res.total ?? res.items.length;
    const lines: string[] = [];
    if (res.totals)
      lines.push(
        `Possible savings: ${money(res.totals.monthlySavings, currency)} per month across ${res.totals.count} open recommendations.`,
      );
    else lines.push(`Listed recommendations save ${money(listed, currency)} per month.`);
    if (res.totals?.byRule?.length)
      lines.push(
        `By rule: ${res.totals.byRule
          .slice(0, 8)
          .map((r) => `${r.rule} ${money(r.monthlySavings, currency)} (${r.count})`)
          .join('; ')}.`,
      );
    if (res.items.length === 0) {
      lines.push('No recommendations match these arguments.');
      return lines.join('\n');
    }
    lines.push(
      '',
      `${args.state ?? 'open'} recommendations, largest saving first (${res.items.length} of ${total}):`,
      table(
        ['saving/month', 'rule', 'resource', 'account', 'region', 'action', 'id'],
        [...res.items]
          .sort((a, b) => b.monthlySavings - a.monthlySavings)
          .map((r) => [
            money(r.monthlySavings, r.currency ?? currency),
            r.rule,
            r.resourceName ? `${r.resourceName} (${r.resourceId})` : r.resourceId,
            r.awsAccountId,
            r.region,
            r.action ?? r.title,
            r.id,
          ]),
        limit,
        '',
      ),
    );
    if (total > res.items.length)
      lines.push(
        `${total - res.items.length} more not listed: narrow with rule, awsAccountId, region or minSavings, or raise limit.`,
      );
    return lines.join('\n');
  },
});
