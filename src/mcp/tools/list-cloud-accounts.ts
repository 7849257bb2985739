import { z } from 'zod';
import { defineTool, READ_ONLY, table, when } from '../tool-kit.js';
import { ok } from '../api-caller.js';

const STATES = ['healthy', 'syncing', 'degraded', 'failed', 'pending', 'disabled'] as const;

export const listCloudAccountsTool = defineTool({
  name: 'list_cloud_accounts',
  title: 'List cloud accounts',
  description:
    'The AWS accounts connected to Cloudtally: name, connection type, AWS account ID, status (healthy, syncing, degraded, failed, pending, disabled), time of the last successful sync, and how fresh the billing data is. Use get_cloud_account for one account’s diagnostics.',
  annotations: READ_ONLY,
  args: {
    status: z.enum(STATES).optional().describe('Only accounts in this state'),
  },
  async execute(args, api) {
    const { items } = await ok(api.GET('/api/v1/cloud-accounts'));
    const accounts = args.status ? items.filter((a) => a.status?.state === args.status) : items;
    if (items.length === 0)
      return 'No cloud accounts are connected yet. Connect one in Cloudtally (Accounts → Connect cloud account); get_aws_setup shows the IAM role to create.';
    const counts = new Map<string, number>();
    for (const a of items)
      counts.set(a.status?.state ?? 'unknown', (counts.get(a.status?.state ?? 'unknown') ?? 0) + 1);
    const summary = [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
    const lines = [`${items.length} cloud account${items.length === 1 ? '' : 's'} (${summary}).`];
    if (args.status) lines.push(`${accounts.length} ${args.status}:`);
    lines.push(
      '',
      table(
        ['name', 'type', 'AWS account', 'status', 'last sync', 'data up to', 'id'],
        accounts.map((a) => [
          a.name,
          a.type,
          a.awsAccountId,
          a.status?.state ?? 'unknown',
          when(a.status?.lastSyncAt),
          a.status?.dataFreshness ?? '-',
          a.id,
        ]),
        100,
        'filter by status',
      ),
    );
    const failing = accounts.filter((a) => a.status?.state === 'failed' || a.status?.state === 'degraded');
    for (const a of failing) {
      const d = a.status?.diagnostics?.[0];
      lines.push(
        `${a.name}: ${d?.message ?? a.status?.message ?? 'see get_cloud_account'}${d?.remediation ? ` Fix: ${d.remediation}` : ''}`,
      );
    }
    return lines.join('\n');
  },
});
