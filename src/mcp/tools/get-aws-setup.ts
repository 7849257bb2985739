import { z } from 'zod';
import { defineTool, READ_ONLY } from '../tool-kit.js';

interface AwsSetup {
  externalId: string;
  principalArn?: string | null;
  suggestedRoleName?: string;
  trustPolicy?: unknown;
  permissionPolicy?: unknown;
  cloudFormationTemplate?: unknown;
}

const block = (v: unknown, lang: string) =>
  `\`\`\`${lang}\n${typeof v === 'string' ? v : JSON.stringify(v, null, 2)}\n\`\`\``;

export const getAwsSetupTool = defineTool({
  name: 'get_aws_setup',
  title: 'AWS setup for a new connection',
  description:
    "What to create in AWS before connecting an account: the organization's external ID, the principal Cloudtally assumes roles from, the IAM trust policy and permission policy, and a CloudFormation template that creates the role. Optionally for a connection type (assumed_role, root, linked, cost_explorer).",
  annotations: READ_ONLY,
  args: {
    type: z
      .enum(['assumed_role', 'root', 'linked', 'cost_explorer'])
      .optional()
      .describe('Connection type (default assumed_role)'),
    includeTemplate: z
      .boolean()
      .optional()
      .describe('Include the full CloudFormation template (default true)'),
  },
  async execute(args, api) {
    const s = await api.get<AwsSetup>('/api/v1/setup/aws', { type: args.type });
    const lines = [
      `External ID: ${s.externalId}`,
      `Cloudtally principal (trusted by the role): ${s.principalArn ?? 'not configured (set awsPrincipalArn)'}`,
    ];
    if (s.suggestedRoleName) lines.push(`Suggested role name: ${s.suggestedRoleName}`);
    if (s.trustPolicy) lines.push('', 'Trust policy:', block(s.trustPolicy, 'json'));
    if (s.permissionPolicy) lines.push('', 'Permission policy:', block(s.permissionPolicy, 'json'));
    if (s.cloudFormationTemplate && args.includeTemplate !== false)
      lines.push(
        '',
        'CloudFormation template:',
        block(s.cloudFormationTemplate, typeof s.cloudFormationTemplate === 'string' ? 'yaml' : 'json'),
      );
    return lines.join('\n');
  },
});
