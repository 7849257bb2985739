import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { loadScenario, startSimulator, type Simulator } from '../../sim/index.js';
import type { AwsBillingService } from '../../src/providers/aws/billing/aws-billing.js';
import { LINE_ITEM_COLUMNS } from '../../src/providers/aws/billing/focus-mapping.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../helpers/stores.js';
import {
  closeBillingFixture,
  differences,
  exportLocation,
  openBillingFixture,
  s3Client,
  storedDaily,
  truthDaily,
  type BillingFixture,
} from './harness.js';

/** The same line items written as CUR 2.0 Parquet, CUR 2.0 gzip CSV and legacy gzip CSV. */
const FORMATS = ['eq-cur2-parquet', 'eq-cur2-csv', 'eq-legacy'] as const;

let sim: Simulator;
let s3: S3Client;

beforeAll(async () => {
  const base = loadScenario('small');
  const common = {
    bucket: 'small-cur',
    payerAccountId: base.organization.payerAccountId,
    granularity: 'daily' as const,
    resourceIds: true,
    mode: 'overwrite' as const,
    discounts: 'separate' as const,
    staleRefreshes: 1,
  };
  sim = await startSimulator(
    loadScenario({
      ...base,
      exports: [
        { ...common, name: 'eq-cur2-parquet', type: 'cur2', format: 'parquet', prefix: 'eq' },
        { ...common, name: 'eq-cur2-csv', type: 'cur2', format: 'csv', prefix: 'eq' },
        { ...common, name: 'eq-legacy', type: 'legacy', format: 'csv', prefix: 'eq' },
      ],
    }),
  );
  s3 = s3Client(sim);
}, 120_000);
afterAll(async () => {
  s3?.destroy();
  await sim?.close();
});

// Legacy CUR has no account-name column; every other column must agree.
const COMPARED = LINE_ITEM_COLUMNS.filter((c) => c !== 'cloud_account_id' && c !== 'sub_account_name');

describe.each(ENGINES)('the three export formats on %s', (engine) => {
  let fx: BillingFixture;
  let store: Store;
  let billing: AwsBillingService;

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    ({ store, billing } = fx);
    for (const name of FORMATS) {
      const r = await billing.syncExport({
        orgId: 'org-1',
        cloudAccountId: name,
        awsAccountId: sim.world.payerAccountId,
        export: exportLocation(sim, name),
        edp: true,
        memberImport: 'all',
        connectedAccountIds: [],
        s3,
      });
      expect(r.periods.every((p) => p.status === 'loaded')).toBe(true);
    }
  });
  afterAll(() => closeBillingFixture(fx));

  async function rows(cloudAccountId: string): Promise<string[]> {
    const cols = COMPARED.map((c) =>
      ['charge_period_start', 'charge_period_end', 'usage_date', 'billing_period'].includes(c)
        ? `CAST(${c} AS VARCHAR) AS ${c}`
        : c,
    );
    const out = await store.query(
      `SELECT ${cols.join(', ')} FROM cost_line_items WHERE cloud_account_id = $1`,
      [cloudAccountId],
    );
    return out.map((r) => JSON.stringify(r)).sort();
  }

  it('give identical rows', async () => {
    const parquet = await rows('eq-cur2-parquet');
    expect(parquet.length).toBeGreaterThan(100);
    expect(parquet.some((r) => r.includes('"tags":"{'))).toBe(true);
    expect(await rows('eq-cur2-csv')).toEqual(parquet);
    expect(await rows('eq-legacy')).toEqual(parquet);
  });

  it('match the truth to the cent', async () => {
    for (const name of FORMATS) {
      for (const basis of ['billed', 'net', 'amortized', 'netAmortized'] as const) {
        expect(
          differences(await storedDaily(store, name, basis), truthDaily(sim.truth.exports[name], basis)),
        ).toEqual([]);
      }
    }
  });
});
