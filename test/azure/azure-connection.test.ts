/**
 * Azure connected end to end through the REST API, on both engines: the simulator's Entra ID signs the service
 * principal in (the official @azure/identity client), Azurite (the real storage emulator, started here) holds three
 * Cost Management exports written by the generator — FOCUS as gzip CSV (overwrite), actual cost as Parquet and
 * amortized cost as gzip CSV (both new-file, so an older run of each period stays beside the newest) — in EUR with
 * a reservation. Each connection is validated step by step and synced; the line items' totals per provider,
 * subscription, service and day equal the generator's truth to the cent, a second sync loads nothing again, and bad
 * connections are refused or reported with the fix.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  azureSmallScenario,
  generateAzureExports,
  startAzureSimulator,
  type AzureExportSpec,
  type AzureSimulator,
  type GeneratedAzureExports,
} from '../../sim/azure/index.js';
import { blobServiceClient } from '../../src/providers/azure/sdk/http-client.js';
import { startAzurite, TEST_TLS, type Azurite } from '../helpers/azurite.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';

const SP = {
  tenantId: 'aaaaaaaa-0000-4000-8000-00000000000a',
  clientId: 'bbbbbbbb-0000-4000-8000-00000000000b',
  clientSecret: 'azureSimSecret~0123456789',
};
const CONTAINER = 'billing';
/** One connection per scope (a second export of the same scope would count the bill twice): a scope each. */
const SCOPES: Record<string, Record<string, string>> = {
  'focus-daily': { scopeType: 'billingAccount', scopeId: azureSmallScenario().billingAccountId },
  'actual-daily': { scopeType: 'managementGroup', scopeId: 'contoso-root' },
  'amortized-daily': { scopeType: 'subscription', scopeId: '11111111-aaaa-4aaa-8aaa-000000000001' },
};
const SPECS: AzureExportSpec[] = [
  {
    name: 'focus-daily',
    dataset: 'focus',
    format: 'csv',
    mode: 'overwrite',
    directory: 'costs',
    rowsPerFile: 200,
  },
  { name: 'actual-daily', dataset: 'actual', format: 'parquet', mode: 'new-file', directory: 'costs' },
  { name: 'amortized-daily', dataset: 'amortized', format: 'csv', mode: 'new-file', directory: 'costs' },
];

interface ApiAnswer {
  status: number;
  body: Record<string, unknown> & {
    error?: {
      field?: string;
      message: string;
      diagnostics?: { code: string; step?: string; remediation: string }[];
    };
  };
}
type Step = { step: string; state: string; code: string; remediation?: string };
const stepsOf = (b: Record<string, unknown>) =>
  Object.fromEntries(((b.validation as { steps: Step[] } | null)?.steps ?? []).map((s) => [s.step, s]));
/** One rounding to the cent, as the truth rounds its sums (rounding to 4 places first moved x.xx49996 up). */
const cents = (v: string | number) => Math.round(Number(v) * 100) / 100;

describe.each(ENGINES)('Azure connection and cost exports on %s', (engine) => {
  let azurite: Azurite;
  let sim: AzureSimulator;
  let t: TestServer;
  let dir: string;
  let gen: GeneratedAzureExports;
  const bodies: string[] = [];

  const api = async (p: string, init: { method?: string; body?: unknown } = {}): Promise<ApiAnswer> => {
    const res = await t.request(p, { ...init, token: t.users.manager.token });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, body: text ? (JSON.parse(text) as ApiAnswer['body']) : {} };
  };
  const body = (extra: Record<string, unknown> = {}) => ({
    provider: 'azure',
    name: 'Contoso EUR',
    scopeType: 'managementGroup',
    scopeId: 'contoso-checks',
    ...SP,
    blobEndpoint: azurite.blobUrl,
    container: CONTAINER,
    directory: 'costs',
    exportName: 'focus-daily',
    authorityHost: sim.url,
    ...extra,
  });

  beforeAll(async () => {
    [azurite, sim] = await Promise.all([
      startAzurite(),
      startAzureSimulator({ tls: { cert: TEST_TLS.cert, key: TEST_TLS.key }, principals: [SP] }),
    ]);
    dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-azure-conn-'));
    gen = await generateAzureExports(azureSmallScenario(), SPECS, { now: new Date(), dataDir: dir });
    const writer = blobServiceClient(
      azurite.blobUrl,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
      { extraCaPem: azurite.caPem },
    ).getContainerClient(CONTAINER);
    await writer.create();
    for (const [name, local] of gen.blobs)
      await writer.getBlockBlobClient(name).uploadData(readFileSync(local));
    t = await startTestServer({ engine, config: { azureCaFile: TEST_TLS.certFile } });
    await t.ctx.sync.start({ worker: true, scheduler: false });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([azurite?.close(), sim?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function settled(): Promise<void> {
    const busy = async () => {
      const [row] = await t.ctx.store.query<{ n: number | bigint }>(
        `SELECT COUNT(*) AS n FROM sync_runs WHERE state IN ('queued', 'running')`,
      );
      return Number(row.n);
    };
    await expect.poll(busy, { timeout: 90_000, interval: 200 }).toBe(0);
  }

  /** Stored totals per provider, subscription, service, day and currency, in cents, against the export's truth. */
  async function compare(id: string, spec: AzureExportSpec): Promise<void> {
    const rows = await t.ctx.store.query<{ k: string; b: string; e: string; n: number | bigint }>(
      `SELECT provider || '|' || sub_account_id || '|' || service_name || '|' || CAST(usage_date AS VARCHAR) || '|' || billing_currency AS k,
         CAST(sum(billed_cost) AS VARCHAR) AS b, CAST(sum(effective_cost) AS VARCHAR) AS e, COUNT(*) AS n
       FROM cost_line_items WHERE cloud_account_id = $1 GROUP BY 1`,
      [id],
    );
    const truth = gen.truth[spec.name];
    const got = new Map<string, number>();
    for (const r of rows) {
      if (truth.dataset !== 'amortized') got.set(`${r.k}|billed`, cents(r.b));
      if (truth.dataset !== 'actual') got.set(`${r.k}|amortized`, cents(r.e));
    }
    const want = new Map<string, number>();
    for (const d of truth.daily) {
      const k = `azure|${d.subscriptionId}|${d.serviceName}|${d.day}|${d.currency}`;
      if (d.billed !== undefined) want.set(`${k}|billed`, d.billed);
      if (d.amortized !== undefined) want.set(`${k}|amortized`, d.amortized);
    }
    expect([...want.entries()].filter(([k, v]) => got.get(k) !== v)).toEqual([]);
    expect(got.size).toBe(want.size);
    // Exactly the newest run's blobs of each period: an older run read too would add its rows.
    const stored = rows.reduce((s, r) => s + Number(r.n), 0);
    expect(stored).toBe(Object.values(truth.periods).reduce((s, p) => s + p.rows, 0));
  }

  it.each(SPECS.map((s) => [s.name, s] as const))(
    '%s: connects, validates each step, loads and totals per subscription, service and day to the cent',
    async (name, spec) => {
      const res = await api('/api/v1/cloud-accounts', {
        method: 'POST',
        body: body({ name, exportName: name, ...SCOPES[name] }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        provider: 'azure',
        type: 'cost_export',
        container: CONTAINER,
        exportName: name,
      });
      const steps = stepsOf(res.body);
      expect(
        Object.fromEntries(Object.entries(steps).map(([k, s]) => [k, s.state])),
        JSON.stringify(steps),
      ).toEqual({
        credentials: 'pass',
        container: 'pass',
        export: 'pass',
        manifest: 'pass',
      });
      const id = res.body.id as string;
      await settled();
      const acc = await api(`/api/v1/cloud-accounts/${id}`);
      expect((acc.body.status as { state: string }).state, JSON.stringify(acc.body.status)).toBe('healthy');
      await compare(id, spec);

      // A second sync finds the same runs and loads nothing again; a forced one replaces them with the same rows.
      const again = await api(`/api/v1/cloud-accounts/${id}/sync`, { method: 'POST' });
      expect(again.status).toBe(202);
      await settled();
      const run = await api(`/api/v1/sync-runs/${again.body.id as string}`);
      const billing = (run.body.stages as { name: string; counts: Record<string, number> }[]).find(
        (s) => s.name === 'billing',
      );
      expect(billing?.counts).toMatchObject({ periodsLoaded: 0, periodsUnchanged: 2 });
      await compare(id, spec);
    },
    180_000,
  );

  it('keeps EUR apart: the cost API answers the truth in EUR, and nothing of it in USD', async () => {
    const truth = gen.truth['focus-daily'];
    const months = Object.keys(truth.periods).sort();
    const to = truth.daily.reduce((m, d) => (d.day > m ? d.day : m), '');
    const q = (currency: string) =>
      `/api/v1/costs?from=${months[0]}-01&to=${to}&granularity=month&groupBy=provider&basis=billed&currency=${currency}&filter=provider=azure`;
    const eur = await api(q('EUR'));
    expect(eur.status, JSON.stringify(eur.body)).toBe(200);
    expect(eur.body.currency).toBe('EUR');
    // Three Azure accounts are connected; the billed basis of the amortized export counts its amortized figures.
    const billed = (n: string) =>
      Object.values(gen.truth[n].periods).reduce((s, p) => s + (p.billed ?? p.amortized ?? 0), 0);
    const total = billed('focus-daily') + billed('actual-daily') + billed('amortized-daily');
    expect(Math.abs((eur.body.total as number) - total)).toBeLessThan(0.05);
    const usd = await api(q('USD'));
    expect(usd.status).toBe(200);
    expect(usd.body.total ?? 0).toBe(0);
  });

  it('refuses a wrong secret and an unknown tenant with the fix, and saves nothing', async () => {
    const before = ((await api('/api/v1/cloud-accounts')).body.items as unknown[]).length;
    const wrong = await api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: body({ name: 'Wrong secret', clientSecret: 'not-the-secret-0000' }),
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error?.diagnostics?.[0]).toMatchObject({
      code: 'azure_secret_invalid',
      step: 'credentials',
    });
    expect(wrong.body.error?.diagnostics?.[0].remediation).toMatch(/clientSecret/);
    const tenant = await api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: body({ name: 'Other tenant', tenantId: 'cccccccc-0000-4000-8000-00000000000c' }),
    });
    expect(tenant.status).toBe(422);
    expect(tenant.body.error?.diagnostics?.[0]).toMatchObject({ code: 'azure_tenant_not_found' });
    expect(((await api('/api/v1/cloud-accounts')).body.items as unknown[]).length).toBe(before);
  });

  it('reports a missing container and an export with no run, each with its fix', async () => {
    const noContainer = await api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: body({ name: 'No container', container: 'elsewhere', scopeId: 'mg-no-container' }),
    });
    expect(noContainer.status).toBe(201);
    expect(stepsOf(noContainer.body).container).toMatchObject({
      state: 'fail',
      code: 'azure_container_not_found',
    });
    expect(stepsOf(noContainer.body).export.state).toBe('skipped');
    const noRun = await api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: body({ name: 'No run', exportName: 'never-ran', scopeId: 'mg-no-run' }),
    });
    expect(noRun.status).toBe(201);
    expect(stepsOf(noRun.body).export).toMatchObject({ state: 'fail', code: 'azure_export_not_delivered' });
    expect(stepsOf(noRun.body).export.remediation).toMatch(/Run now/);
    const mismatch = await api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: body({ name: 'Mismatch', exportName: 'actual-daily', dataset: 'focus', scopeId: 'mg-mismatch' }),
    });
    expect(stepsOf(mismatch.body).manifest).toMatchObject({
      state: 'fail',
      code: 'azure_export_type_mismatch',
    });
    await settled();
  }, 120_000);

  it('names the field of bad input', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ tenantId: 'contoso.onmicrosoft' }, 'tenantId'],
      [{ scopeType: 'subscription', scopeId: 'prod' }, 'scopeId'],
      [{ container: 'Billing_Exports' }, 'container'],
      [{ blobEndpoint: 'http://insecure.example' }, 'blobEndpoint'],
    ];
    for (const [extra, field] of cases) {
      const res = await api('/api/v1/cloud-accounts', { method: 'POST', body: body(extra) });
      expect(res.status, field).toBe(400);
      expect(res.body.error?.field).toBe(field);
    }
    const none = await api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: { ...body(), blobEndpoint: undefined },
    });
    expect(none.body.error?.field).toBe('storageAccount');
  });

  it('never answers the client secret', () => {
    for (const b of bodies) expect(b).not.toContain(SP.clientSecret);
    expect(t.logs()).not.toContain(SP.clientSecret);
  });
});
