import { describe, expect, it } from 'vitest';
import { classifyAwsError, diagnosticFor, withBackoff } from './aws-calls.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe('classifyAwsError', () => {
  it.each([
    ['Throttling', 400, 'throttled'],
    ['RequestLimitExceeded', 503, 'throttled'],
    ['ThrottlingException', 400, 'throttled'],
    ['SomethingNew', 429, 'throttled'],
    ['UnauthorizedOperation', 403, 'denied'],
    ['AuthFailure', 401, 'denied'],
    ['AccessDenied', 403, 'denied'],
    ['AccessDeniedException', 400, 'denied'],
    ['OptInRequired', 401, 'region_disabled'],
    ['ExpiredToken', 400, 'credentials'],
    ['InvalidClientTokenId', 403, 'credentials'],
    ['InvalidClientTokenId', 400, 'credentials'],
    ['InternalError', 500, 'transient'],
    ['ServiceUnavailable', 503, 'transient'],
    ['InvalidParameterValue', 400, 'other'],
  ])('%s (HTTP %s) is %s', (name, status, kind) => {
    expect(classifyAwsError(sdkError(name, status))).toBe(kind);
  });

  it('takes a reset connection for a transient fault', () => {
    expect(classifyAwsError(new Error('read ECONNRESET'))).toBe('transient');
  });
});

describe('diagnosticFor', () => {
  it('names the call and the region, and says what to allow', () => {
    const d = diagnosticFor(sdkError('UnauthorizedOperation', 403), 'ec2:DescribeVolumes', 'eu-west-1');
    expect(d).toMatchObject({
      code: 'inventory_access_denied',
      step: 'ec2:DescribeVolumes',
      key: 'eu-west-1',
    });
    expect(d.message).toMatch(/ec2:DescribeVolumes was denied in eu-west-1/);
    expect(d.remediation).toMatch(/Allow ec2:DescribeVolumes/);
  });
});

describe('withBackoff', () => {
  it('retries throttling until the call succeeds', async () => {
    let calls = 0;
    const result = await withBackoff(
      async () => {
        calls++;
        if (calls < 4) throw sdkError('Throttling', 400);
        return 'ok';
      },
      { baseDelayMs: 1 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
  });

  it('gives up after the attempts and does not retry an access error', async () => {
    let calls = 0;
    await expect(
      withBackoff(
        async () => {
          calls++;
          throw sdkError('Throttling', 400);
        },
        { baseDelayMs: 1, attempts: 3 },
      ),
    ).rejects.toThrow('Throttling');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      withBackoff(
        async () => {
          calls++;
          throw sdkError('AccessDenied', 403);
        },
        { baseDelayMs: 1 },
      ),
    ).rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = withBackoff(
      async () => {
        throw sdkError('Throttling', 400);
      },
      { baseDelayMs: 10_000, maxDelayMs: 10_000, signal: controller.signal, attempts: 10 },
    );
    controller.abort(new Error('sync cancelled'));
    await expect(pending).rejects.toThrow(/sync cancelled|Throttling/);
  });
});
