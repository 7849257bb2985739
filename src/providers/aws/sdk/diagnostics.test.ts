import { S3ServiceException } from '@aws-sdk/client-s3';
import { STSServiceException } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../lib/errors.js';
import { awsErrorInfo, diagnose, isAccessError, type DiagnoseContext } from './diagnostics.js';

/** An error shaped the way SDK v3 throws service errors. */
function sdkError(name: string, message: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

const ROLE = 'arn:aws:iam::111111111111:role/CloudtallyReadOnly';
const assume: DiagnoseContext = { operation: 'AssumeRole', service: 'sts', roleArn: ROLE };
const list: DiagnoseContext = {
  operation: 'ListObjectsV2',
  service: 's3',
  bucket: 'cur',
  prefix: 'p',
  region: 'us-east-1',
};

const CASES: [string, unknown, DiagnoseContext, string][] = [
  [
    'AssumeRole denied, plain AWS message',
    sdkError(
      'AccessDenied',
      'User: arn:aws:iam::9:user/c is not authorized to perform: sts:AssumeRole on resource: x',
      403,
    ),
    assume,
    'role_not_trusted',
  ],
  [
    'AssumeRole duration over the role maximum',
    sdkError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      400,
    ),
    assume,
    'role_session_duration_too_short',
  ],
  [
    "AssumeRole with Cloudtally's own bad key",
    sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
    assume,
    'cloudtally_identity_invalid',
  ],
  [
    'no host credentials',
    Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    }),
    assume,
    'cloudtally_identity_missing',
  ],
  [
    'unknown access key (STS)',
    sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
    { operation: 'GetCallerIdentity', service: 'sts' },
    'invalid_access_key',
  ],
  [
    'unknown access key (S3)',
    sdkError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403),
    list,
    'invalid_access_key',
  ],
  [
    'unknown access key (JSON protocol)',
    sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400),
    { operation: 'ListAccounts', service: 'organizations' },
    'invalid_access_key',
  ],
  [
    'unknown access key (EC2)',
    sdkError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401),
    { operation: 'DescribeRegions', service: 'ec2' },
    'invalid_access_key',
  ],
  [
    'wrong secret key',
    sdkError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
      403,
    ),
    { operation: 'GetCallerIdentity', service: 'sts' },
    'invalid_secret_key',
  ],
  [
    'wrong secret key (JSON protocol)',
    sdkError('InvalidSignatureException', 'The request signature we calculated does not match', 400),
    { operation: 'GetCostAndUsage', service: 'ce' },
    'invalid_secret_key',
  ],
  [
    'expired session',
    sdkError('ExpiredToken', 'The security token included in the request is expired', 400),
    list,
    'credentials_expired',
  ],
  [
    'expired session (JSON protocol)',
    sdkError('ExpiredTokenException', 'expired', 400),
    { operation: 'ListAccounts', service: 'organizations' },
    'credentials_expired',
  ],
  [
    'clock skew',
    sdkError(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      403,
    ),
    list,
    'clock_skew',
  ],
  [
    'missing bucket',
    sdkError('NoSuchBucket', 'The specified bucket does not exist', 404),
    list,
    'bucket_not_found',
  ],
  [
    'missing bucket (HEAD)',
    sdkError('NotFound', '', 404),
    { ...list, operation: 'HeadBucket' },
    'bucket_not_found',
  ],
  ['list denied', sdkError('AccessDenied', 'Access Denied', 403), list, 'bucket_access_denied'],
  [
    'bucket location denied',
    sdkError('AccessDenied', 'Access Denied', 403),
    { ...list, operation: 'GetBucketLocation' },
    'bucket_access_denied',
  ],
  [
    'wrong region: redirect',
    sdkError(
      'PermanentRedirect',
      'The bucket you are attempting to access must be addressed using the specified endpoint.',
      301,
    ),
    list,
    'bucket_wrong_region',
  ],
  [
    'wrong region: header malformed',
    sdkError('AuthorizationHeaderMalformed', "the region 'us-east-1' is wrong; expecting 'eu-west-1'", 400, {
      Region: 'eu-west-1',
    }),
    list,
    'bucket_wrong_region',
  ],
  [
    'manifest read denied',
    sdkError('AccessDenied', 'Access Denied', 403),
    { operation: 'GetObject', service: 's3', bucket: 'cur', key: 'p/x/Manifest.json' },
    'export_read_denied',
  ],
  [
    'missing object',
    sdkError('NoSuchKey', 'The specified key does not exist.', 404),
    { operation: 'GetObject', service: 's3' },
    'object_not_found',
  ],
  [
    'EC2 denied',
    sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403),
    { operation: 'DescribeInstances', service: 'ec2' },
    'ec2_permission_missing',
  ],
  [
    'ELBv2 denied',
    sdkError(
      'AccessDenied',
      'User is not authorized to perform: elasticloadbalancing:DescribeLoadBalancers',
      403,
    ),
    { operation: 'DescribeLoadBalancers', service: 'elasticloadbalancing' },
    'elb_permission_missing',
  ],
  [
    'CloudWatch denied',
    sdkError('AccessDenied', 'not authorized to perform: cloudwatch:GetMetricData', 403),
    { operation: 'GetMetricData', service: 'monitoring' },
    'cloudwatch_permission_missing',
  ],
  [
    'Organizations not in use',
    sdkError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400),
    { operation: 'ListAccounts', service: 'organizations' },
    'organizations_not_in_use',
  ],
  [
    'Organizations denied',
    sdkError('AccessDeniedException', 'You don’t have permissions to access this resource.', 400),
    { operation: 'ListAccounts', service: 'organizations' },
    'organizations_permission_missing',
  ],
  [
    'Cost Explorer not enabled',
    sdkError('AccessDeniedException', 'User not enabled for cost explorer access', 400),
    { operation: 'GetCostAndUsage', service: 'ce' },
    'ce_not_enabled',
  ],
  [
    'Cost Explorer denied',
    sdkError('AccessDeniedException', 'User: x is not authorized to perform: ce:GetCostAndUsage', 400),
    { operation: 'GetCostAndUsage', service: 'ce' },
    'ce_permission_missing',
  ],
  [
    'IAM denied',
    sdkError('AccessDenied', 'not authorized to perform iam:GetRole', 403),
    { operation: 'GetRole', service: 'iam' },
    'iam_permission_missing',
  ],
  [
    'throttled after retries',
    sdkError('ThrottlingException', 'Rate exceeded', 400),
    { operation: 'GetCostAndUsage', service: 'ce' },
    'aws_throttled',
  ],
  ['S3 slow down', sdkError('SlowDown', 'Please reduce your request rate.', 503), list, 'aws_throttled'],
  [
    'server error',
    sdkError('InternalError', 'We encountered an internal error.', 500),
    list,
    'aws_unavailable',
  ],
  [
    'connection refused',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    list,
    'aws_unreachable',
  ],
  [
    'other access denial',
    sdkError('AccessDenied', 'denied', 403),
    { operation: 'Something', service: 'other' },
    'access_denied',
  ],
  [
    'unknown error',
    sdkError('WeirdThing', 'odd', 400),
    { operation: 'DescribeX', service: 'ec2' },
    'aws_error',
  ],
];

describe('AWS error → diagnostic', () => {
  it.each(CASES)('%s → %s', (_name, err, ctx, code) => {
    const d = diagnose(err, { ...ctx, step: 'some-step' });
    expect(d.code).toBe(code);
    expect(d.message.length).toBeGreaterThan(10);
    expect(d.remediation.length).toBeGreaterThan(10);
    expect(d.step).toBe('some-step');
  });

  it('gives every code its own remediation text', () => {
    const byCode = new Map<string, string>();
    for (const [, err, ctx, code] of CASES) byCode.set(code, diagnose(err, ctx).remediation);
    expect(new Set(byCode.values()).size).toBe(byCode.size);
  });

  it('names the region the bucket is really in', () => {
    const d = diagnose(
      sdkError('AuthorizationHeaderMalformed', "the region 'us-east-1' is wrong; expecting 'eu-west-1'", 400),
      list,
    );
    expect(d.message).toContain('eu-west-1');
    expect(d.remediation).toBe('Set the export region to eu-west-1.');
  });

  it('reads real SDK exception classes', () => {
    const s3 = new S3ServiceException({
      name: 'NoSuchBucket',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
      message: 'The specified bucket does not exist',
    });
    expect(diagnose(s3, list).code).toBe('bucket_not_found');
    const sts = new STSServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'not authorized',
    });
    expect(diagnose(sts, assume).code).toBe('role_not_trusted');
    expect(awsErrorInfo(sts)).toMatchObject({ name: 'AccessDenied', status: 403, fault: 'client' });
  });

  it('passes a ConnectionError through with its diagnostic', () => {
    const err = new ConnectionError({ code: 'role_not_trusted', message: 'm', remediation: 'r' });
    expect(diagnose(err, { step: 'credentials' })).toEqual({
      code: 'role_not_trusted',
      message: 'm',
      remediation: 'r',
      step: 'credentials',
    });
  });

  it('tells access errors from transient ones', () => {
    expect(isAccessError(sdkError('AccessDenied', 'x', 403))).toBe(true);
    expect(isAccessError(sdkError('SignatureDoesNotMatch', 'x', 403))).toBe(true);
    expect(isAccessError(sdkError('ThrottlingException', 'x', 400))).toBe(false);
    expect(isAccessError(sdkError('InternalError', 'x', 500))).toBe(false);
  });
});
