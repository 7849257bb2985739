import { describe, expect, it } from 'vitest';
import { simError, type ErrorKind } from '../../../../sim/server/errors.js';
import { classifyAwsError, IncompleteBodyError, isRetryableKind, type AwsFaultKind } from './errors.js';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
    ...extra,
  });

describe('classifyAwsError', () => {
  it.each<[string, number | undefined, AwsFaultKind]>([
    ['Throttling', 400, 'throttled'],
    ['ThrottlingException', 400, 'throttled'],
    ['ThrottledException', 400, 'throttled'],
    ['RequestLimitExceeded', 503, 'throttled'],
    ['RequestThrottled', 400, 'throttled'],
    ['RequestThrottledException', 400, 'throttled'],
    ['EC2ThrottledException', 400, 'throttled'],
    ['TooManyRequestsException', 400, 'throttled'],
    ['LimitExceededException', 400, 'throttled'],
    ['ProvisionedThroughputExceededException', 400, 'throttled'],
    ['PriorRequestNotComplete', 400, 'throttled'],
    ['BandwidthLimitExceeded', 400, 'throttled'],
    ['SlowDown', 503, 'throttled'],
    ['SomethingNew', 429, 'throttled'],
    ['InternalError', 500, 'unavailable'],
    ['InternalFailure', 500, 'unavailable'],
    ['InternalServiceFault', 500, 'unavailable'],
    ['ServiceUnavailable', 503, 'unavailable'],
    ['Unavailable', 503, 'unavailable'],
    ['RequestTimeout', 400, 'unavailable'],
    ['AnUnknown5xx', 502, 'unavailable'],
    ['UnauthorizedOperation', 403, 'denied'],
    ['AuthFailure', 401, 'denied'],
    ['AccessDenied', 403, 'denied'],
    ['AccessDeniedException', 400, 'denied'],
    ['AllAccessDisabled', 403, 'denied'],
    ['OptInRequired', 401, 'region_disabled'],
    ['ExpiredToken', 400, 'credentials'],
    ['InvalidClientTokenId', 403, 'credentials'],
    ['SignatureDoesNotMatch', 403, 'credentials'],
    ['InvalidAccessKeyId', 403, 'credentials'],
    ['AbortError', undefined, 'aborted'],
    ['NoSuchKey', 404, 'other'],
    ['InvalidParameterValue', 400, 'other'],
  ])('%s (HTTP %s) is %s', (name, status, kind) => {
    expect(classifyAwsError(sdkError(name, status))).toBe(kind);
  });

  it.each([
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a refused connection in the cause', new Error('fetch failed', { cause: { code: 'ECONNREFUSED' } })],
    ['a response cut short', new Error('aborted')],
    ['a stream closed early', Object.assign(new Error('x'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })],
    ['an SDK request timeout', sdkError('TimeoutError')],
  ])('%s is unreachable', (_what, err) => {
    expect(classifyAwsError(err)).toBe('unreachable');
  });

  it('takes a body shorter than its Content-Length for an AWS-side fault, and a plain bug for other', () => {
    expect(classifyAwsError(new IncompleteBodyError(10, 20))).toBe('unavailable');
    expect(classifyAwsError(new TypeError('x is undefined'))).toBe('other');
    expect(classifyAwsError('a string')).toBe('other');
  });

  // Every error the simulator sends, for every service Cloudtally calls, lands in the kind its meaning says.
  const SERVICES = ['sts', 'iam', 'elasticloadbalancing', 'ec2', 'monitoring', 'ce', 'organizations', 's3'];
  const EXPECTED: Partial<Record<ErrorKind, AwsFaultKind>> = {
    throttle: 'throttled',
    internal: 'unavailable',
    unavailable: 'unavailable',
    denied: 'denied',
  };
  it.each(SERVICES)('the codes %s answers with are classified by their meaning', (service) => {
    for (const [kind, expected] of Object.entries(EXPECTED)) {
      const e = simError(service, kind as ErrorKind, 'x');
      expect(classifyAwsError(sdkError(e.code, e.status)), `${service} ${kind} ${e.code}`).toBe(expected);
      expect(isRetryableKind(expected)).toBe(kind !== 'denied');
    }
  });
});
