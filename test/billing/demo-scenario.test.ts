import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { startSimulator, type Simulator } from '../../sim/index.js';
import type { AwsBillingService } from '../../src/providers/aws/billing/aws-billing.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../helpers/stores.js';
import {
  ceClient,
  closeBillingFixture,
  differences,
  exportLocation,
  openBillingFixture,
  s3Client,
  storedDaily,
  truthDaily,
  type BillingFixture,
} from './harness.js';

let sim: Simulator;
let s3: S3Client;
let ce: CostExplorerClient;

beforeAll(async () => {
  sim = await startSimulator('demo');
  s3 = s3Client(sim);
  ce = ceClient(sim);
}, 120_000);
afterAll(async () => {
  s3?.destroy();
  ce?.destroy();
  await sim?.close();
});

describe.each(ENGINES)('the demo scenario on %s', (engine) => {
  let fx: BillingFixture;
  let store: Store;
  let billing: AwsBillingService;

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    ({ store, billing } = fx);
  });
  afterAll(() => closeBillingFixture(fx));

  it.each(['acme-cur2', 'acme-legacy'])(
    '%s: the retained history equals the truth to the cent',
    async (name) => {
      const truth = sim.truth.exports[name];
      const result = await billing.syncExport({
        orgId: 'org-1',
        cloudAccountId: name,
        awsAccountId: sim.world.payerAccountId,
        export: exportLocation(sim, name),
        edp: true,
        memberImport: 'all',
        connectedAccountIds: [],
        s3,
      });
      expect(result.periods.map((p) => p.status)).toEqual(Object.keys(truth.periods).map(() => 'loaded'));
      for (const basis of ['billed', 'net', 'amortized', 'netAmortized'] as const) {
        expect(differences(await storedDaily(store, name, basis), truthDaily(truth, basis)), basis).toEqual(
          [],
        );
        expect(
          differences(await storedDaily(store, name, basis, 'cost_daily'), truthDaily(truth, basis)),
          basis,
        ).toEqual([]);
      }
    },
  );

  // The simulator bills SQS under the code `AmazonSQS`; AWS's product code (which the Cost Explorer source
  // maps "Amazon Simple Queue Service" to) is `AWSQueueService`, so the truth's code is translated here.
  it('the Cost Explorer source agrees with the export per account, service and day', async () => {
    await billing.syncCostExplorer({ orgId: 'org-1', cloudAccountId: 'ce', ce });
    const truth = sim.truth.exports['acme-legacy'];
    for (const basis of ['billed', 'net', 'amortized', 'netAmortized'] as const) {
      const want = new Map(
        [...truthDaily(truth, basis)].map(([k, v]) => [k.replace(/\|AmazonSQS\|/, '|AWSQueueService|'), v]),
      );
      expect(differences(await storedDaily(store, 'ce', basis), want), basis).toEqual([]);
    }
  });
});
