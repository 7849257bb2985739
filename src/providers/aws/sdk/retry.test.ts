import { describe, expect, it } from 'vitest';
import { backoffMs, retriesSpent, withAwsRetry } from './retry.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

describe('withAwsRetry', () => {
  it('retries throttling, 5xx answers and dropped connections until the call succeeds', async () => {
    const failures = [
      sdkError('SlowDown', 503),
      sdkError('InternalError', 500),
      Object.assign(new Error('x'), { code: 'ECONNRESET' }),
    ];
    let calls = 0;
    const result = await withAwsRetry(
      async () => {
        const f = failures[calls++];
        if (f) throw f;
        return 'ok';
      },
      { budget: fast },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
  });

  it('gives up after its budget and marks the failure so that no layer above retries it again', async () => {
    let calls = 0;
    const err = await withAwsRetry(
      async () => {
        calls++;
        throw sdkError('Throttling', 400);
      },
      { budget: fast },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(retriesSpent(err)).toBe(4);
    // Found through a wrapper too (a diagnostic error made from it keeps it as its cause).
    expect(retriesSpent(new Error('wrapped', { cause: err }))).toBe(4);
  });

  it('does not retry an access error, and leaves it unmarked', async () => {
    let calls = 0;
    const err = await withAwsRetry(
      async () => {
        calls++;
        throw sdkError('AccessDenied', 403);
      },
      { budget: fast },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(retriesSpent(err)).toBeUndefined();
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = withAwsRetry(
      async () => {
        throw sdkError('Throttling', 400);
      },
      { budget: { attempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000 }, signal: controller.signal },
    );
    controller.abort(new Error('sync cancelled'));
    await expect(pending).rejects.toThrow(/sync cancelled|Throttling/);
  });

  it('doubles the wait per retry up to the maximum, jittered in its upper half', () => {
    const budget = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((r) => backoffMs(budget, r, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect([1, 2, 3].map((r) => backoffMs(budget, r, () => 0))).toEqual([50, 100, 200]);
  });
});
