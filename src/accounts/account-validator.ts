import { DescribeInstancesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { DescribeOrganizationCommand, ListAccountsCommand } from '@aws-sdk/client-organizations';
import { GetBucketLocationCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClientFactory, AwsClients, AwsConnection } from '../aws/client-factory.js';
import { assumeRole, sessionNameFor, type AwsCredentials } from '../aws/credentials.js';
import { awsErrorInfo, diagnose, type DiagnoseContext } from '../aws/diagnostics.js';
import type { Clock } from '../lib/clock.js';
import type { Diagnostic } from '../lib/errors.js';
import type { Log } from '../lib/log.js';
import type { AccountType, ExportType } from './account-schemas.js';
import type { DiscoveredInput } from './account-store.js';
import type { ValidationReport, ValidationStep, ValidationStepName } from './account-types.js';
import { findExport, folder, foldersUnder, pendingSince, type ExportLocation } from './export-locator.js';

/** What is validated: a connection as entered (not yet stored) or as stored. */
export interface ValidationTarget {
  type: AccountType;
  orgId: string;
  /** Null for a linked account given by keys alone: the identity step finds it. */
  awsAccountId: string | null;
  /** Keys (inline or in the vault) or a role; neither for a linked account connected for billing only. */
  connection: AwsConnection;
  export: (ExportLocation & { exportType: ExportType; region: string }) | null;
  /** The payer this linked account bills through, for the message when it has no export of its own. */
  payerName?: string | null;
}

export interface ValidationContext {
  externalId: string;
  previousExternalId: string | null;
  principalArn: string | null;
  signal?: AbortSignal;
}

export interface ValidationResult {
  report: ValidationReport;
  /** The account the credentials reached (from sts:GetCallerIdentity). */
  identity: { accountId: string; arn: string } | null;
  /** Payers: the member accounts AWS Organizations listed (null when not listed). */
  members: DiscoveredInput[] | null;
}

export interface ValidatorDeps {
  aws: AwsClientFactory;
  clock: Clock;
  log: Log;
  /** Region for discovery checks when the account names no export region. */
  region: string;
}

const DAY_MS = 24 * 3600_000;

type StepFail = { diagnostics: Diagnostic[]; details?: Record<string, unknown> };

function pass(
  step: ValidationStepName,
  code: string,
  message: string,
  extra: Partial<ValidationStep> = {},
): ValidationStep {
  return { step, state: 'pass', code, message, ...extra };
}
function skip(step: ValidationStepName, code: string, message: string): ValidationStep {
  return { step, state: 'skipped', code, message };
}
function fail(step: ValidationStepName, f: StepFail): ValidationStep {
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

const isDenied = (err: unknown) => {
  const e = awsErrorInfo(err);
  return ['AccessDenied', 'AccessDeniedException'].includes(e.name) || e.status === 403;
};

/**
 * Runs the seven checks in order. Each reports pass / fail / skipped with a stable code; a step that cannot run
 * because an earlier one failed is skipped and says why. Only AWS read calls are made (and one Cost Explorer
 * request for Cost Explorer sources, which AWS bills at $0.01).
 */
export function createValidator(deps: ValidatorDeps) {
  return async function validate(t: ValidationTarget, v: ValidationContext): Promise<ValidationResult> {
    const steps: ValidationStep[] = [];
    const signal = v.signal;
    const dctx = (c: DiagnoseContext): DiagnoseContext => ({
      principalArn: v.principalArn ?? undefined,
      ...c,
    });
    let identity: ValidationResult['identity'] = null;
    let members: DiscoveredInput[] | null = null;

    // 1. credentials
    let creds: AwsCredentials | null = null;
    const hasRole = !t.connection.accessKeys && !t.connection.secretId && Boolean(t.connection.roleArn);
    const hasKeys = Boolean(t.connection.accessKeys || t.connection.secretId);
    if (!hasRole && !hasKeys) {
      steps.push(
        skip(
          'credentials',
          'no_credentials',
          'No credentials given: the account is connected for billing through its payer only; its resources are not discovered.',
        ),
      );
    } else if (hasRole) {
      const r = await checkRole(t, v, dctx);
      steps.push(r.step);
      creds = r.creds;
    } else {
      try {
        creds = await deps.aws.clientsFor(t.connection, null).credentials();
        const out = await deps.aws
          .clientsFor({ orgId: t.orgId, accessKeys: creds }, null)
          .sts()
          .send(new GetCallerIdentityCommand({}), { abortSignal: signal });
        identity = { accountId: out.Account ?? '', arn: out.Arn ?? '' };
        const warnings: Diagnostic[] = /:root$/.test(identity.arn)
          ? [
              {
                code: 'root_user_keys',
                message: "These are the account root user's keys, which can do anything in the account.",
                remediation:
                  'Create an IAM user with only the permission policy from setup, and use its access key instead.',
                step: 'credentials',
              },
            ]
          : [];
        steps.push(
          pass(
            'credentials',
            'keys_valid',
            `The access key is valid (${identity.arn}).`,
            warnings.length ? { diagnostics: warnings, remediation: warnings[0].remediation } : {},
          ),
        );
      } catch (err) {
        creds = null;
        steps.push(
          fail('credentials', {
            diagnostics: [diagnose(err, dctx({ operation: 'GetCallerIdentity', service: 'sts' }))],
          }),
        );
      }
    }
    const clients: AwsClients | null = creds
      ? deps.aws.clientsFor({ orgId: t.orgId, accessKeys: creds }, null)
      : null;

    // 2. identity
    const idStep = await (async (): Promise<ValidationStep> => {
      if (!clients)
        return skip(
          'identity',
          steps[0].state === 'fail' ? 'needs_credentials' : 'no_credentials',
          steps[0].state === 'fail'
            ? 'Skipped: the credentials did not work.'
            : 'Skipped: no credentials to check.',
        );
      try {
        if (!identity) {
          const out = await clients.sts().send(new GetCallerIdentityCommand({}), { abortSignal: signal });
          identity = { accountId: out.Account ?? '', arn: out.Arn ?? '' };
        }
      } catch (err) {
        return fail('identity', {
          diagnostics: [diagnose(err, dctx({ operation: 'GetCallerIdentity', service: 'sts' }))],
        });
      }
      if (t.awsAccountId && identity.accountId !== t.awsAccountId) {
        return fail('identity', {
          diagnostics: [
            {
              code: 'account_id_mismatch',
              message: `The credentials reach AWS account ${identity.accountId}, not ${t.awsAccountId} as entered.`,
              remediation: `Correct the AWS account ID to ${identity.accountId}, or use keys / a role of account ${t.awsAccountId}.`,
            },
          ],
          details: { reached: identity.accountId, entered: t.awsAccountId },
        });
      }
      return pass('identity', 'account_matches', `Connected to AWS account ${identity.accountId}.`, {
        details: { awsAccountId: identity.accountId, arn: identity.arn },
      });
    })();
    steps.push(idStep);
    const reachable = clients !== null && idStep.state === 'pass';
    const blockedBy =
      steps[0].state === 'fail'
        ? 'the credentials did not work'
        : idStep.state === 'fail'
          ? 'the account ID does not match'
          : 'there are no credentials';

    // 3. bucket, 4. export
    if (!t.export) {
      const why =
        t.type === 'cost_explorer'
          ? 'Billing comes from the Cost Explorer API; no export is needed.'
          : `Billing comes through the payer's export${t.payerName ? ` (${t.payerName})` : ''}${t.payerName === null ? ' once the payer account that lists it is connected' : ''}.`;
      steps.push(skip('bucket', 'no_export', why), skip('export', 'no_export', why));
    } else if (!reachable || !clients) {
      steps.push(
        skip('bucket', 'blocked', `Skipped: ${blockedBy}.`),
        skip('export', 'blocked', `Skipped: ${blockedBy}.`),
      );
    } else {
      const bucketStep = await checkBucket(clients, t.export, dctx, signal);
      steps.push(bucketStep);
      steps.push(
        bucketStep.state === 'pass'
          ? await checkExport(clients, t.export, dctx, deps.clock.now(), signal)
          : skip('export', 'blocked', 'Skipped: the bucket cannot be read.'),
      );
    }

    // 5. discovery
    if (!reachable || !clients) steps.push(skip('discovery', 'blocked', `Skipped: ${blockedBy}.`));
    else steps.push(await checkDiscovery(clients, t.export?.region ?? deps.region, dctx, signal));

    // 6. organizations
    if (t.type === 'linked')
      steps.push(skip('organizations', 'not_payer', 'Linked accounts are listed by their payer.'));
    else if (!reachable || !clients || !identity)
      steps.push(skip('organizations', 'blocked', `Skipped: ${blockedBy}.`));
    else {
      const org = await checkOrganizations(clients, identity.accountId, t.type === 'root', dctx, signal);
      steps.push(org.step);
      members = org.members;
    }

    // 7. Cost Explorer
    if (t.type !== 'cost_explorer')
      steps.push(
        skip('cost_explorer', 'not_cost_explorer', 'Only Cost Explorer sources read the Cost Explorer API.'),
      );
    else if (!reachable || !clients) steps.push(skip('cost_explorer', 'blocked', `Skipped: ${blockedBy}.`));
    else steps.push(await checkCostExplorer(clients, deps.clock.now(), dctx, signal));

    return {
      report: {
        ok: steps.every((s) => s.state !== 'fail'),
        checkedAt: deps.clock.now().toISOString(),
        steps,
      },
      identity,
      members,
    };

    async function checkRole(
      target: ValidationTarget,
      ctx: ValidationContext,
      d: (c: DiagnoseContext) => DiagnoseContext,
    ): Promise<{ step: ValidationStep; creds: AwsCredentials | null }> {
      const roleArn = target.connection.roleArn ?? '';
      const sts = deps.aws.hostSts();
      const sessionName = sessionNameFor(target.connection.id ?? 'validate');
      const rd = d({ operation: 'AssumeRole', service: 'sts', roleArn });
      try {
        const session = await assumeRole(
          sts,
          { roleArn, externalId: ctx.externalId, sessionName },
          ctx.signal,
        );
        // A role that can be assumed without the external ID is open to the confused-deputy problem.
        const open = await assumeRole(sts, { roleArn, sessionName }, ctx.signal).then(
          () => true,
          () => false,
        );
        if (open) {
          return {
            creds: null,
            step: fail('credentials', {
              diagnostics: [
                {
                  code: 'external_id_not_required',
                  message: `${roleArn} can be assumed without an external ID: its trust policy is missing the sts:ExternalId condition.`,
                  remediation:
                    'Add the condition "StringEquals": {"sts:ExternalId": "<this organization\'s external ID>"} to the role\'s trust policy (the trust policy from setup has it), so that no other Cloudtally customer can use the role.',
                },
              ],
            }),
          };
        }
        return {
          creds: session,
          step: pass(
            'credentials',
            'role_assumed',
            `Cloudtally assumed ${roleArn} with the organization's external ID.`,
          ),
        };
      } catch (err) {
        if (isDenied(err) && ctx.previousExternalId && ctx.previousExternalId !== ctx.externalId) {
          const stale = await assumeRole(
            sts,
            { roleArn, externalId: ctx.previousExternalId, sessionName },
            ctx.signal,
          ).then(
            () => true,
            () => false,
          );
          if (stale) {
            return {
              creds: null,
              step: fail('credentials', {
                diagnostics: [
                  {
                    code: 'external_id_mismatch',
                    message: `The trust policy of ${roleArn} still requires the organization's previous external ID; it was rotated.`,
                    remediation: `Update the sts:ExternalId condition in the trust policy of ${roleArn} to the current external ID (shown by GET /api/v1/setup/aws or \`cloudtally accounts setup aws\`).`,
                  },
                ],
              }),
            };
          }
        }
        return { creds: null, step: fail('credentials', { diagnostics: [diagnose(err, rd)] }) };
      }
    }
  };
}

async function checkBucket(
  clients: AwsClients,
  ex: NonNullable<ValidationTarget['export']>,
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

async function checkExport(
  clients: AwsClients,
  ex: NonNullable<ValidationTarget['export']>,
  d: (c: DiagnoseContext) => DiagnoseContext,
  now: Date,
  signal?: AbortSignal,
): Promise<ValidationStep> {
  const s3 = clients.s3(ex.region);
  const where = `s3://${ex.bucket}/${folder(ex.prefix)}`;
  const base = { service: 's3', bucket: ex.bucket, prefix: ex.prefix, region: ex.region };
  try {
    const found = await findExport(s3, ex.exportType, ex, signal);
    if (found) {
      try {
        const obj = await s3.send(new GetObjectCommand({ Bucket: ex.bucket, Key: found.manifestKey }), {
          abortSignal: signal,
        });
        JSON.parse((await obj.Body?.transformToString()) ?? '');
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

async function checkDiscovery(
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

async function checkOrganizations(
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

async function checkCostExplorer(
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
