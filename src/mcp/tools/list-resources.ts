import { z } from 'zod';
import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';

interface Resource {
  id: string;
  type: string;
  region: string;
  awsAccountId: string;
  name: string | null;
  state: string | null;
  cost?: number | null;
  currency?: string | null;
  details?: Record<string, unknown>;
}

export const listResourcesTool = defineTool({
  name: 'list_resources',
  title: 'List resources',
  description:
    'The AWS resources Cloudtally found in the connected accounts (EC2 instances, EBS volumes and snapshots, AMIs, Elastic IPs, load balancers) with state and what each cost in the bill over the last 30 days. Filter by type, region, account or a search text.',
  annotations: READ_ONLY,
  args: {
    type: z
      .string()
      .optional()
      .describe('e.g. ec2_instance, ebs_volume, ebs_snapshot, ami, elastic_ip, load_balancer'),
    region: z.string().optional().describe('AWS region code, e.g. us-east-1'),
    account: z.string().optional().describe('AWS account ID (12 digits)'),
    search: z.string().optional().describe('Text in the resource ID, name or tags'),
    limit: z.number().int().min(1).max(200).optional().describe('Resources listed (default 30)'),
  },
  async execute(args, api) {
    const limit = args.limit ?? 30;
    const res = await api.get<{ items: Resource[]; total?: number }>('/api/v1/resources', {
      type: args.type,
      region: args.region,
      account: args.account,
      search: args.search,
      limit,
    });
    const total = res.total ?? res.items.length;
    if (res.items.length === 0) return 'No resources match these arguments.';
    const currency = res.items.find((r) => r.currency)?.currency ?? 'USD';
    const cost = res.items.reduce((s, r) => s + (r.cost ?? 0), 0);
    const lines = [
      `${total} resource${total === 1 ? '' : 's'} match; the ${res.items.length} listed cost ${money(cost, currency)} over the last 30 days.`,
      '',
      table(
        ['type', 'id', 'name', 'state', 'account', 'region', 'cost (30 d)'],
        res.items.map((r) => [
          r.type,
          r.id,
          r.name,
          r.state,
          r.awsAccountId,
          r.region,
          r.cost == null ? '-' : money(r.cost, r.currency ?? currency),
        ]),
        limit,
        '',
      ),
    ];
    if (total > res.items.length)
      lines.push(
        `${total - res.items.length} more not listed: narrow with type, region, account or search, or raise limit.`,
      );
    return lines.join('\n');
  },
});
