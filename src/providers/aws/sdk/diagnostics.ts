import { ConnectionError, type Diagnostic } from '../../../lib/errors.js';
import { awsErrorName, classifyAwsError, httpStatusOf, networkCodeOf, type AwsFaultKind } from './errors.js';

/** Where an AWS call was made, so that the same error code can become the right advice. */
export interface DiagnoseContext {
  /** The API operation, e.g. `AssumeRole`, `ListObjectsV2`, `DescribeInstances`. */
  operation?: string;
  /** The signing name: `sts`, `s3`, `ec2`, `elasticloadbalancing`, `monitoring`, `ce`, `organizations`, `iam`. */
  service?: string;
  /** The validation step or sync stage, copied onto the diagnostic. */
  step?: string;
  roleArn?: string;
  bucket?: string;
  prefix?: string;
  /** The region the call was sent to (or the region the user said the bucket is in). */
  region?: string;
  key?: string;
  /** Cloudtally's own principal, for trust-policy advice. */
  principalArn?: string;
  /** The call was signed with Cloudtally's own identity (host credential chain), not a customer's. */
  host?: boolean;
}

/** What the SDK tells us about a failure, whatever the protocol. */
export interface AwsErrorInfo {
  name: string;
  message: string;
  status?: number;
  fault?: string;
  /** The region S3 says the bucket lives in, when it says so. */
  bucketRegion?: string;
  /** Node network error code (ECONNREFUSED, …). */
  networkCode?: string;
  /** What src/providers/aws/sdk/errors.ts makes of it: the one classification every retry and diagnostic uses. */
  kind: AwsFaultKind;
}

type Bag = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function awsErrorInfo(err: unknown): AwsErrorInfo {
  if (typeof err !== 'object' || err === null) {
    return { name: 'Error', message: String(err), kind: 'other' };
  }
  const e = err as Bag;
  const response = (e.$response ?? {}) as Bag;
  const headers = (response.headers ?? {}) as Bag;
  const message = str(e.message) ?? str(e.Message) ?? '';
  const regionFromMessage = /expecting '([a-z0-9-]+)'/.exec(message)?.[1];
  const bucketRegion =
    str(e.Region) ?? str(e.BucketRegion) ?? str(headers['x-amz-bucket-region']) ?? regionFromMessage;
  return {
    name: awsErrorName(err),
    message,
    status: httpStatusOf(err),
    fault: str(e.$fault),
    bucketRegion,
    networkCode: networkCodeOf(err),
    kind: classifyAwsError(err),
  };
}

interface Rule {
  code: string;
  when(e: AwsErrorInfo, c: DiagnoseContext): boolean;
  message(e: AwsErrorInfo, c: DiagnoseContext): string;
  remediation(e: AwsErrorInfo, c: DiagnoseContext): string;
}

const is = (e: AwsErrorInfo, ...names: string[]) => names.includes(e.name);
const denied = (e: AwsErrorInfo) =>
  is(
    e,
    'AccessDenied',
    'AccessDeniedException',
    'Forbidden',
    'UnauthorizedOperation',
    'AuthorizationError',
  ) ||
  (e.status === 403 &&
    !is(e, 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidAccessKeyId'));
const badKey = (e: AwsErrorInfo) =>
  is(e, 'InvalidClientTokenId', 'InvalidAccessKeyId', 'UnrecognizedClientException', 'AuthFailure');
const badSignature = (e: AwsErrorInfo) => is(e, 'SignatureDoesNotMatch', 'InvalidSignatureException');
const S3_BUCKET_OPS = ['ListObjectsV2', 'ListObjects', 'GetBucketLocation', 'HeadBucket'];
const S3_OBJECT_OPS = ['GetObject', 'HeadObject'];
const role = (c: DiagnoseContext) => c.roleArn ?? 'the role';
const principal = (c: DiagnoseContext) =>
  c.principalArn ?? "Cloudtally's principal (see `cloudtally accounts setup aws`)";
const where = (c: DiagnoseContext) =>
  `s3://${c.bucket ?? '?'}/${c.prefix ? c.prefix.replace(/\/?$/, '/') : ''}`;
const SETUP = 'GET /api/v1/setup/aws or `cloudtally accounts setup aws`';

/**
 * First match wins; order from the most specific (operation + code) to the most general. AWS answers a missing
 * role, an untrusted principal and a wrong external ID with the same AccessDenied, so they share role_not_trusted;
 * the validator tells external_id_mismatch apart by probing with the previous external ID.
 */
export const DIAGNOSTIC_RULES: readonly Rule[] = [
  {
    code: 'cloudtally_identity_missing',
    when: (e) => e.name === 'CredentialsProviderError' || /could not load credentials/i.test(e.message),
    message: () => 'Cloudtally has no AWS credentials of its own to assume customer roles with.',
    remediation: () =>
      'Give the Cloudtally host an AWS identity through the default credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance/container role), then restart it.',
  },
  {
    code: 'cloudtally_identity_invalid',
    when: (e, c) => (c.host === true || c.operation === 'AssumeRole') && (badKey(e) || badSignature(e)),
    message: (e) => `AWS rejected Cloudtally's own credentials (${e.name}).`,
    remediation: () =>
      'Fix the credentials of the Cloudtally host (its default AWS credential chain); customer roles are assumed with them.',
  },
  {
    code: 'role_not_trusted',
    when: (e, c) => c.operation === 'AssumeRole' && denied(e),
    message: (_e, c) => `AWS refused to let ${principal(c)} assume ${role(c)}.`,
    remediation: (_e, c) =>
      `Check that ${role(c)} exists and that its trust policy allows sts:AssumeRole for ${principal(c)} with the condition sts:ExternalId equal to this organization's external ID (policy and template from ${SETUP}).`,
  },
  {
    code: 'role_session_duration_too_short',
    when: (e, c) =>
      c.operation === 'AssumeRole' &&
      is(e, 'ValidationError', 'ValidationException', 'InvalidParameterValue') &&
      /(duration|session)/i.test(e.message),
    message: (_e, c) =>
      `The maximum session duration of ${role(c)} is shorter than the one hour Cloudtally asks for.`,
    remediation: (_e, c) =>
      `Set "Maximum session duration" of ${role(c)} to at least 1 hour (IAM console → Roles → the role → Edit, or MaxSessionDuration: 3600 in CloudFormation).`,
  },
  {
    code: 'sts_region_disabled',
    when: (e) => is(e, 'RegionDisabledException'),
    message: (_e, c) => `STS is not activated in region ${c.region ?? 'of the request'} for this account.`,
    remediation: () =>
      'Activate STS for the region (IAM → Account settings → STS endpoints), or use us-east-1.',
  },
  {
    code: 'clock_skew',
    when: (e) =>
      is(e, 'RequestTimeTooSkewed', 'RequestExpired') || /signature expired|clock skew/i.test(e.message),
    message: () => "AWS rejected the request's time: the Cloudtally host's clock is off.",
    remediation: () => 'Synchronise the clock of the Cloudtally host (NTP).',
  },
  {
    code: 'invalid_access_key',
    when: (e) => badKey(e),
    message: () => 'AWS does not recognise the access key ID.',
    remediation: () =>
      'Check the access key ID (it starts with AKIA); if the key was deleted or deactivated, create a new access key for the IAM user and edit the account.',
  },
  {
    code: 'invalid_secret_key',
    when: (e) => badSignature(e),
    message: () => 'The secret access key does not match the access key ID.',
    remediation: () =>
      'Paste the secret access key again exactly as shown when the key was created (no spaces); if it is lost, create a new access key.',
  },
  {
    code: 'credentials_expired',
    when: (e) => is(e, 'ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired'),
    message: () => 'The AWS credentials have expired.',
    remediation: () =>
      'Use long-lived access keys of an IAM user, or an assumed role (Cloudtally refreshes its sessions itself); then validate again.',
  },
  {
    code: 'bucket_not_found',
    when: (e, c) => is(e, 'NoSuchBucket') || (c.operation === 'HeadBucket' && e.status === 404),
    message: (_e, c) => `The S3 bucket ${c.bucket ?? ''} does not exist.`,
    remediation: () =>
      'Correct the bucket name to the one the billing export delivers to (Billing and Cost Management → Data Exports → the export → S3 bucket).',
  },
  {
    code: 'bucket_wrong_region',
    when: (e) =>
      is(
        e,
        'PermanentRedirect',
        'IllegalLocationConstraintException',
        '301',
        'MovedPermanently',
        'Redirect',
      ) ||
      e.status === 301 ||
      (is(e, 'AuthorizationHeaderMalformed') && /region/i.test(e.message)),
    message: (e, c) =>
      `The bucket ${c.bucket ?? ''} is not in ${c.region ?? 'the stated region'}${e.bucketRegion ? `; it is in ${e.bucketRegion}` : ''}.`,
    remediation: (e) =>
      e.bucketRegion
        ? `Set the export region to ${e.bucketRegion}.`
        : "Set the export region to the bucket's region (S3 console → the bucket → Properties).",
  },
  {
    code: 'bucket_access_denied',
    when: (e, c) =>
      (c.service === 's3' || S3_BUCKET_OPS.includes(c.operation ?? '')) &&
      !S3_OBJECT_OPS.includes(c.operation ?? '') &&
      denied(e),
    message: (_e, c) => `Access to ${where(c)} was denied (${c.operation ?? 's3'}).`,
    remediation: (_e, c) =>
      `Allow s3:ListBucket and s3:GetBucketLocation on arn:aws:s3:::${c.bucket ?? 'BUCKET'} and s3:GetObject on arn:aws:s3:::${c.bucket ?? 'BUCKET'}/${c.prefix ? c.prefix.replace(/\/?$/, '/') : ''}* in the policy of the role or user (and in the bucket policy if it restricts access).`,
  },
  {
    code: 'export_read_denied',
    when: (e, c) => S3_OBJECT_OPS.includes(c.operation ?? '') && denied(e),
    message: (_e, c) => `Reading s3://${c.bucket ?? '?'}/${c.key ?? ''} was denied.`,
    remediation: (_e, c) =>
      `Allow s3:GetObject on arn:aws:s3:::${c.bucket ?? 'BUCKET'}/${c.prefix ? c.prefix.replace(/\/?$/, '/') : ''}* (and check the objects are not encrypted with a KMS key the role may not use).`,
  },
  {
    code: 'object_not_found',
    when: (e) => is(e, 'NoSuchKey') || (e.status === 404 && e.name === 'NotFound'),
    message: (_e, c) => `s3://${c.bucket ?? '?'}/${c.key ?? ''} does not exist.`,
    remediation: () =>
      'AWS may have replaced the file during a refresh; the next sync reads the new manifest.',
  },
  {
    code: 'ec2_permission_missing',
    when: (e, c) => is(e, 'UnauthorizedOperation') || (c.service === 'ec2' && denied(e)),
    message: (_e, c) => `EC2 read access is missing (${c.operation ?? 'ec2:Describe*'} was denied).`,
    remediation: () =>
      'Allow ec2:DescribeRegions, ec2:DescribeInstances, ec2:DescribeVolumes, ec2:DescribeSnapshots, ec2:DescribeImages and ec2:DescribeAddresses (the permission policy from setup includes them).',
  },
  {
    code: 'elb_permission_missing',
    when: (e, c) => c.service === 'elasticloadbalancing' && denied(e),
    message: (_e, c) =>
      `Load balancer read access is missing (${c.operation ?? 'elasticloadbalancing:Describe*'} was denied).`,
    remediation: () =>
      'Allow elasticloadbalancing:DescribeLoadBalancers, DescribeTargetGroups, DescribeTargetHealth, DescribeInstanceHealth and DescribeTags.',
  },
  {
    code: 'cloudwatch_permission_missing',
    when: (e, c) => (c.service === 'monitoring' || c.service === 'cloudwatch') && denied(e),
    message: (_e, c) =>
      `CloudWatch read access is missing (${c.operation ?? 'cloudwatch:GetMetricData'} was denied).`,
    remediation: () =>
      'Allow cloudwatch:GetMetricData, cloudwatch:GetMetricStatistics and cloudwatch:ListMetrics.',
  },
  {
    code: 'organizations_not_in_use',
    when: (e) => is(e, 'AWSOrganizationsNotInUseException'),
    message: () => 'This account is not part of an AWS Organization, so it has no member accounts.',
    remediation: () =>
      'Nothing to fix if the account stands alone; otherwise connect the management (payer) account.',
  },
  {
    code: 'organizations_permission_missing',
    when: (e, c) => c.service === 'organizations' && denied(e),
    message: (_e, c) =>
      `AWS Organizations access is missing (${c.operation ?? 'organizations:ListAccounts'} was denied).`,
    remediation: () =>
      'Allow organizations:ListAccounts, organizations:DescribeOrganization and organizations:DescribeAccount; they work only in the management (payer) account.',
  },
  {
    code: 'ce_not_enabled',
    when: (e, c) =>
      c.service === 'ce' &&
      (denied(e) || is(e, 'DataUnavailableException')) &&
      /not enabled|enable cost explorer|data is not available/i.test(e.message),
    message: () => 'Cost Explorer is not enabled for this account.',
    remediation: () =>
      'Enable Cost Explorer (Billing and Cost Management → Cost Explorer → Launch); data appears within 24 hours.',
  },
  {
    code: 'ce_permission_missing',
    when: (e, c) => c.service === 'ce' && denied(e),
    message: (_e, c) =>
      `Cost Explorer access is missing (${c.operation ?? 'ce:GetCostAndUsage'} was denied).`,
    remediation: () =>
      'Allow ce:GetCostAndUsage, ce:GetCostForecast, ce:GetDimensionValues and ce:GetReservationUtilization / ce:GetSavingsPlansUtilization.',
  },
  {
    code: 'iam_permission_missing',
    when: (e, c) => c.service === 'iam' && denied(e),
    message: (_e, c) => `IAM read access is missing (${c.operation ?? 'iam:*'} was denied).`,
    remediation: () => 'Allow the IAM read action named above, or ignore this if the check is optional.',
  },
  {
    code: 'aws_throttled',
    when: (e) => e.kind === 'throttled',
    message: (_e, c) => `AWS kept throttling ${c.operation ?? 'the requests'} after retries.`,
    remediation: () =>
      'Try again later; if it persists, lower the number of concurrent syncs (CLOUDTALLY_MAX_CONCURRENT_SYNCS).',
  },
  {
    code: 'aws_unreachable',
    when: (e) => e.kind === 'unreachable',
    message: (e) => `Could not reach the AWS endpoint (${e.networkCode ?? e.name}).`,
    remediation: () =>
      'Check the network, proxy and DNS of the Cloudtally host, and the endpoint setting (CLOUDTALLY_AWS_ENDPOINT_URL / AWS_ENDPOINT_URL) if one is set.',
  },
  {
    code: 'aws_unavailable',
    when: (e) => e.kind === 'unavailable' || e.fault === 'server',
    message: (e, c) =>
      `AWS answered ${c.operation ?? 'a request'} with a server error (${e.name}) after retries.`,
    remediation: () => 'A transient AWS problem: try again; the scheduled sync retries by itself.',
  },
  {
    code: 'access_denied',
    when: (e) => denied(e),
    message: (_e, c) => `AWS denied ${c.operation ?? 'a request'}.`,
    remediation: (_e, c) =>
      `Allow ${c.service ?? 'the service'}:${c.operation ?? '…'} in the policy of the role or user.`,
  },
];

/** The AWS error (or a ConnectionError carrying one) as a diagnostic: a stable code, what happened, what to do. */
export function diagnose(err: unknown, ctx: DiagnoseContext = {}): Diagnostic {
  if (err instanceof ConnectionError) return { ...err.diagnostic, ...(ctx.step ? { step: ctx.step } : {}) };
  const info = awsErrorInfo(err);
  const rule = DIAGNOSTIC_RULES.find((r) => r.when(info, ctx));
  const extra = { ...(ctx.step ? { step: ctx.step } : {}), ...(ctx.key ? { key: ctx.key } : {}) };
  if (rule) {
    return {
      code: rule.code,
      message: rule.message(info, ctx),
      remediation: rule.remediation(info, ctx),
      ...extra,
    };
  }
  return {
    code: 'aws_error',
    message: `${ctx.operation ?? 'An AWS request'} failed: ${info.name}${info.message ? `: ${info.message}` : ''}`,
    remediation: 'Check the message from AWS above; validate the account again after fixing it.',
    ...extra,
  };
}

/** Runs one AWS call and turns a failure into a ConnectionError with the diagnostic for it. */
export async function withDiagnostic<T>(ctx: DiagnoseContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new ConnectionError(diagnose(err, ctx));
  }
}

/** True when the error is one an access policy causes (so a retry does not help). */
export function isAccessError(err: unknown): boolean {
  const kind = classifyAwsError(err);
  return kind === 'denied' || kind === 'credentials';
}
