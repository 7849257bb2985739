/** The simulator's export loaded by the real billing service, then asked through the cost service: to the cent. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { createAwsBillingService } from '../../src/providers/aws/billing/aws-billing.js';
import { createCostService, type CostService } from '../../src/costs/cost-service.js';
import type { CostBasis } from '../../src/costs/cost-query.js';
import { silentLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import {
  clockAt,
  differences,
  exportLocation,
  s3Client,
  truthDaily,
  type Basis,
} from '../billing/harness.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';

const EXPORT = 'small-cur2';
const ORG = 'org-sim';
const BASES: [CostBasis, Basis][] = [
  ['billed', 'billed'],
  ['net', 'net'],
  ['amortized', 'amortized'],
  ['net_amortized', 'netAmortized'],
];

let sim: Simulator;
let s3: S3Client;

beforeAll(async () => {
  sim = await startSimulator('small');
  s3 = s3Client(sim);
});
afterAll(async () => {
  s3?.destroy();
  await sim?.close();
});

describe.each(ENGINES)('cost queries over a loaded simulator export on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let costs: CostService;
  let workDir: string;
  let range: { from: string; to: string };

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    workDir = mkdtempSync(path.join(tmpdir(), 'cloudtally-costs-sim-'));
    const billing = createAwsBillingService({ store, clock: clockAt(sim), tmpDir: workDir });
    const result = await billing.syncExport({
      orgId: ORG,
      cloudAccountId: 'ca-sim',
      awsAccountId: sim.world.payerAccountId,
      export: exportLocation(sim, EXPORT),
      edp: true,
      memberImport: 'all',
      connectedAccountIds: [sim.world.payerAccountId],
      s3,
    });
    expect(result.periods.every((p) => p.status === 'loaded')).toBe(true);
    costs = createCostService({ store, clock: clockAt(sim), log: silentLog });
    const days = sim.truth.exports[EXPORT].daily.map((r) => r.day).sort();
    range = { from: days[0], to: days.at(-1) ?? days[0] };
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
    rmSync(workDir, { recursive: true, force: true });
  });

  it.each(BASES)(
    '%s: every account, service and day equals the truth to the cent',
    async (basis, truthBasis) => {
      const codes = new Map(
        (
          await store.query<{ n: string; c: string }>(
            'SELECT DISTINCT service_name AS n, service_code AS c FROM cost_line_items WHERE org_id = $1',
            [ORG],
          )
        ).map((r) => [r.n, r.c]),
      );
      const a = await costs.queryText(ORG, {
        ...range,
        granularity: 'day',
        groupBy: 'account,service',
        basis,
        limit: 1000,
      });
      expect(a.truncated).toBe(false);
      expect(a.currency).toBe('USD');
      const got = new Map<string, number>();
      for (const g of a.groups) {
        for (const p of g.series) {
          if (p.cost === 0) continue;
          const k = `${g.key.account}|${codes.get(g.key.service ?? '') ?? g.key.service}|${p.period}`;
          got.set(k, (got.get(k) ?? 0) + Math.round(p.cost * 100));
        }
      }
      expect(differences(got, truthDaily(sim.truth.exports[EXPORT], truthBasis))).toEqual([]);
    },
  );

  it('monthly totals equal the truth of each billing period', async () => {
    const a = await costs.queryText(ORG, { ...range, granularity: 'month' });
    const periods = sim.truth.exports[EXPORT].periods;
    for (const p of a.series) expect(p.cost, p.period).toBeCloseTo(periods[p.period].billed, 2);
    // Account labels come from the names the export carries.
    const byAccount = await costs.queryText(ORG, { ...range, groupBy: 'account' });
    const names = new Map(sim.scenario.accounts.map((x) => [x.id, x.name]));
    for (const g of byAccount.groups)
      expect(g.label).toBe(`${names.get(g.key.account ?? '')} (${g.key.account})`);
  });
});
