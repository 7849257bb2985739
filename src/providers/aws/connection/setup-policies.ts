import type { AccountType } from './aws-schemas.js';

/**
 * What a customer creates in AWS so that Cloudtally can read: the trust policy (Cloudtally's principal plus the
 * organization's external ID), least-privilege permission policies per connection type, and a CloudFormation
 * template that creates the role with both.
 */

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: {
    Sid: string;
    Effect: 'Allow';
    Action: string | string[];
    Resource?: string | string[];
    Principal?: { AWS: string };
    Condition?: Record<string, Record<string, string>>;
  }[];
}

export interface PolicyOptions {
  /** The billing bucket; a placeholder when not known yet. */
  bucket?: string | null;
  prefix?: string | null;
  partition?: string;
}

export const BUCKET_PLACEHOLDER = '<billing-bucket>';
export const DEFAULT_ROLE_NAME = 'CloudtallyReadOnly';

export function trustPolicy(principalArn: string, externalId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CloudtallyAssumeRole',
        Effect: 'Allow',
        Principal: { AWS: principalArn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  };
}

const billingStatements = (o: PolicyOptions): PolicyDocument['Statement'] => {
  const p = o.partition ?? 'aws';
  const bucket = o.bucket || BUCKET_PLACEHOLDER;
  const prefix = o.prefix ? `${o.prefix.replace(/\/+$/, '')}/` : '';
  return [
    {
      Sid: 'BillingBucketList',
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetBucketLocation'],
      Resource: `arn:${p}:s3:::${bucket}`,
    },
    {
      Sid: 'BillingExportRead',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:${p}:s3:::${bucket}/${prefix}*`,
    },
    {
      Sid: 'BillingExportDescribe',
      Effect: 'Allow',
      Action: ['bcm-data-exports:GetExport', 'bcm-data-exports:ListExports', 'cur:DescribeReportDefinitions'],
      Resource: '*',
    },
  ];
};

const DISCOVERY: PolicyDocument['Statement'][number] = {
  Sid: 'ResourceDiscovery',
  Effect: 'Allow',
  Action: [
    'ec2:DescribeRegions',
    'ec2:DescribeInstances',
    'ec2:DescribeVolumes',
    'ec2:DescribeSnapshots',
    'ec2:DescribeImages',
    'ec2:DescribeAddresses',
    'ec2:DescribeReservedInstances',
    'elasticloadbalancing:DescribeLoadBalancers',
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeTargetHealth',
    'elasticloadbalancing:DescribeInstanceHealth',
    'elasticloadbalancing:DescribeTags',
    'cloudwatch:GetMetricData',
    'cloudwatch:GetMetricStatistics',
    'cloudwatch:ListMetrics',
  ],
  Resource: '*',
};

const ORGANIZATIONS: PolicyDocument['Statement'][number] = {
  Sid: 'OrganizationMembers',
  Effect: 'Allow',
  Action: [
    'organizations:ListAccounts',
    'organizations:DescribeOrganization',
    'organizations:DescribeAccount',
  ],
  Resource: '*',
};

const COST_EXPLORER: PolicyDocument['Statement'][number] = {
  Sid: 'CostExplorerRead',
  Effect: 'Allow',
  Action: [
    'ce:GetCostAndUsage',
    'ce:GetCostForecast',
    'ce:GetDimensionValues',
    'ce:GetReservationUtilization',
    'ce:GetReservationCoverage',
    'ce:GetSavingsPlansUtilization',
    'ce:GetSavingsPlansUtilizationDetails',
    'ce:GetSavingsPlansCoverage',
    'ce:ListCostCategoryDefinitions',
    // Terms of the account's own commitments (reserved instances come with the discovery statement).
    'savingsplans:DescribeSavingsPlans',
  ],
  Resource: '*',
};

/** The least-privilege permission policy of each connection type. */
export function permissionPolicy(type: AccountType, o: PolicyOptions = {}): PolicyDocument {
  const statements: PolicyDocument['Statement'] =
    type === 'assumed_role' || type === 'root'
      ? [...billingStatements(o), DISCOVERY, ORGANIZATIONS]
      : type === 'linked'
        ? o.bucket
          ? [...billingStatements(o), DISCOVERY]
          : [DISCOVERY]
        : [COST_EXPLORER, DISCOVERY, ORGANIZATIONS];
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * A CloudFormation template (JSON) creating the role for a role-based connection type, with the trust policy
 * and the permission policy inline; its output is the role ARN to paste into Cloudtally.
 */
export function cloudFormationTemplate(
  type: Exclude<AccountType, 'root'>,
  o: PolicyOptions & { principalArn: string; externalId: string; roleName?: string | null },
): Record<string, unknown> {
  const usesBucket = type === 'assumed_role' || (type === 'linked' && Boolean(o.bucket));
  const parameters: Record<string, unknown> = {
    RoleName: {
      Type: 'String',
      Default: o.roleName || DEFAULT_ROLE_NAME,
      AllowedPattern: '[\\w+=,.@-]{1,64}',
      Description: 'Name of the read-only role Cloudtally assumes',
    },
  };
  const policy = permissionPolicy(type, o);
  if (usesBucket) {
    parameters.BillingBucket = {
      Type: 'String',
      ...(o.bucket ? { Default: o.bucket } : {}),
      AllowedPattern: '[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]',
      Description: 'S3 bucket the billing export (CUR 2.0 or legacy CUR) is delivered to',
    };
    parameters.BillingPrefix = {
      Type: 'String',
      Default: o.prefix ?? '',
      Description: 'S3 path prefix of the export (no leading slash; may be empty)',
    };
  }
  const p = o.partition ?? 'aws';
  const prefixPath = { 'Fn::If': ['HasPrefix', { 'Fn::Sub': '${BillingPrefix}/' }, ''] };
  // The bucket and prefix come from the stack parameters, so one template serves every account.
  const resourceOf = (sid: string, fallback: unknown): unknown =>
    !usesBucket
      ? fallback
      : sid === 'BillingBucketList'
        ? { 'Fn::Sub': `arn:${p}:s3:::\${BillingBucket}` }
        : sid === 'BillingExportRead'
          ? { 'Fn::Sub': [`arn:${p}:s3:::\${BillingBucket}/\${PrefixPath}*`, { PrefixPath: prefixPath }] }
          : fallback;
  const policyDoc = {
    Version: policy.Version,
    Statement: policy.Statement.map((s) => ({ ...s, Resource: resourceOf(s.Sid, s.Resource) })),
  };
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Read-only role for Cloudtally (${type.replace('_', ' ')} connection)`,
    Parameters: parameters,
    ...(usesBucket
      ? { Conditions: { HasPrefix: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'BillingPrefix' }, ''] }] } } }
      : {}),
    Resources: {
      CloudtallyRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { Ref: 'RoleName' },
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: trustPolicy(o.principalArn, o.externalId),
          Policies: [{ PolicyName: 'CloudtallyReadOnly', PolicyDocument: policyDoc }],
        },
      },
    },
    Outputs: {
      RoleArn: {
        Description: 'Paste this role ARN into Cloudtally',
        Value: { 'Fn::GetAtt': ['CloudtallyRole', 'Arn'] },
      },
    },
  };
}

export interface SetupInfo {
  principal: {
    arn: string | null;
    accountId: string | null;
    source: 'config' | null;
    note?: string;
  };
  externalId: string;
  externalIdRotatedAt: string | null;
  trustPolicy: PolicyDocument;
  permissionPolicies: Record<AccountType, PolicyDocument>;
  cloudFormation: Record<Exclude<AccountType, 'root'>, Record<string, unknown>>;
  notes: string[];
}

export const PRINCIPAL_PLACEHOLDER = '<cloudtally-principal-arn>';

export function setupInfo(input: {
  principal: SetupInfo['principal'];
  externalId: string;
  externalIdRotatedAt: string | null;
  options?: PolicyOptions & { roleName?: string | null };
}): SetupInfo {
  const o = input.options ?? {};
  const principalArn = input.principal.arn ?? PRINCIPAL_PLACEHOLDER;
  const cf = (t: Exclude<AccountType, 'root'>) =>
    cloudFormationTemplate(t, { ...o, principalArn, externalId: input.externalId });
  return {
    principal: input.principal,
    externalId: input.externalId,
    externalIdRotatedAt: input.externalIdRotatedAt,
    trustPolicy: trustPolicy(principalArn, input.externalId),
    permissionPolicies: {
      assumed_role: permissionPolicy('assumed_role', o),
      root: permissionPolicy('root', o),
      linked: permissionPolicy('linked', o),
      cost_explorer: permissionPolicy('cost_explorer', o),
    },
    cloudFormation: {
      assumed_role: cf('assumed_role'),
      linked: cf('linked'),
      cost_explorer: cf('cost_explorer'),
    },
    notes: [
      'The root / payer type uses the access key of an IAM user with the "root" permission policy attached; never the root user\'s keys.',
      'Keep the external ID in the trust policy: it stops anyone else who uses Cloudtally from reaching the role.',
      'Member accounts: deploy the "linked" template to every member (e.g. with a CloudFormation StackSet) and connect them from the payer.',
      ...(input.principal.arn
        ? []
        : [
            `Cloudtally's own AWS principal is unknown: set CLOUDTALLY_AWS_PRINCIPAL_ARN (or give the host AWS credentials) and replace ${PRINCIPAL_PLACEHOLDER}.`,
          ]),
    ],
  };
}
