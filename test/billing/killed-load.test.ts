import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { createAwsBillingService } from '../../src/providers/aws/billing/aws-billing.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../helpers/stores.js';
import {
  clockAt,
  differences,
  exportLocation,
  payerCredentials,
  s3Client,
  storedDaily,
  truthDaily,
} from './harness.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'killable-sync.ts');
const EXPORT = 'small-legacy';

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

async function snapshot(store: Store, cloudAccountId: string) {
  return {
    items: await store.query(
      `SELECT CAST(billing_period AS VARCHAR) AS p, count(*) AS n, sum(billed_cost) AS b, sum(x_net_effective_cost) AS ne
       FROM cost_line_items WHERE cloud_account_id = $1 GROUP BY billing_period ORDER BY billing_period`,
      [cloudAccountId],
    ),
    daily: await store.query(
      `SELECT CAST(billing_period AS VARCHAR) AS p, count(*) AS n, sum(billed_cost) AS b
       FROM cost_daily WHERE cloud_account_id = $1 GROUP BY billing_period ORDER BY billing_period`,
      [cloudAccountId],
    ),
    periods: await store.query(
      `SELECT CAST(billing_period AS VARCHAR) AS p, manifest_identity, row_count, totals, state
       FROM billing_periods WHERE cloud_account_id = $1 ORDER BY billing_period`,
      [cloudAccountId],
    ),
  };
}

/** Runs the child sync and kills it (SIGKILL) inside its load transaction. */
function killInsideTransaction(env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('IN_TRANSACTION') && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (_code, signal) => {
      if (killed && signal === 'SIGKILL') resolve();
      else reject(new Error(`the child was not killed inside the transaction: ${out}\n${err}`));
    });
  });
}

describe.each(ENGINES)('a killed load on %s', (engine) => {
  let db: TestDatabase;
  let tmp: string;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    tmp = mkdtempSync(path.join(tmpdir(), 'cloudtally-billing-kill-'));
  });
  afterAll(async () => {
    await db?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('changes nothing, and the next sync loads the restated period', async () => {
    const cloudAccountId = `ca-kill-${engine}`;
    const options = {
      orgId: 'org-1',
      cloudAccountId,
      awsAccountId: sim.world.payerAccountId,
      export: exportLocation(sim, EXPORT),
      edp: true,
      memberImport: 'all' as const,
      connectedAccountIds: [],
      s3,
    };
    let store = await db.open();
    await createAwsBillingService({ store, clock: clockAt(sim), tmpDir: tmp }).syncExport(options);
    const before = await snapshot(store, cloudAccountId);
    expect(before.items).toHaveLength(2);
    await store.close();

    await sim.restatePeriod('2025-03');
    const creds = payerCredentials(sim);
    await killInsideTransaction({
      STORE_KIND: engine,
      STORE_LOCATION: engine === 'duckdb' ? path.join(db.dataDir, 'cloudtally.duckdb') : db.databaseUrl!,
      CLOCK: sim.truth.now,
      TMP_DIR: tmp,
      SIM_URL: sim.url,
      AWS_KEY: creds.accessKeyId,
      AWS_SECRET: creds.secretAccessKey,
      CLOUD_ACCOUNT_ID: cloudAccountId,
      PAYER: sim.world.payerAccountId,
      EXPORT: JSON.stringify(options.export),
    });
    // The killed process left its working folder; the next service start removes it.
    expect(readdirSync(tmp).length).toBeGreaterThan(0);

    store = await db.open();
    try {
      expect(await snapshot(store, cloudAccountId)).toEqual(before);
      const billing = createAwsBillingService({ store, clock: clockAt(sim), tmpDir: tmp });
      const result = await billing.syncExport(options);
      expect(result.periods.map((p) => `${p.period}:${p.status}`)).toEqual([
        '2025-02:skipped',
        '2025-03:loaded',
      ]);
      for (const basis of ['billed', 'net', 'amortized', 'netAmortized'] as const) {
        expect(
          differences(
            await storedDaily(store, cloudAccountId, basis),
            truthDaily(sim.truth.exports[EXPORT], basis),
          ),
        ).toEqual([]);
      }
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
