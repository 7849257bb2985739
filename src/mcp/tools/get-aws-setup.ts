import { z } from 'zod';
import { defineTool, READ_ONLY } from '../tool-kit.js';
import { ok } from '../api-caller.js';

const json = (v: unknown) => `\`\`\`json\n${JSON.stringify(v, null, 2)}\n\`\`\``;

export const getAwsSetupTool = defineTool({
  name: 'get_aws_setup',
  title: 'AWS setup for a new connection',
  description:
    "What to create in AWS before connecting an account: the organization's external ID, the principal Cloudtally assumes roles from, the IAM trust policy, the least-privilege permission policy for the connection type, and a CloudFormation template that creates the role. Give the billing bucket and prefix to have them filled into the policies.",
  annotations: READ_ONLY,
  args: {
    type: z
      .enum(['assumed_role', 'root', 'linked', 'cost_explorer'])
      .optional()
      .describe('Connection type (default assumed_role)'),
    bucket: z.string().optional().describe('S3 bucket of the billing export, filled into the policies'),
    prefix: z.string().optional().describe('S3 prefix of the billing export'),
    roleName: z.string().optional().describe('Name of the IAM role to create'),
    includeTemplate: z.boolean().optional().describe('Include the CloudFormation template (default true)'),
  },
  async execute(args, api) {
    const type = args.type ?? 'assumed_role';
    const s = await ok(
      api.GET('/api/v1/setup/aws', {
        params: { query: { bucket: args.bucket, prefix: args.prefix, roleName: args.roleName } },
      }),
    );
    const lines = [
      `External ID: ${s.externalId}${s.externalIdRotatedAt ? ` (rotated ${s.externalIdRotatedAt})` : ''}`,
      `Cloudtally principal the role must trust: ${s.principal.arn ?? 'not configured'}${s.principal.note ? ` — ${s.principal.note}` : ''}`,
      ...s.notes.map((n) => `Note: ${n}`),
    ];
    if (type === 'assumed_role' || type === 'cost_explorer')
      lines.push('', 'Trust policy:', json(s.trustPolicy));
    lines.push('', `Permission policy (${type}):`, json(s.permissionPolicies[type]));
    // A root / payer connection is an IAM user's access key: there is no role to create.
    const template = type === 'root' ? undefined : s.cloudFormation[type];
    if (template && args.includeTemplate !== false)
      lines.push('', `CloudFormation template (${type}):`, json(template));
    if (!template && type === 'root')
      lines.push(
        '',
        'A root / payer connection uses the access key of a read-only IAM user with the policy above.',
      );
    return lines.join('\n');
  },
});
