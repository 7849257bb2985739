import { DescribeInstancesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { DescribeOrganizationCommand, ListAccountsCommand } from '@aws-sdk/client-organizations';
import { GetBucketLocationCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { AwsClients } from '../sdk/client-factory.js';
import { awsErrorInfo, diagnose, type DiagnoseContext } from '../sdk/diagnostics.js';
import type { Diagnostic } from '../../../lib/errors.js';
import type { ExportType } from './aws-schemas.js';
import type { DiscoveredInput } from '../../../accounts/member-store.js';
import type { ValidationStep } from '../../../accounts/account-types.js';
import { firstFileHeader, headerDiagnostic, outsideRetention } from './export-contents.js';
import { findExport, folder, foldersUnder, pendingSince, type ExportLocation } from './export-locator.js';

/** The checks behind validation steps 3 to 7, each one AWS read at a time, each failure a diagnostic. */

/** The validation steps of an AWS connection, in the order they run. */
export const VALIDATION_STEPS = [
  'credentials',
  'identity',
  'bucket',
  'export',
  'discovery',
  'organizations',
  'cost_explorer',
] as const;
export type ValidationStepName = (typeof VALIDATION_STEPS)[number];

/** The billing export a connection names. */
export type ExportTarget = ExportLocation & { exportType: ExportType; region: string };

export const DAY_MS = 24 * 3600_000;

export type StepFail = { diagnostics: Diagnostic[]; details?: Record<string, unknown> };

export function pass(
  step: ValidationStepName,
  code: string,
  message: string,
  extra: Partial<ValidationStep> = {},
): ValidationStep {
  return { step, state: 'pass', code, message, ...extra };
}
export function skip(step: ValidationStepName, code: string, message: string): ValidationStep {
  return { step, state: 'skipped', code, message };
}
export function fail(step: ValidationStepName, f: StepFail): ValidationStep {
  const diagnostics = f.diagnostics.map((d) => ({ ...d, step }));
  const d = diagnostics[0];
  return {
    step,
    state: 'fail',
    code: d.code,
    message: d.message,
    remediation: d.remediation,
    diagnostics,
    details: f.details,
  };
}

export const isDenied = (err: unknown) => {
  const e = awsErrorInfo(err);
  return ['AccessDenied', 'AccessDeniedException'].includes(e.name) || e.status === 403;
};

export async function checkBucket(
  clients: AwsClients,
  ex: ExportTarget,
  d: (c: DiagnoseContext) => DiagnoseContext,
  signal?: AbortSignal,
): Promise<ValidationStep> {
  const s3 = clients.s3(ex.region);
  const base = { service: 's3', bucket: ex.bucket, prefix: ex.prefix, region: ex.region };
  let location: string | null = null;
  try {
    const out = await s3.send(new GetBucketLocationCommand({ Bucket: ex.bucket }), { abortSignal: signal });
    const lc = out.LocationConstraint as string | undefined;
    location = !lc ? 'us-east-1' : lc === 'EU' ? 'eu-west-1' : lc;
  } catch (err) {
    // Without s3:GetBucketLocation the listing below still tells a wrong region by S3's redirect.
    if (!isDenied(err))
      return fail('bucket', { diagnostics: [diagnose(err, d({ ...base, operation: 'GetBucketLocation' }))] });
  }
  if (location && location !== ex.region) {
    return fail('bucket', {
      diagnostics: [
        {
          code: 'bucket_wrong_region',
          message: `The bucket ${ex.bucket} is in ${location}, not in ${ex.region} as entered.`,
          remediation: `Set the export region to ${location}.`,
        },
      ],
      details: { bucketRegion: location },
    });
  }
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: ex.bucket, Prefix: folder(ex.prefix), MaxKeys: 1 }), {
      abortSignal: signal,
    });
  } catch (err) {
    return fail('bucket', { diagnostics: [diagnose(err, d({ ...base, operation: 'ListObjectsV2' }))] });
  }
  return pass(
    'bucket',
    'bucket_readable',
    `s3://${ex.bucket}/${folder(ex.prefix)} can be listed${location ? ` (bucket in ${location})` : ''}.`,
    {
      details: { bucketRegion: location ?? ex.region },
    },
  );
}

const TYPE_NAME: Record<ExportType, string> = { cur2: 'CUR 2.0 export', legacy: 'legacy CUR report' };

export async function checkExport(
  clients: AwsClients,
  ex: ExportTarget,
  d: (c: DiagnoseContext) => DiagnoseContext,
  now: Date,
  signal?: AbortSignal,
  /** First day (YYYY-MM-DD) of the oldest period a sync loads; older periods are skipped. */
  oldestRetained?: { period: string; months: number },
): Promise<ValidationStep> {
  const s3 = clients.s3(ex.region);
  const where = `s3://${ex.bucket}/${folder(ex.prefix)}`;
  const base = { service: 's3', bucket: ex.bucket, prefix: ex.prefix, region: ex.region };
  try {
    const found = await findExport(s3, ex.exportType, ex, signal);
    if (found) {
      let manifestText = '';
      try {
        const obj = await s3.send(new GetObjectCommand({ Bucket: ex.bucket, Key: found.manifestKey }), {
          abortSignal: signal,
        });
        manifestText = (await obj.Body?.transformToString()) ?? '';
        JSON.parse(manifestText);
      } catch (err) {
        if (err instanceof SyntaxError) {
          return fail('export', {
            diagnostics: [
              {
                code: 'export_manifest_invalid',
                message: `The manifest ${found.manifestKey} is not valid JSON.`,
                remediation:
                  'Check that nothing but AWS writes to the export folder; the next AWS refresh rewrites the manifest.',
                key: found.manifestKey,
              },
            ],
          });
        }
        return fail('export', {
          diagnostics: [diagnose(err, d({ ...base, operation: 'GetObject', key: found.manifestKey }))],
        });
      }
      // The first data file's header: a FOCUS export (or anything else) has a manifest of the same shape.
      let header;
      try {
        header = await firstFileHeader(s3, ex.bucket, ex.exportType, found.manifestKey, manifestText, signal);
      } catch (err) {
        return fail('export', {
          diagnostics: [diagnose(err, d({ ...base, operation: 'GetObject', key: found.manifestKey }))],
        });
      }
      const notCur = header && headerDiagnostic(where, header, ex.exportType);
      if (notCur)
        return fail('export', { diagnostics: [notCur], details: { ...found, header: header?.key } });
      const outside = oldestRetained && outsideRetention(found, oldestRetained, TYPE_NAME[ex.exportType]);
      if (outside) return pass('export', 'export_outside_retention', outside.message, outside);
      const age = found.lastWrittenAt ? now.getTime() - new Date(found.lastWrittenAt).getTime() : null;
      return pass(
        'export',
        'export_found',
        `Found the ${TYPE_NAME[ex.exportType]} ${ex.exportName}: newest period ${found.newestPeriod}, last written by AWS ${found.lastWrittenAt ?? 'at an unknown time'}.`,
        {
          details: { ...found, stale: age !== null && age > 3 * DAY_MS },
          ...(age !== null && age > 3 * DAY_MS
            ? {
                remediation:
                  'AWS has not refreshed this export for more than three days; check that the export is still active in Billing and Cost Management → Data Exports.',
              }
            : {}),
        },
      );
    }
    const other: ExportType = ex.exportType === 'cur2' ? 'legacy' : 'cur2';
    const otherFound = await findExport(s3, other, ex, signal);
    if (otherFound) {
      return fail('export', {
        diagnostics: [
          {
            code: 'export_type_mismatch',
            message: `No ${TYPE_NAME[ex.exportType]} named ${ex.exportName} under ${where}, but a ${TYPE_NAME[other]} of that name is there (newest period ${otherFound.newestPeriod}).`,
            remediation: `Set the export type to ${other === 'cur2' ? '"cur2" (CUR 2.0)' : '"legacy" (legacy CUR)'}.`,
          },
        ],
        details: { foundType: other, newestPeriod: otherFound.newestPeriod },
      });
    }
    const since = await pendingSince(s3, ex, signal);
    if (since && now.getTime() - since.getTime() < DAY_MS) {
      return pass(
        'export',
        'export_no_data_yet',
        `The export was set up at ${since.toISOString()} and AWS has not delivered data yet.`,
        {
          remediation:
            'Nothing to fix: AWS delivers the first data within 24 hours of creating an export; Cloudtally imports it on the next sync.',
          details: { createdAt: since.toISOString() },
        },
      );
    }
    const seen = await foldersUnder(s3, ex, signal);
    return fail('export', {
      diagnostics: [
        {
          code: 'export_not_found',
          message: `No ${TYPE_NAME[ex.exportType]} named ${ex.exportName} under ${where}${seen.length ? `; that folder holds: ${seen.join(', ')}` : '; nothing is there'}.`,
          remediation: seen.length
            ? `Correct the export name or the S3 path prefix to match the export's settings (Billing and Cost Management → Data Exports${ex.exportType === 'legacy' ? ' → legacy CUR' : ''}).`
            : 'Correct the S3 path prefix to the one in the export settings, or create the export (AWS delivers the first data within 24 hours).',
        },
      ],
      details: { folders: seen },
    });
  } catch (err) {
    return fail('export', { diagnostics: [diagnose(err, d({ ...base, operation: 'ListObjectsV2' }))] });
  }
}

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
