/**
 * Precision of the anomaly detector on the demo organization: its planted anomalies (`spikes` in
 * sim/scenarios/demo/scenario.yaml) are all found, and its normal months (a monthly credit, a member account that
 * joined seven months ago, refunds and fees, weekday patterns) give no more than a handful of others.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { PRODUCT_NAMES } from '../../sim/gen/meters.js';
import type { AwsBillingService } from '../../src/providers/aws/billing/aws-billing.js';
import type { CostAnomaly } from '../../src/costs/anomalies.js';
import { createCostService, type CostService } from '../../src/costs/cost-service.js';
import { addDays, monthStartAfter } from '../../src/costs/dates.js';
import { silentLog } from '../../src/lib/log.js';
import { ENGINES } from '../helpers/stores.js';
import {
  clockAt,
  closeBillingFixture,
  exportLocation,
  openBillingFixture,
  s3Client,
  type BillingFixture,
} from '../billing/harness.js';

const ORG = 'org-demo';
/** Anomalies allowed on days nothing was planted: "a handful". */
const HANDFUL = 5;

let sim: Simulator;
let s3: S3Client;

beforeAll(async () => {
  sim = await startSimulator('demo', { now: new Date('2026-11-20T09:00:00Z') });
  s3 = s3Client(sim);
}, 120_000);
afterAll(async () => {
  s3?.destroy();
  await sim?.close();
});

describe.each(ENGINES)('anomalies of the demo organization on %s', (engine) => {
  let fx: BillingFixture;
  let billing: AwsBillingService;
  let costs: CostService;
  let found: CostAnomaly[];
  const today = () => sim.truth.now.slice(0, 10);
  const planted = () =>
    sim.scenario.services.flatMap((s) =>
      s.spikes.map((spike) => ({
        service: PRODUCT_NAMES[s.productCode] ?? s.productCode,
        account: s.accountId,
        date: addDays(today(), -spike.daysAgo),
      })),
    );

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    billing = fx.billing;
    const result = await billing.syncExport({
      orgId: ORG,
      cloudAccountId: 'ca-demo',
      awsAccountId: sim.world.payerAccountId,
      export: exportLocation(sim, 'acme-cur2'),
      edp: true,
      memberImport: 'all',
      connectedAccountIds: [],
      s3,
    });
    expect(result.periods.every((p) => p.status === 'loaded')).toBe(true);
    costs = createCostService({ store: fx.store, clock: clockAt(sim), log: silentLog });
    await costs.recomputeAnomalies(ORG);
    found = await costs.listAnomalies(ORG, { limit: 500 });
  }, 180_000);
  afterAll(() => closeBillingFixture(fx));

  it('finds every planted anomaly, on its service, its day, as an increase', () => {
    expect(planted().length).toBeGreaterThanOrEqual(3);
    for (const p of planted()) {
      const hit = found.find((a) => a.dimension === 'service' && a.key === p.service && a.date === p.date);
      expect(hit, `${p.service} on ${p.date}`).toMatchObject({ direction: 'increase' });
    }
  });

  it('flags no more than a handful of days where nothing was planted', async () => {
    const plantedDays = new Set(planted().map((p) => p.date));
    const others = found.filter((a) => !plantedDays.has(a.date));
    expect(others.map((a) => `${a.date} ${a.dimension} ${a.key} ${a.actual} vs ${a.expected}`)).toHaveLength(
      Math.min(others.length, HANDFUL),
    );
    // Not the recurring monthly credit on the 1st (a one-off refund or fee booked on a 1st is a real change),
    // nor the staging account's first weeks.
    const oneOffs = new Set(
      [...sim.scenario.refunds, ...sim.scenario.fees].map((r) => monthStartAfter(today(), -r.monthsAgo)),
    );
    expect(others.filter((a) => a.date.endsWith('-01') && !oneOffs.has(a.date))).toEqual([]);
    const staging = sim.scenario.accounts.find((a) => a.joinedMonthsAgo !== undefined)!;
    const [joined] = (
      await fx.store.query<{ d: string }>(
        `SELECT CAST(MIN(usage_date) AS VARCHAR) AS d FROM cost_daily
         WHERE org_id = $1 AND sub_account_id = $2 AND charge_category = 'Usage'`,
        [ORG, staging.id],
      )
    ).map((r) => r.d);
    const early = found.filter((a) => a.date >= joined && a.date < addDays(joined, 28));
    expect(
      early.map((a) => `${a.date} ${a.dimension} ${a.key} ${a.actual} vs ${a.expected}`),
      joined,
    ).toEqual([]);
  });
});
