/**
 * Validation steps 5 to 7 of an AWS connection: discovery's read access (EC2, load balancers, CloudWatch), AWS
 * Organizations' member accounts, and the Cost Explorer API.
 */
import { DescribeInstancesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { DescribeOrganizationCommand, ListAccountsCommand } from '@aws-sdk/client-organizations';
import type { AwsClients } from '../sdk/client-factory.js';
import { diagnose, type DiagnoseContext } from '../sdk/diagnostics.js';
import type { Diagnostic } from '../../../lib/errors.js';
import type { DiscoveredInput } from '../../../accounts/member-store.js';
import type { ValidationStep } from '../../../accounts/account-types.js';
import { DAY_MS, fail, pass, skip } from './validation-steps.js';

export async function checkDiscovery(
  clients: AwsClients,
  region: string,
  d: (c: DiagnoseContext) => DiagnoseContext,
  signal?: AbortSignal,
): Promise<ValidationStep> {
  const now = Date.now();
  const checks: [string, string, () => Promise<unknown>][] = [
    [
      'ec2',
      'DescribeRegions',
      () => clients.ec2(region).send(new DescribeRegionsCommand({}), { abortSignal: signal }),
    ],
    [
      'ec2',
      'DescribeInstances',
      () =>
        clients.ec2(region).send(new DescribeInstancesCommand({ MaxResults: 5 }), { abortSignal: signal }),
    ],
    [
      'elasticloadbalancing',
      'DescribeLoadBalancers',
      () =>
        clients
          .elbv2(region)
          .send(new DescribeLoadBalancersCommand({ PageSize: 1 }), { abortSignal: signal }),
    ],
    [
      'elasticloadbalancing',
      'DescribeLoadBalancers (classic)',
      () =>
        clients
          .elb(region)
          .send(new DescribeClassicLoadBalancersCommand({ PageSize: 1 }), { abortSignal: signal }),
    ],
    [
      'monitoring',
      'GetMetricData',
      () =>
        clients.cloudwatch(region).send(
          new GetMetricDataCommand({
            StartTime: new Date(now - 3600_000),
            EndTime: new Date(now),
            MetricDataQueries: [
              {
                Id: 'probe',
                MetricStat: {
                  Metric: {
                    Namespace: 'AWS/EC2',
                    MetricName: 'CPUUtilization',
                    Dimensions: [{ Name: 'InstanceId', Value: 'i-00000000000000000' }],
                  },
                  Period: 3600,
                  Stat: 'Average',
                },
              },
            ],
          }),
          { abortSignal: signal },
        ),
    ],
  ];
  const problems: Diagnostic[] = [];
  for (const [service, operation, call] of checks) {
    try {
      await call();
    } catch (err) {
      const dg = diagnose(err, d({ service, operation, region }));
      if (!problems.some((p) => p.code === dg.code)) problems.push(dg);
    }
  }
  if (problems.length) return fail('discovery', { diagnostics: problems });
  return pass(
    'discovery',
    'discovery_allowed',
    `EC2, load balancer and CloudWatch read access works (checked in ${region}).`,
  );
}

export async function checkOrganizations(
  clients: AwsClients,
  accountId: string,
  required: boolean,
  d: (c: DiagnoseContext) => DiagnoseContext,
  signal?: AbortSignal,
): Promise<{ step: ValidationStep; members: DiscoveredInput[] | null }> {
  const org = clients.organizations();
  const optional = (code: string, message: string) => ({
    step: skip('organizations', code, message),
    members: null,
  });
  let managementAccountId: string | undefined;
  let orgId: string | undefined;
  try {
    const out = await org.send(new DescribeOrganizationCommand({}), { abortSignal: signal });
    managementAccountId = out.Organization?.MasterAccountId;
    orgId = out.Organization?.Id;
  } catch (err) {
    const dg = diagnose(err, d({ service: 'organizations', operation: 'DescribeOrganization' }));
    if (!required) return optional(dg.code, `Not a payer: ${dg.message}`);
    return { step: fail('organizations', { diagnostics: [dg] }), members: null };
  }
  if (managementAccountId && managementAccountId !== accountId) {
    const message = `Account ${accountId} is a member of organization ${orgId ?? ''}, whose management (payer) account is ${managementAccountId}.`;
    if (!required) return optional('not_management_account', message);
    return {
      step: fail('organizations', {
        diagnostics: [
          {
            code: 'not_management_account',
            message,
            remediation: `Connect account ${managementAccountId} as the payer, and this account as a linked account.`,
          },
        ],
      }),
      members: null,
    };
  }
  const members: DiscoveredInput[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await org.send(new ListAccountsCommand({ NextToken: token }), { abortSignal: signal });
      for (const a of page.Accounts ?? []) {
        if (!a.Id || a.Id === accountId) continue;
        members.push({
          awsAccountId: a.Id,
          name: a.Name ?? null,
          email: a.Email ?? null,
          status: (a.State as string | undefined) ?? (a.Status as string | undefined) ?? null,
          joinedAt: a.JoinedTimestamp ?? null,
        });
      }
      token = page.NextToken;
    } while (token);
  } catch (err) {
    const dg = diagnose(err, d({ service: 'organizations', operation: 'ListAccounts' }));
    if (!required) return optional(dg.code, `Member accounts not listed: ${dg.message}`);
    return { step: fail('organizations', { diagnostics: [dg] }), members: null };
  }
  return {
    step: pass(
      'organizations',
      'members_listed',
      `AWS Organizations lists ${members.length} member account${members.length === 1 ? '' : 's'}.`,
      {
        details: { organizationId: orgId ?? null, memberCount: members.length },
      },
    ),
    members,
  };
}

export async function checkCostExplorer(
  clients: AwsClients,
  now: Date,
  d: (c: DiagnoseContext) => DiagnoseContext,
  signal?: AbortSignal,
): Promise<ValidationStep> {
  const end = now.toISOString().slice(0, 10);
  const start = new Date(now.getTime() - DAY_MS).toISOString().slice(0, 10);
  try {
    await clients.ce().send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: start, End: end },
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost'],
      }),
      { abortSignal: signal },
    );
  } catch (err) {
    return fail('cost_explorer', {
      diagnostics: [diagnose(err, d({ service: 'ce', operation: 'GetCostAndUsage' }))],
    });
  }
  return pass(
    'cost_explorer',
    'ce_allowed',
    'The Cost Explorer API answers (one request, billed by AWS at $0.01).',
  );
}
