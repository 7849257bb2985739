import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { ClientSecretCredential } from '@azure/identity';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { azureHttpClient, blobServiceClient } from '../../src/providers/azure/sdk/http-client.js';
import {
  azureSmallScenario,
  generateAzureExports,
  startAzureSimulator,
  type AzureExportSpec,
  type AzureSimulator,
  type GeneratedAzureExports,
} from '../../sim/azure/index.js';
import { startAzurite, TEST_TLS, type Azurite } from '../helpers/azurite.js';

const NOW = new Date('2025-06-10T08:00:00Z');
const SP = {
  tenantId: 'aaaaaaaa-0000-4000-8000-00000000000a',
  clientId: 'cloudtally-reader',
  clientSecret: 's3cret~value',
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

interface Manifest {
  runInfo: { submittedTime: string; runId: string };
  blobs: { blobName: string; dataRowCount: number }[];
}

describe('Azure cost exports: generated, delivered into Azurite, read back by a service principal', () => {
  let azurite: Azurite;
  let sim: AzureSimulator;
  let dir: string;
  let gen: GeneratedAzureExports;

  beforeAll(async () => {
    [azurite, sim] = await Promise.all([
      startAzurite(),
      startAzureSimulator({ tls: { cert: TEST_TLS.cert, key: TEST_TLS.key }, principals: [SP] }),
    ]);
    dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-azure-exports-'));
    gen = await generateAzureExports(azureSmallScenario(), SPECS, { now: NOW, dataDir: dir });
    // Cost Management delivers with its own identity: here the account key.
    const writer = blobServiceClient(
      azurite.blobUrl,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
      { extraCaPem: azurite.caPem },
    ).getContainerClient('billing');
    await writer.create();
    for (const [name, local] of gen.blobs) {
      await writer.getBlockBlobClient(name).uploadData(readFileSync(local));
    }
  });
  afterAll(async () => {
    await Promise.all([azurite?.close(), sim?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function reader(secret = SP.clientSecret) {
    const credential = new ClientSecretCredential(SP.tenantId, SP.clientId, secret, {
      authorityHost: sim.url,
      disableInstanceDiscovery: true,
      httpClient: azureHttpClient(azurite.caPem),
      retryOptions: { maxRetries: 0 },
    });
    return blobServiceClient(azurite.blobUrl, credential, { extraCaPem: azurite.caPem }).getContainerClient(
      'billing',
    );
  }

  /** The newest run's manifest of each period folder of an export. */
  async function newestManifests(exportName: string): Promise<Map<string, Manifest>> {
    const container = reader();
    const byRange = new Map<string, Manifest>();
    for await (const b of container.listBlobsFlat({ prefix: `costs/${exportName}/` })) {
      if (!b.name.endsWith('/manifest.json')) continue;
      const range = b.name.split('/')[2];
      const m = JSON.parse((await container.getBlobClient(b.name).downloadToBuffer()).toString()) as Manifest;
      const seen = byRange.get(range);
      if (!seen || seen.runInfo.submittedTime < m.runInfo.submittedTime) byRange.set(range, m);
    }
    return byRange;
  }

  it('writes several subscriptions, a reservation bought and amortized the Azure way, in EUR', () => {
    const lines = gen.lines;
    expect(new Set(lines.map((l) => l.subscriptionId)).size).toBe(3);
    const purchase = lines.filter((l) => l.chargeType === 'Purchase');
    expect(purchase).toHaveLength(1);
    expect(purchase[0]).toMatchObject({ actual: 1168, amortized: 0, day: '2025-05-01' });
    const covered = lines.filter((l) => l.chargeType === 'Usage' && l.pricingModel === 'Reservation');
    const unused = lines.filter((l) => l.chargeType === 'UnusedReservation');
    expect(covered.length).toBe(40);
    expect(unused.length).toBe(40);
    // Over its days, covered + unused amortized equal the purchase spread over the term (1168 / 365 a day).
    const amortized = [...covered, ...unused].reduce((s, l) => s + l.amortized, 0);
    expect(amortized).toBeCloseTo((1168 / 365) * 40, 6);
    expect(covered.every((l) => l.actual === 0)).toBe(true);
    for (const t of Object.values(gen.truth)) expect(t.currency).toBe('EUR');
  });

  it('a service principal signs in through Entra ID (the official client) and Azurite accepts its token; a wrong secret is refused', async () => {
    const names: string[] = [];
    for await (const b of reader().listBlobsFlat({ prefix: 'costs/focus-daily/' })) names.push(b.name);
    expect(names.filter((n) => n.endsWith('manifest.json'))).toHaveLength(2);
    await expect(reader('wrong').getBlobClient(names[0]).exists()).rejects.toThrow(/AADSTS7000215/);
  });

  it('new-file exports keep the older run beside the newest; overwrite exports keep one run per period', async () => {
    const runs = async (name: string) => {
      const folders = new Set<string>();
      for await (const b of reader().listBlobsFlat({ prefix: `costs/${name}/` }))
        folders.add(b.name.split('/').slice(0, 4).join('/'));
      return folders.size;
    };
    expect(await runs('focus-daily')).toBe(2);
    expect(await runs('actual-daily')).toBe(4);
  });

  it.each(SPECS.map((s) => [s.name, s] as const))(
    '%s: the blobs of the newest manifests sum, per subscription, service and day, to the truth to the cent',
    async (name, spec) => {
      const container = reader();
      const work = mkdtempSync(path.join(tmpdir(), 'cloudtally-azure-read-'));
      const instance = await DuckDBInstance.create(':memory:');
      const db = await instance.connect();
      try {
        const files: string[] = [];
        for (const m of (await newestManifests(name)).values()) {
          for (const b of m.blobs) {
            const local = path.join(work, b.blobName.replace(/\//g, '_'));
            writeFileSync(local, await container.getBlobClient(b.blobName).downloadToBuffer());
            files.push(local);
          }
        }
        const list = `[${files.map((f) => `'${f}'`).join(', ')}]`;
        const src =
          spec.format === 'csv'
            ? `read_csv(${list}, header = true, union_by_name = true, all_varchar = true)`
            : `read_parquet(${list}, union_by_name = true)`;
        const sql =
          spec.dataset === 'focus'
            ? `SELECT replace(SubAccountId, '/subscriptions/', '') AS sub, ServiceName AS svc,
                 strftime(CAST(ChargePeriodStart AS TIMESTAMP), '%Y-%m-%d') AS day,
                 round(sum(CAST(BilledCost AS DOUBLE)), 2) AS billed, round(sum(CAST(EffectiveCost AS DOUBLE)), 2) AS amortized
               FROM ${src} GROUP BY ALL ORDER BY ALL`
            : `SELECT subscriptionId AS sub, meterCategory AS svc,
                 strftime(coalesce(try_strptime(CAST(date AS VARCHAR), '%m/%d/%Y'), TRY_CAST(date AS TIMESTAMP)), '%Y-%m-%d') AS day,
                 round(sum(CAST(costInBillingCurrency AS DOUBLE)), 2) AS cost
               FROM ${src} GROUP BY ALL ORDER BY ALL`;
        const rows = (await db.runAndReadAll(sql)).getRowObjectsJson() as Record<string, string | number>[];
        const truth = gen.truth[name];
        const key = (s: string, v: string, d: string) => `${s}|${v}|${d}`;
        const want = new Map(truth.daily.map((t) => [key(t.subscriptionId, t.serviceName, t.day), t]));
        expect(rows.length).toBe(want.size);
        for (const r of rows) {
          const t = want.get(key(String(r.sub), String(r.svc), String(r.day)));
          expect(t, `${r.sub} ${r.svc} ${r.day}`).toBeDefined();
          if (spec.dataset === 'focus') {
            expect(Number(r.billed)).toBe(t!.billed);
            expect(Number(r.amortized)).toBe(t!.amortized);
          } else {
            expect(Number(r.cost)).toBe(spec.dataset === 'actual' ? t!.billed : t!.amortized);
          }
        }
        // The stale earlier runs of new-file exports are not in the truth: reading them would double the month.
        expect(Object.keys(truth.periods).sort()).toEqual(['2025-05', '2025-06']);
      } finally {
        db.closeSync();
        instance.closeSync();
        rmSync(work, { recursive: true, force: true });
      }
    },
  );
});
