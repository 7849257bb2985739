import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { startSimulator, type Simulator } from '../../sim/index.js';
import type { AwsBillingService } from '../../src/providers/aws/billing/aws-billing.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../helpers/stores.js';
import {
  ceClient,
  closeBillingFixture,
  differences,
  openBillingFixture,
  storedDaily,
  truthDaily,
  type BillingFixture,
} from './harness.js';

let sim: Simulator;
let ce: CostExplorerClient;

beforeAll(async () => {
  sim = await startSimulator('small');
  ce = ceClient(sim);
});
afterAll(async () => {
  ce?.destroy();
  await sim?.close();
});

/** Cost Explorer requests the simulator received (each costs $0.01). */
const ceCalls = () =>
  (sim.calls()['ce:GetCostAndUsage'] ?? 0) + (sim.calls()['ce:ListCostCategoryDefinitions'] ?? 0);

describe.each(ENGINES)('Cost Explorer source on %s', (engine) => {
  let fx: BillingFixture;
  let store: Store;
  let billing: AwsBillingService;

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    ({ store, billing } = fx);
  });
  afterAll(() => closeBillingFixture(fx));

  it('agrees with the S3 export per account, service and day, in few requests', async () => {
    const before = ceCalls();
    const result = await billing.syncCostExplorer({ orgId: 'org-1', cloudAccountId: 'ca-ce', ce });
    expect(result.requests).toBe(ceCalls() - before);
    // One request finds the (account, region) pairs; each pair then needs one request per page; the one cost
    // category takes a ListCostCategoryDefinitions and a daily series (4 pages of 100 days).
    const pairs = await store.query<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT DISTINCT sub_account_id, region_id FROM cost_line_items WHERE cloud_account_id = 'ca-ce') AS p`,
    );
    expect(result.categoryRequests).toBe(5);
    expect(result.requests - result.categoryRequests).toBeLessThanOrEqual(1 + Number(pairs[0].n) * 4);
    expect(result.periods.filter((p) => p.rows > 0).map((p) => p.period)).toEqual(['2025-02', '2025-03']);
    // The legacy export carries EDP discounts as line items, as Cost Explorer reports them.
    const truth = sim.truth.exports['small-legacy'];
    for (const basis of ['billed', 'net', 'amortized', 'netAmortized'] as const) {
      expect(differences(await storedDaily(store, 'ca-ce', basis), truthDaily(truth, basis)), basis).toEqual(
        [],
      );
      expect(
        differences(await storedDaily(store, 'ca-ce', basis, 'cost_daily'), truthDaily(truth, basis)),
        basis,
      ).toEqual([]);
    }
    expect(result.newestUsageDate).toBe(truth.daily.at(-1)?.day);
  });

  it('a later sync fetches only the months that can still change', async () => {
    const before = ceCalls();
    const first = await store.query(
      `SELECT count(*) AS n, sum(billed_cost) AS b FROM cost_line_items WHERE cloud_account_id = 'ca-ce'`,
    );
    const again = await billing.syncCostExplorer({ orgId: 'org-1', cloudAccountId: 'ca-ce', ce });
    expect(again.requests).toBe(ceCalls() - before);
    // 2025-02 closed less than the restatement window ago, 2025-03 is open; older months are final.
    expect(again.periods.filter((p) => p.status === 'loaded').map((p) => p.period)).toEqual([
      '2025-02',
      '2025-03',
    ]);
    expect(again.periods.filter((p) => p.status === 'skipped')).toHaveLength(11);
    const pairs = await store.query<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT DISTINCT sub_account_id, region_id FROM cost_line_items WHERE cloud_account_id = 'ca-ce') AS p`,
    );
    // The two open months are 2 months of days: one page per series, and one for the category definitions.
    expect(again.requests).toBe(1 + Number(pairs[0].n) + 2);
    const after = await store.query(
      `SELECT count(*) AS n, sum(billed_cost) AS b FROM cost_line_items WHERE cloud_account_id = 'ca-ce'`,
    );
    expect(after).toEqual(first);
  });
});
