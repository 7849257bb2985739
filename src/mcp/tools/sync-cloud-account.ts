import { z } from 'zod';
import { resolveAccountId } from '../account-ref.js';
import { defineTool } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const syncCloudAccountTool = defineTool({
  name: 'sync_cloud_account',
  title: 'Sync a cloud account now',
  description:
    'Starts a sync of one AWS account now: billing data, resource inventory, utilization metrics, then recommendations. Needs the Engineer or Organization Manager role. If a sync is already queued it is joined instead of starting another. Returns the run ID; progress shows in get_cloud_account.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  args: {
    account: z.string().min(1).describe('Cloudtally ID (ca_…), 12-digit AWS account ID, or account name'),
  },
  async execute(args, api) {
    const id = await resolveAccountId(api, args.account);
    const run = await ok(api.POST('/api/v1/cloud-accounts/{id}/sync', { params: { path: { id } } }));
    return [
      `${run.joined ? 'Joined the sync already queued' : 'Sync queued'} for account ${id}: run ${run.id}, state ${run.state}${run.stage ? ` (${run.stage})` : ''}.`,
      'Check progress with get_cloud_account; costs and recommendations update when the run finishes.',
    ].join('\n');
  },
});
