/**
 * AWS cost categories read from each source — CUR 2.0's `cost_category` map (gzip CSV and Parquet), legacy CUR's
 * `costCategory/NAME` columns and Cost Explorer's COST_CATEGORY grouping — and asked through the cost service as
 * the `costCategory:NAME` dimension: every period and value equals the generator's truth to the cent.
 */
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import type { TruthCosts } from '../../sim/gen/truth.js';
import { createCostService, type CostService } from '../../src/costs/cost-service.js';
import type { CostBasis } from '../../src/costs/cost-query.js';
import { parseLookupDimension } from '../../src/costs/dimension-values.js';
import { silentLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../helpers/stores.js';
import {
  ceClient,
  clockAt,
  closeBillingFixture,
  exportLocation,
  openBillingFixture,
  s3Client,
  type BillingFixture,
} from './harness.js';

const BASES: [CostBasis, keyof TruthCosts][] = [
  ['billed', 'billed'],
  ['net', 'net'],
  ['amortized', 'amortized'],
  ['net_amortized', 'netAmortized'],
];

let sim: Simulator;
let s3: S3Client;
let ce: CostExplorerClient;

beforeAll(async () => {
  sim = await startSimulator('small');
  s3 = s3Client(sim);
  ce = ceClient(sim);
});
afterAll(async () => {
  s3?.destroy();
  ce?.destroy();
  await sim?.close();
});

/** Stored cost per `period|value` (cents) of one category, through the cost service. */
async function stored(
  costs: CostService,
  orgId: string,
  name: string,
  basis: CostBasis,
  range: { from: string; to: string },
): Promise<Map<string, number>> {
  const a = await costs.queryText(orgId, {
    ...range,
    granularity: 'month',
    groupBy: `costCategory:${name}`,
    basis,
    limit: 100,
  });
  expect(a.source).toBe('cost_line_items');
  const out = new Map<string, number>();
  for (const g of a.groups) {
    const value = g.key[`costCategory:${name}`];
    if (value === null) continue;
    for (const p of g.series) if (p.cost !== 0) out.set(`${p.period}|${value}`, Math.round(p.cost * 100));
  }
  return out;
}

/** The generator's truth per `period|value` (cents) of one category in one export. */
function truth(exportName: string, name: string, basis: keyof TruthCosts): Map<string, number> {
  const out = new Map<string, number>();
  for (const [period, cats] of Object.entries(sim.truth.exports[exportName].costCategories)) {
    for (const [value, c] of Object.entries(cats[name] ?? {}))
      if (c[basis] !== 0) out.set(`${period}|${value}`, Math.round(c[basis] * 100));
  }
  return out;
}

describe.each(ENGINES)('AWS cost categories on %s', (engine) => {
  let fx: BillingFixture;
  let store: Store;
  let costs: CostService;
  let range: { from: string; to: string };

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    store = fx.store;
    costs = createCostService({ store, clock: clockAt(sim), log: silentLog });
    const days = sim.truth.exports['small-legacy'].daily.map((r) => r.day).sort();
    range = { from: days[0], to: days.at(-1) ?? days[0] };
  });
  afterAll(() => closeBillingFixture(fx));

  it('the truth has categorized and uncategorized spend', () => {
    const t = truth('small-cur2', 'CostCenter', 'billed');
    const values = new Set([...t.keys()].map((k) => k.split('|')[1]));
    expect([...values].sort()).toEqual(['product', 'rnd']);
    const period = Object.keys(sim.truth.exports['small-cur2'].periods).at(-1) ?? '';
    const categorized = [...t.entries()].filter(([k]) => k.startsWith(period)).reduce((s, [, v]) => s + v, 0);
    expect(categorized).toBeLessThan(
      Math.round(sim.truth.exports['small-cur2'].periods[period].billed * 100),
    );
  });

  it.each(['small-cur2', 'small-parquet', 'small-legacy'])(
    '%s: each period and value equals the truth on every basis',
    async (name) => {
      const orgId = `org-${name}`;
      const result = await fx.billing.syncExport({
        orgId,
        cloudAccountId: `ca-${name}`,
        awsAccountId: sim.world.payerAccountId,
        export: exportLocation(sim, name),
        edp: true,
        memberImport: 'all',
        connectedAccountIds: [sim.world.payerAccountId],
        s3,
      });
      expect(result.periods.every((p) => p.status === 'loaded')).toBe(true);
      for (const [basis, truthBasis] of BASES) {
        expect(Object.fromEntries(await stored(costs, orgId, 'CostCenter', basis, range)), basis).toEqual(
          Object.fromEntries(truth(name, 'CostCenter', truthBasis)),
        );
      }
      // The filter form, and the lookup of names and values.
      const product = await costs.queryText(orgId, {
        ...range,
        granularity: 'month',
        filter: ['costCategory:CostCenter=product'],
      });
      const want = [...truth(name, 'CostCenter', 'billed').entries()]
        .filter(([k]) => k.endsWith('|product'))
        .reduce((s, [, v]) => s + v, 0);
      expect(Math.round(product.total * 100)).toBe(want);
      const names = await costs.dimensionValues(orgId, parseLookupDimension('costCategories'), range);
      expect(names.values.map((v) => v.value)).toEqual(['CostCenter']);
      const values = await costs.dimensionValues(
        orgId,
        parseLookupDimension('costCategory:CostCenter'),
        range,
      );
      expect(values.values.map((v) => v.value).sort((a, b) => (a ?? '').localeCompare(b ?? ''))).toEqual([
        null,
        'product',
        'rnd',
      ]);
    },
  );

  it('Cost Explorer: each period and value equals the truth, in a bounded number of requests', async () => {
    const calls = () => sim.calls();
    const before = calls();
    const result = await fx.billing.syncCostExplorer({ orgId: 'org-ce', cloudAccountId: 'ca-ce', ce });
    const after = calls();
    const delta = (op: string) => (after[op] ?? 0) - (before[op] ?? 0);
    expect(result.requests).toBe(delta('ce:GetCostAndUsage') + delta('ce:ListCostCategoryDefinitions'));
    // One ListCostCategoryDefinitions, and per category one daily series grouped by value and account: the
    // simulator pages 100 days, so 13 months take 4 pages.
    expect(delta('ce:ListCostCategoryDefinitions')).toBe(1);
    expect(result.categoryRequests).toBe(1 + 4);
    // Cost Explorer reports EDP discounts as line items, as the legacy export does.
    for (const [basis, truthBasis] of BASES) {
      expect(Object.fromEntries(await stored(costs, 'org-ce', 'CostCenter', basis, range)), basis).toEqual(
        Object.fromEntries(truth('small-legacy', 'CostCenter', truthBasis)),
      );
    }
  });
});
