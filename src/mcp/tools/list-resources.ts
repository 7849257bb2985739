import { z } from 'zod';
import { RESOURCE_TYPES } from '../../inventory/inventory-types.js';
import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const listResourcesTool = defineTool({
  name: 'list_resources',
  title: 'List resources',
  description:
    'The AWS resources Cloudtally found in the connected accounts (EC2 instances, EBS volumes and snapshots, AMIs, Elastic IPs, load balancers), most expensive first, with state and what each cost in the bill over the last 30 days. Filter by type, account, region, state, tag or a search text.',
  annotations: READ_ONLY,
  args: {
    type: z.enum(RESOURCE_TYPES).optional(),
    awsAccountId: z.string().optional().describe('AWS account ID (12 digits)'),
    region: z.string().optional().describe('AWS region code, e.g. us-east-1'),
    state: z.string().optional().describe('e.g. running, stopped, available, in-use, unassociated'),
    tag: z.string().optional().describe('KEY (has the tag) or KEY=VALUE'),
    search: z.string().max(200).optional().describe('Part of the ID, name or ARN'),
    minCost: z.number().min(0).optional().describe('Only resources that cost at least this over 30 days'),
    limit: z.number().int().min(1).max(200).optional().describe('Resources listed (default 30)'),
  },
  async execute(args, api) {
    const limit = args.limit ?? 30;
    const res = await ok(
      api.GET('/api/v1/resources', {
        params: {
          query: {
            type: args.type,
            awsAccountId: args.awsAccountId,
            region: args.region,
            state: args.state,
            tag: args.tag,
            search: args.search,
            minCost: args.minCost,
            limit,
          },
        },
      }),
    );
    if (res.items.length === 0) return 'No resources match these arguments.';
    const currency = res.items.find((r) => r.cost)?.cost?.currency ?? 'USD';
    const lines = [
      `${res.total} resource${res.total === 1 ? '' : 's'} match${res.totalBilledCost === undefined ? '' : `, billed ${money(res.totalBilledCost, currency)} over the last 30 days`}.`,
      '',
      table(
        ['type', 'id', 'name', 'state', 'account', 'region', 'billed (30 d)'],
        res.items.map((r) => [
          r.type,
          r.id,
          r.name,
          r.goneAt ? 'gone' : r.state,
          r.awsAccountId,
          r.region,
          r.cost ? money(r.cost.billed, r.cost.currency) : 'not in bill',
        ]),
        limit,
        '',
      ),
    ];
    if (res.total > res.items.length)
      lines.push(
        `${res.total - res.items.length} more not listed: narrow with type, awsAccountId, region, state, tag or search, or raise limit.`,
      );
    return lines.join('\n');
  },
});
