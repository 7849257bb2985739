import { describe, expect, it } from 'vitest';
import { ConnectionError, InputError, RateLimitError, UnavailableError } from '../lib/errors.js';
import { AWS_FAILURES } from '../providers/aws/sdk/aws-failures.js';
import { CONNECTION_FAILURES } from './failure-classifier.js';
import { backoffMs, diagnosticsOf, isTransient, RunAborted, sleep, withRetry } from './retry.js';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
    ...extra,
  });

const denied = (code: string) => new ConnectionError({ code, message: 'denied', remediation: 'allow it' });

describe('isTransient', () => {
  it.each([
    ['SDK throttling', sdkError('ThrottlingException', 400), true],
    ['EC2 throttling', sdkError('RequestLimitExceeded', 503), true],
    ['S3 slow down', sdkError('SlowDown', 503), true],
    ['a 500 answer', sdkError('InternalError', 500), true],
    ['a 503 answer with an unknown name', sdkError('Whatever', 503), true],
    ['HTTP 429', sdkError('TooManyRequests', 429), true],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    [
      'a refused connection in the cause',
      new Error('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
      true,
    ],
    ['an SDK error marked retryable', sdkError('X', 400, { $retryable: {} }), true],
    ['our rate limit', new RateLimitError('slow down', 1), true],
    ['our unavailable', new UnavailableError('down'), true],
    ['a diagnosed throttling', denied('aws_throttled'), true],
    ['a diagnosed 5xx', denied('aws_unavailable'), true],
    ['a diagnosed network failure', denied('aws_unreachable'), true],
    ['access denied', sdkError('AccessDenied', 403), false],
    ['a diagnosed trust problem', denied('role_not_trusted'), false],
    ['a missing bucket', sdkError('NoSuchBucket', 404), false],
    ['bad input', new InputError('x', 'bad'), false],
    ['an abort', sdkError('AbortError'), false],
    ['a run abort', new RunAborted('cancel'), false],
    ['a plain bug', new TypeError('x is undefined'), false],
    [
      'throttling the call layer already retried to the end of its budget',
      Object.assign(sdkError('SlowDown', 503), { [Symbol.for('cloudtally.callRetriesSpent')]: 5 }),
      false,
    ],
    [
      'its diagnostic, made from the spent failure (its cause)',
      new ConnectionError({ code: 'aws_throttled', message: 'm', remediation: 'r' }, undefined, {
        cause: Object.assign(sdkError('SlowDown', 503), { [Symbol.for('cloudtally.callRetriesSpent')]: 5 }),
      }),
      false,
    ],
  ])('%s → %s', (_what, err, expected) => {
    expect(isTransient(err, AWS_FAILURES)).toBe(expected);
  });
});

describe('backoff and retry', () => {
  it('doubles the ceiling per retry up to the maximum, with jitter in its upper half', () => {
    const policy = { tries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((r) => backoffMs(policy, r, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect([1, 2, 3].map((r) => backoffMs(policy, r, () => 0))).toEqual([50, 100, 200]);
  });

  it('retries transient failures until they pass, and gives up after the last try', async () => {
    const signal = new AbortController().signal;
    const policy = { tries: 3, baseDelayMs: 1, maxDelayMs: 2 };
    let calls = 0;
    const ok = await withRetry(
      async () => {
        if (++calls < 3) throw sdkError('ThrottlingException', 400);
        return 'done';
      },
      policy,
      signal,
      undefined,
      AWS_FAILURES,
    );
    expect(ok).toEqual({ value: 'done', tries: 3 });

    calls = 0;
    const always = withRetry(
      async () => {
        calls++;
        throw sdkError('ThrottlingException', 400);
      },
      policy,
      signal,
      undefined,
      AWS_FAILURES,
    );
    await expect(always).rejects.toMatchObject({ name: 'ThrottlingException', syncTries: 3 });
    expect(calls).toBe(3);
  });

  it('does not retry access problems', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw denied('role_not_trusted');
        },
        { tries: 4, baseDelayMs: 1, maxDelayMs: 1 },
        new AbortController().signal,
      ),
    ).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toBe(1);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new RunAborted('cancel'));
    await expect(waiting).rejects.toBeInstanceOf(RunAborted);
  });
});

describe('diagnosticsOf', () => {
  it('keeps the diagnostics of an access problem and names the stage', () => {
    const err = new ConnectionError({ code: 'bucket_access_denied', message: 'm', remediation: 'r' });
    expect(diagnosticsOf(err, 'billing', 'run_1', AWS_FAILURES)).toEqual([
      { code: 'bucket_access_denied', message: 'm', remediation: 'r', step: 'billing' },
    ]);
  });

  it('says a transient failure outlasted the retries, throttling apart from AWS-side faults', () => {
    const err = Object.assign(sdkError('ThrottlingException', 400), { syncTries: 4 });
    const [d] = diagnosticsOf(err, 'inventory', 'run_1', AWS_FAILURES);
    expect(d.code).toBe('aws_throttled');
    expect(d.message).toContain('ThrottlingException');
    expect(d.message).toContain('4 tries');
    const fault = Object.assign(sdkError('InternalError', 500), { syncTries: 2 });
    expect(diagnosticsOf(fault, 'billing', 'run_1', AWS_FAILURES)[0].code).toBe('aws_unavailable');
  });

  it('names a failure the call layer gave up on, which the stage did not retry, by its kind', () => {
    const spent = Object.assign(sdkError('SlowDown', 503), {
      syncTries: 1,
      [Symbol.for('cloudtally.callRetriesSpent')]: 5,
    });
    const [d] = diagnosticsOf(spent, 'billing', 'run_1', AWS_FAILURES);
    expect(d.code).toBe('aws_throttled');
    expect(d.message).toContain('each call tried 5 times');
  });

  it('never shows the text of an internal error, only where to find it', () => {
    const [d] = diagnosticsOf(
      new Error('relation "x" does not exist at character 12'),
      'metrics',
      'run_9',
      AWS_FAILURES,
    );
    expect(d.code).toBe('internal_error');
    expect(d.message).not.toContain('relation');
    expect(d.remediation).toContain('run_9');
  });
});

describe("the classifier of the account's provider", () => {
  const throttling = sdkError('ThrottlingException', 400);
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

  it('decides what passes: a provider without one has only dropped connections retried', () => {
    expect(isTransient(throttling, AWS_FAILURES)).toBe(true);
    expect(isTransient(throttling, CONNECTION_FAILURES)).toBe(false);
    expect(isTransient(reset, CONNECTION_FAILURES)).toBe(true);
    expect(isTransient(denied('aws_throttled'), CONNECTION_FAILURES)).toBe(false);
  });

  it('words the diagnostic of a stage that gave up', () => {
    const [d] = diagnosticsOf(
      Object.assign(reset, { syncTries: 4 }),
      'billing',
      'run_1',
      CONNECTION_FAILURES,
    );
    expect(d).toMatchObject({ code: 'connection_unavailable', step: 'billing' });
    expect(d.message).toContain('ECONNRESET');
    expect(d.message).toContain('4 tries');
    expect(diagnosticsOf(throttling, 'billing', 'run_1', CONNECTION_FAILURES)[0].code).toBe('internal_error');
  });
});
