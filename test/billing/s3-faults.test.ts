/**
 * S3 throttling (SlowDown), 503 and 500 answers and bodies cut short during a billing download are transient AWS
 * faults: retried inside the load, so a passing fault changes nothing in what is stored; a lasting one fails the
 * period with aws_throttled / aws_unavailable (what every other AWS call says), never billing_load_failed, and
 * keeps the period's previous data. The S3 client is the product's own (src/providers/aws/sdk/client-factory.ts), so the SDK
 * layer of the retry budget is the one that runs in production.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { startSimulator, type Simulator, type FaultSpec } from '../../sim/index.js';
import { createAwsClients, type AwsClientFactory } from '../../src/providers/aws/sdk/client-factory.js';
import { RETRY_BUDGETS } from '../../src/providers/aws/sdk/retry.js';
import { silentLog } from '../../src/lib/log.js';
import type { SyncExportResult } from '../../src/providers/aws/billing/aws-billing.js';
import { ENGINES } from '../helpers/stores.js';
import {
  closeBillingFixture,
  differences,
  exportLocation,
  openBillingFixture,
  payerCredentials,
  storedDaily,
  truthDaily,
  type BillingFixture,
} from './harness.js';

const EXPORT = 'small-cur2';
const ACCOUNT = 'ca-s3-faults';
// More failures in a row than the SDK's own attempts: only the call layer's retry gets the file through.
const PAST_THE_SDK = RETRY_BUDGETS.sdk.attempts + 1;

let sim: Simulator;
let factory: AwsClientFactory;

beforeAll(async () => {
  sim = await startSimulator('small');
  factory = createAwsClients({
    config: { awsEndpointUrl: sim.url, awsRegion: 'us-east-1', awsPrincipalArn: undefined },
    vault: { get: () => Promise.reject(new Error('no vault in this test')) },
    log: silentLog,
  });
});
afterAll(async () => {
  await sim?.close();
});

/**
 * A fresh client per sync, as each sync run gets: the SDK's adaptive rate limiter and retry quota start full, so
 * one test's throttling does not slow or starve the next.
 */
const freshS3 = (): S3Client =>
  factory.clientsFor({ orgId: 'org-1', accessKeys: payerCredentials(sim) }, null).s3('us-east-1');

const armedFaults = async (): Promise<unknown[]> =>
  (await (await fetch(`${sim.url}/_sim/faults`)).json()) as unknown[];

describe.each(ENGINES)('S3 faults during a billing download on %s', (engine) => {
  let fx: BillingFixture;

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
  });
  afterAll(async () => {
    sim.clearFaults();
    await closeBillingFixture(fx);
  });

  const sync = async (): Promise<SyncExportResult> => {
    const s3 = freshS3();
    try {
      return await fx.billing.syncExport({
        orgId: 'org-1',
        cloudAccountId: ACCOUNT,
        awsAccountId: sim.world.payerAccountId,
        export: exportLocation(sim, EXPORT),
        edp: true,
        memberImport: 'all',
        connectedAccountIds: [sim.world.payerAccountId],
        force: true,
        s3,
      });
    } finally {
      s3.destroy();
    }
  };

  const matchesTruth = async () =>
    differences(
      await storedDaily(fx.store, ACCOUNT, 'billed'),
      truthDaily(sim.truth.exports[EXPORT], 'billed'),
    );

  it('loads cleanly without faults (the baseline)', async () => {
    const result = await sync();
    expect(result.periods.length).toBeGreaterThan(0);
    expect(result.periods.every((p) => p.status === 'loaded')).toBe(true);
    expect(await matchesTruth()).toEqual([]);
  });

  it.each<[string, FaultSpec['kind'], number]>([
    ['S3 SlowDown', 'throttle', PAST_THE_SDK],
    ['S3 503 ServiceUnavailable', '503', PAST_THE_SDK],
    ['S3 500 InternalError', '500', PAST_THE_SDK],
    ['a body cut short mid-stream', 'truncate', 2],
  ])(
    '%s that passes is retried inside the load, which stores the same figures',
    async (_what, kind, count) => {
      const before = sim.calls()['s3:GetObject'] ?? 0;
      sim.injectFault({ service: 's3', operation: 'GetObject', kind, count });
      const result = await sync();
      expect(await armedFaults(), 'every injected fault was met').toEqual([]);
      expect(
        result.periods.map((p) => [p.period, p.status, p.diagnostic?.code]),
        JSON.stringify(result.periods),
      ).toEqual(result.periods.map((p) => [p.period, 'loaded', undefined]));
      expect(await matchesTruth()).toEqual([]);
      // The failed requests were sent again: at least one GetObject per fault beyond one per file.
      expect((sim.calls()['s3:GetObject'] ?? 0) - before).toBeGreaterThanOrEqual(
        count + result.periods.length,
      );
    },
  );

  it.each<[string, FaultSpec['kind'], string]>([
    ['S3 SlowDown', 'throttle', 'aws_throttled'],
    ['S3 503 ServiceUnavailable', '503', 'aws_unavailable'],
    ['S3 500 InternalError', '500', 'aws_unavailable'],
  ])(
    '%s that lasts fails each period with %s after the retries, keeping its previous data',
    async (_what, kind, code) => {
      const before = sim.calls()['s3:GetObject'] ?? 0;
      sim.injectFault({ service: 's3', operation: 'GetObject', kind, count: 100_000 });
      let result: SyncExportResult;
      try {
        result = await sync();
      } finally {
        sim.clearFaults();
      }
      expect(result.periods.length).toBeGreaterThan(0);
      for (const p of result.periods) {
        expect(p.status).toBe('failed');
        expect(p.diagnostic?.code, JSON.stringify(p.diagnostic)).toBe(code);
        expect(p.diagnostic?.key).toMatch(/small-cur2/);
        expect(p.diagnostic?.message).toContain('s3://small-cur/');
        expect(p.diagnostic?.remediation.length).toBeGreaterThan(10);
      }
      // The call layer spent its attempts on each period (the SDK's own retries come on top while its retry
      // quota lasts), and nothing retried beyond the two budgets.
      const sent = (sim.calls()['s3:GetObject'] ?? 0) - before;
      const perCall = RETRY_BUDGETS.sdk.attempts * RETRY_BUDGETS.call.attempts;
      expect(sent).toBeGreaterThanOrEqual(RETRY_BUDGETS.call.attempts * result.periods.length);
      expect(sent).toBeLessThanOrEqual(perCall * 4 * result.periods.length);
      // The previous load is untouched.
      expect(await matchesTruth()).toEqual([]);
      const states = await fx.store.query<{ state: string; error: string | null }>(
        `SELECT state, error FROM billing_periods WHERE cloud_account_id = $1`,
        [ACCOUNT],
      );
      expect(states.every((s) => s.state === 'failed' && (s.error ?? '').includes(code))).toBe(true);
    },
    // Lasting throttling is slow by design: the SDK's adaptive rate limiter spaces the requests out.
    240_000,
  );
});
