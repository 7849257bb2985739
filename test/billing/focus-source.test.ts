/**
 * The FOCUS source against the simulator's S3 (official S3 client, custom endpoint, path style): generated FOCUS
 * exports with the quirks real ones have (several providers and currencies in one file, `NULL` text,
 * space-separated timestamps, JSON tags, `x_` columns), as gzip CSV and as Parquet, load on both engines with
 * totals per provider, account, service and day equal to the truth to the cent; a reload changes nothing; a CUR
 * pointed at as FOCUS is recognized and explained.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { generateFocusExport, type FocusExport } from '../../sim/gen/focus-export.js';
import { createBillingService, type BillingService } from '../../src/billing/billing-service.js';
import { focusSource, type SyncFocusInput } from '../../src/providers/focus/focus-source.js';
import { s3ObjectStore } from '../../src/providers/object-store/s3-object-store.js';
import { createCostService } from '../../src/costs/cost-service.js';
import { silentLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../helpers/stores.js';
import { clockAt, openBillingFixture, s3Client, type BillingFixture } from './harness.js';

const ORG = 'org_focus';
const BUCKET = 'small-cur';

let sim: Simulator;
const exports: Partial<Record<'csv' | 'parquet', FocusExport>> = {};

beforeAll(async () => {
  sim = await startSimulator('small');
  for (const format of ['csv', 'parquet'] as const) {
    exports[format] = await generateFocusExport({
      from: '2025-01',
      months: 2,
      seed: 21,
      format,
      dir: path.join(sim.dataDir, 'buckets', BUCKET, `focus-${format}`, 'data'),
    });
  }
}, 120_000);
afterAll(async () => {
  await sim?.close();
});

async function totals(store: Store, cloudAccountId: string): Promise<Map<string, number>> {
  const rows = await store.query<{ k: string; b: string; e: string }>(
    `SELECT provider || '|' || sub_account_id || '|' || service_name || '|' || CAST(usage_date AS VARCHAR) || '|' || billing_currency AS k,
       CAST(sum(billed_cost) AS VARCHAR) AS b, CAST(sum(effective_cost) AS VARCHAR) AS e
     FROM cost_line_items WHERE cloud_account_id = $1 GROUP BY 1`,
    [cloudAccountId],
  );
  // The sums are exact (four decimals): to units of 1/10,000, then to the cent as the truth rounds.
  const cents = (v: string) => Math.round(Math.round(Number(v) * 10_000) / 100) / 100;
  const out = new Map<string, number>();
  for (const r of rows) {
    out.set(`${r.k}|billed`, cents(r.b));
    out.set(`${r.k}|effective`, cents(r.e));
  }
  return out;
}

function truthOf(exp: FocusExport): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of exp.truth) {
    const k = `${t.provider}|${t.account}|${t.service}|${t.day}|${t.currency}`;
    out.set(`${k}|billed`, t.billed);
    out.set(`${k}|effective`, t.effective);
  }
  return out;
}

describe.each(ENGINES)('FOCUS source on %s', (engine) => {
  let fx: BillingFixture;
  let billing: BillingService;
  const input = (format: string, cloudAccountId: string): SyncFocusInput => ({
    orgId: ORG,
    cloudAccountId,
    location: { endpoint: sim.url, bucket: BUCKET, prefix: `focus-${format}` },
    objects: s3ObjectStore(s3Client(sim), BUCKET, sim.url),
  });

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    billing = createBillingService({ store: fx.store, clock: clockAt(sim), tmpDir: fx.dir });
  });
  afterAll(async () => {
    await fx?.store.close();
    await fx?.db.destroy();
  });

  for (const format of ['csv', 'parquet'] as const) {
    it(`${format}: totals per provider, account, service and day equal the truth to the cent; a reload changes nothing`, async () => {
      const exp = exports[format]!;
      const id = `ca_focus_${format}`;
      const first = await billing.syncSource(focusSource, input(format, id));
      expect(first.diagnostic).toBeUndefined();
      expect(first.periods.map((p) => [p.period, p.status])).toEqual([
        ['2025-01', 'loaded'],
        ['2025-02', 'loaded'],
      ]);
      expect(first.periods.reduce((s, p) => s + p.rows, 0)).toBe(exp.rows);
      const got = await totals(fx.store, id);
      const want = truthOf(exp);
      expect([...got.entries()].filter(([k, v]) => want.get(k) !== v)).toEqual([]);
      expect(got.size).toBe(want.size);
      // Providers and currencies stay apart; x_ columns are kept as JSON; NULL text is NULL.
      const [kinds] = await fx.store.query<{ p: unknown; c: unknown; x: unknown; nul: unknown }>(
        `SELECT count(DISTINCT provider) AS p, count(DISTINCT billing_currency) AS c,
           count(*) FILTER (WHERE x_provider_columns LIKE '%x_Discounts%') AS x,
           count(*) FILTER (WHERE sub_account_name = 'NULL' OR region_id = 'NULL' OR tags = 'NULL') AS nul
         FROM cost_line_items WHERE cloud_account_id = $1`,
        [id],
      );
      expect([Number(kinds.p), Number(kinds.c), Number(kinds.x), Number(kinds.nul)]).toEqual([
        3,
        3,
        exp.rows,
        0,
      ]);
      const again = await billing.syncSource(focusSource, input(format, id));
      expect(again.periods.every((p) => p.status === 'skipped')).toBe(true);
      const forced = await billing.syncSource(focusSource, { ...input(format, id), force: true });
      expect(forced.periods.every((p) => p.status === 'loaded')).toBe(true);
      expect(await totals(fx.store, id)).toEqual(got);
      const [daily] = await fx.store.query<{ n: unknown }>(
        `SELECT sum(row_count) AS n FROM cost_daily WHERE cloud_account_id = $1`,
        [id],
      );
      expect(Number(daily.n)).toBe(exp.rows);
    }, 120_000);
  }

  it('groups and filters costs by provider, one currency per answer (the others reported apart, never added)', async () => {
    const costs = createCostService({ store: fx.store, clock: clockAt(sim), log: silentLog });
    const exp = exports.csv!;
    const sum = (provider: string) =>
      Math.round(exp.truth.filter((t) => t.provider === provider).reduce((s, t) => s + t.billed * 100, 0)) /
      100;
    const q = { from: '2025-01-01', to: '2025-02-28', granularity: 'month', basis: 'billed' } as const;
    const usd = await costs.queryText(ORG, { ...q, groupBy: 'provider', filter: ['provider=aws'] });
    expect(usd.currency).toBe('USD');
    expect(usd.groups.map((g) => g.key.provider)).toEqual(['aws']);
    // Two accounts hold the same export (CSV and Parquet); the truth is rounded per day, the total is exact.
    expect(Math.abs(usd.total - sum('aws') * 2)).toBeLessThanOrEqual(exp.truth.length * 0.01);
    const eur = await costs.queryText(ORG, { ...q, groupBy: 'provider', currency: 'EUR' });
    expect(eur.groups.map((g) => g.key.provider)).toEqual(['azure']);
    expect(eur.otherCurrencies.map((o) => o.currency).sort()).toEqual(['JPY', 'USD']);
  }, 120_000);

  it('explains a CUR pointed at as FOCUS (focus_export_is_cur)', async () => {
    const r = await billing.syncSource(focusSource, {
      ...input('csv', 'ca_focus_cur'),
      location: { endpoint: sim.url, bucket: BUCKET, prefix: 'cur2' },
    });
    expect(r.periods).toEqual([]);
    expect(r.diagnostic?.code).toBe('focus_export_is_cur');
    expect(r.diagnostic?.remediation).toMatch(/AWS account/);
  }, 120_000);
});
