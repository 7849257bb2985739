/**
 * Totals that do not depend on how they were grouped: for every billing period, basis, grouping and
 * granularity, the API's total equals the exact sum of the line items (to the micro-unit it answers in) and the
 * invoice (the simulator's truth) to the cent. The rollup keeps the line items' 10 decimals; only the answer is
 * rounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { createAwsBillingService } from '../../src/providers/aws/billing/aws-billing.js';
import { createCostService, type CostService } from '../../src/costs/cost-service.js';
import type { CostBasis } from '../../src/costs/cost-query.js';
import { monthEnd } from '../../src/costs/dates.js';
import { toUnits, unitsToNumber } from '../../src/costs/exact-money.js';
import { silentLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import { clockAt, exportLocation, s3Client, type Basis } from '../billing/harness.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';

const EXPORT = 'small-cur2';
const ORG = 'org-exact';
const BASES: [CostBasis, Basis, string][] = [
  ['billed', 'billed', 'billed_cost'],
  ['net', 'net', 'x_net_billed_cost'],
  ['amortized', 'amortized', 'effective_cost'],
  ['net_amortized', 'netAmortized', 'x_net_effective_cost'],
];
const GROUPINGS = [
  '',
  'account',
  'service',
  'region',
  'chargeCategory',
  'account,service',
  'resource',
  'usageType',
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

describe.each(ENGINES)('exact totals on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let costs: CostService;
  let workDir: string;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    workDir = mkdtempSync(path.join(tmpdir(), 'cloudtally-exact-'));
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
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('keeps the rollup at the line items precision', async () => {
    const [r] = await store.query<{ daily: string; items: string }>(
      `SELECT CAST((SELECT sum(effective_cost) FROM cost_daily WHERE org_id = $1) AS VARCHAR) AS daily,
              CAST((SELECT sum(effective_cost) FROM cost_line_items WHERE org_id = $1) AS VARCHAR) AS items`,
      [ORG],
    );
    expect(toUnits(r.daily)).toBe(toUnits(r.items));
    // The rollup's rows are not rounded to 6 decimals.
    const [fine] = await store.query<{ n: number }>(
      `SELECT count(*) AS n FROM cost_daily WHERE org_id = $1 AND effective_cost <> round(effective_cost, 6)`,
      [ORG],
    );
    expect(Number(fine.n)).toBeGreaterThan(0);
  });

  it.each(BASES)(
    '%s: every period, grouping and granularity totals the line items exactly and the invoice to the cent',
    async (basis, truthBasis, column) => {
      const truth = sim.truth.exports[EXPORT].periods;
      const months = Object.keys(truth).sort();
      expect(months.length).toBeGreaterThan(0);
      for (const month of months) {
        const from = `${month}-01`;
        const to = monthEnd(from);
        const [exact] = await store.query<{ s: string }>(
          `SELECT CAST(sum(${column}) AS VARCHAR) AS s FROM cost_line_items
           WHERE org_id = $1 AND usage_date >= $2 AND usage_date <= $3`,
          [ORG, from, to],
        );
        const want = unitsToNumber(toUnits(exact.s));
        for (const groupBy of GROUPINGS) {
          for (const granularity of ['day', 'month'] as const) {
            const a = await costs.queryText(ORG, { from, to, granularity, groupBy, basis, limit: 5 });
            const what = `${month} ${basis} by ${groupBy || 'nothing'} per ${granularity}`;
            expect(a.total, what).toBe(want);
            expect(Math.round(a.total * 100), what).toBe(Math.round(truth[month][truthBasis] * 100));
            // The groups shown plus the folded rest add up to the total (each rounded once).
            const groups = a.groups.reduce((s, g) => s + toUnits(g.total), 0n);
            expect(Math.abs(Number(groups - toUnits(a.total))), what).toBeLessThanOrEqual(
              a.groups.length * 5000,
            );
          }
        }
      }
    },
  );
});
