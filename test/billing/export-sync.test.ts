import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { ConnectionError } from '../../src/lib/errors.js';
import { startSimulator, type Simulator } from '../../sim/index.js';
import {
  createAwsBillingService,
  type AwsBillingService,
} from '../../src/providers/aws/billing/aws-billing.js';
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
  type Basis,
  type BillingFixture,
} from './harness.js';

const BASES: Basis[] = ['billed', 'net', 'amortized', 'netAmortized'];

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

/** Everything stored for one cloud account, as a comparable fingerprint. */
async function fingerprint(store: Store, cloudAccountId: string) {
  const [items] = await store.query(
    `SELECT count(*) AS n, sum(billed_cost) AS b, sum(x_net_billed_cost) AS nb, sum(effective_cost) AS e,
       sum(x_net_effective_cost) AS ne, count(DISTINCT tags) AS t
     FROM cost_line_items WHERE cloud_account_id = $1`,
    [cloudAccountId],
  );
  const [daily] = await store.query(
    `SELECT count(*) AS n, sum(billed_cost) AS b, sum(row_count) AS r FROM cost_daily WHERE cloud_account_id = $1`,
    [cloudAccountId],
  );
  const periods = await store.query(
    `SELECT CAST(billing_period AS VARCHAR) AS p, manifest_identity, row_count, totals, state
     FROM billing_periods WHERE cloud_account_id = $1 ORDER BY billing_period`,
    [cloudAccountId],
  );
  return { items, daily, periods };
}

describe.each(ENGINES)('billing export sync on %s', (engine) => {
  let fx: BillingFixture;
  let store: Store;
  let billing: AwsBillingService;

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    ({ store, billing } = fx);
  });
  afterAll(() => closeBillingFixture(fx));

  const sync = (
    name: string,
    cloudAccountId: string,
    extra: Partial<Parameters<AwsBillingService['syncExport']>[0]> = {},
  ) =>
    billing.syncExport({
      orgId: 'org-1',
      cloudAccountId,
      awsAccountId: sim.world.payerAccountId,
      export: exportLocation(sim, name),
      edp: true,
      memberImport: 'all',
      connectedAccountIds: [sim.world.payerAccountId],
      s3,
      ...extra,
    });

  it.each(['small-cur2', 'small-parquet', 'small-legacy'])(
    '%s: totals per account, service and day equal the truth to the cent on every basis',
    async (name) => {
      const progress: number[] = [];
      const result = await sync(name, `ca-${name}`, { onProgress: (p) => progress.push(p.bytes) });
      const truth = sim.truth.exports[name];
      expect(result.periods.map((p) => [p.period, p.status])).toEqual(
        Object.keys(truth.periods)
          .sort()
          .map((p) => [p, 'loaded']),
      );
      for (const p of result.periods) expect(p.rows).toBe(truth.periods[p.period].rows);
      expect(result.newestUsageDate).toBe(truth.daily.at(-1)?.day);
      expect(progress.at(-1)).toBeGreaterThan(0);
      for (const basis of BASES) {
        const want = truthDaily(truth, basis);
        expect(differences(await storedDaily(store, `ca-${name}`, basis), want), basis).toEqual([]);
        expect(differences(await storedDaily(store, `ca-${name}`, basis, 'cost_daily'), want), basis).toEqual(
          [],
        );
      }
      expect(readdirSync(fx.dir)).toEqual([]);
    },
  );

  it('a second sync of unchanged manifests skips every period and changes nothing', async () => {
    const before = await fingerprint(store, 'ca-small-cur2');
    const again = await sync('small-cur2', 'ca-small-cur2');
    expect(again.periods.every((p) => p.status === 'skipped')).toBe(true);
    expect(await fingerprint(store, 'ca-small-cur2')).toEqual(before);
    const forced = await sync('small-cur2', 'ca-small-cur2', { force: true });
    expect(forced.periods.every((p) => p.status === 'loaded')).toBe(true);
    const after = await fingerprint(store, 'ca-small-cur2');
    expect({ ...after, periods: after.periods.map((p) => ({ ...p })) }).toEqual(before);
  });

  it('keeps only connected member accounts and records the others on the period', async () => {
    const payer = sim.world.payerAccountId;
    const connected = [payer, '222222222222'];
    const result = await sync('small-cur2', 'ca-members', {
      memberImport: 'connected-only',
      connectedAccountIds: connected,
    });
    expect(result.periods.every((p) => p.status === 'loaded')).toBe(true);
    const accounts = await store.query<{ a: string }>(
      `SELECT DISTINCT sub_account_id AS a FROM cost_line_items WHERE cloud_account_id = 'ca-members' ORDER BY a`,
    );
    expect(accounts.map((r) => r.a)).toEqual(connected.sort());
    const truth = sim.truth.exports['small-cur2'];
    const rows = await store.query<{ p: string; not_imported: string }>(
      `SELECT CAST(billing_period AS VARCHAR) AS p, not_imported FROM billing_periods WHERE cloud_account_id = 'ca-members' ORDER BY p`,
    );
    for (const r of rows) {
      const ni = JSON.parse(r.not_imported) as {
        accounts: { id: string; rows: number; billed: number }[];
        rows: number;
        billed: number;
      };
      const days = truth.daily.filter(
        (d) => d.accountId === '333333333333' && d.day.startsWith(r.p.slice(0, 7)),
      );
      const want = days.reduce((s, d) => s + Math.round(d.billed * 100), 0);
      expect(ni.accounts.map((a) => a.id)).toEqual(['333333333333']);
      // The truth rounds each day to the cent; the period's exact total may differ by half a cent a day.
      expect(Math.abs(Math.round(ni.billed * 100) - want)).toBeLessThanOrEqual(Math.ceil(days.length / 2));
      expect(ni.rows).toBeGreaterThan(0);
    }
    for (const basis of BASES) {
      expect(
        differences(await storedDaily(store, 'ca-members', basis), truthDaily(truth, basis, connected)),
      ).toEqual([]);
    }
    // Connecting an account that is not in this export reloads nothing.
    const unrelated = await sync('small-cur2', 'ca-members', {
      memberImport: 'connected-only',
      connectedAccountIds: [...connected, '999999999999'],
    });
    expect(unrelated.periods.every((p) => p.status === 'skipped')).toBe(true);
    // Connecting the third account reloads the retained periods with its rows.
    const all = await sync('small-cur2', 'ca-members', {
      memberImport: 'connected-only',
      connectedAccountIds: [...connected, '333333333333'],
    });
    expect(all.periods.every((p) => p.status === 'loaded')).toBe(true);
    expect(differences(await storedDaily(store, 'ca-members', 'net'), truthDaily(truth, 'net'))).toEqual([]);
  });

  it('drops periods older than the retention setting', async () => {
    await sync('small-legacy', 'ca-retention');
    const result = await sync('small-legacy', 'ca-retention', { retentionMonths: 1 });
    expect(result.periods.map((p) => p.period)).toEqual(['2025-03']);
    const periods = await store.query<{ p: string }>(
      `SELECT DISTINCT CAST(billing_period AS VARCHAR) AS p FROM cost_line_items WHERE cloud_account_id = 'ca-retention'
       UNION SELECT DISTINCT CAST(billing_period AS VARCHAR) FROM cost_daily WHERE cloud_account_id = 'ca-retention'
       UNION SELECT DISTINCT CAST(billing_period AS VARCHAR) FROM billing_periods WHERE cloud_account_id = 'ca-retention'`,
    );
    expect(periods.map((r) => String(r.p).slice(0, 10))).toEqual(['2025-03-01']);
    expect(result.outsideRetention).toEqual(['2025-02']);
    expect(result.diagnostic).toBeUndefined();
  });

  it('says so when every period of the export is older than the retention window, instead of loading $0 quietly', async () => {
    // Two years after the export's newest period: a legacy CUR that AWS stopped delivering long ago.
    const later = createAwsBillingService({
      store,
      clock: { now: () => new Date('2027-06-15T00:00:00Z') },
      tmpDir: fx.dir,
    });
    const result = await later.syncExport({
      orgId: 'org-1',
      cloudAccountId: 'ca-too-old',
      awsAccountId: sim.world.payerAccountId,
      export: exportLocation(sim, 'small-legacy'),
      edp: true,
      memberImport: 'all',
      connectedAccountIds: [sim.world.payerAccountId],
      s3,
    });
    expect(result.periods).toEqual([]);
    expect(result.outsideRetention).toEqual(['2025-02', '2025-03']);
    expect(result.diagnostic).toMatchObject({
      code: 'billing_periods_outside_retention',
      message: expect.stringContaining('2025-02 to 2025-03') as string,
      remediation: expect.stringContaining('CLOUDTALLY_RETENTION_MONTHS') as string,
    });
    expect(result.diagnostic?.message).toContain('13 months kept (from 2026-06)');
  });

  it('two syncs of the same period at once load it once', async () => {
    const [a, b] = await Promise.all([sync('small-legacy', 'ca-twice'), sync('small-legacy', 'ca-twice')]);
    const statuses = [...a.periods, ...b.periods].map((p) => `${p.period}:${p.status}`).sort();
    expect(statuses).toEqual(['2025-02:loaded', '2025-02:skipped', '2025-03:loaded', '2025-03:skipped']);
    expect(
      differences(
        await storedDaily(store, 'ca-twice', 'billed'),
        truthDaily(sim.truth.exports['small-legacy'], 'billed'),
      ),
    ).toEqual([]);
  });

  it('says so when the export holds no period yet, and reports S3 access problems', async () => {
    const none = await sync('small-cur2', 'ca-none', {
      export: { ...exportLocation(sim, 'small-cur2'), name: 'not-delivered-yet' },
    });
    expect(none.periods).toEqual([]);
    expect(none.diagnostic?.code).toBe('billing_manifest_missing');
    const host = new S3Client({
      endpoint: sim.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: sim.hostCredentials,
    });
    try {
      const err = await sync('small-cur2', 'ca-denied', { s3: host }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).diagnostic.code).toBe('billing_access_denied');
    } finally {
      host.destroy();
    }
  });

  it('a cancelled sync keeps the previous data', async () => {
    const before = await fingerprint(store, 'ca-small-legacy');
    const early = new AbortController();
    early.abort();
    await expect(sync('small-legacy', 'ca-small-legacy', { signal: early.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const controller = new AbortController();
    const r = await sync('small-legacy', 'ca-small-legacy', {
      signal: controller.signal,
      force: true,
      onProgress: () => controller.abort(),
    });
    expect(r.periods.map((p) => p.diagnostic?.code)).toEqual(['billing_aborted', 'billing_aborted']);
    const after = await fingerprint(store, 'ca-small-legacy');
    expect(after.items).toEqual(before.items);
    expect(after.daily).toEqual(before.daily);
  });

  it('deleteAccountData removes the account and nothing else', async () => {
    const other = await fingerprint(store, 'ca-small-parquet');
    await store.transaction((tx) => billing.deleteAccountData(tx, 'org-1', 'ca-twice'));
    const left = await fingerprint(store, 'ca-twice');
    expect(Number(left.items.n)).toBe(0);
    expect(Number(left.daily.n)).toBe(0);
    expect(left.periods).toEqual([]);
    expect(await fingerprint(store, 'ca-small-parquet')).toEqual(other);
  });
});
