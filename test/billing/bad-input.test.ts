import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { startSimulator, type Simulator } from '../../sim/index.js';
import {
  createAwsBillingService,
  type AwsBillingService,
  type SyncExportResult,
} from '../../src/providers/aws/billing/aws-billing.js';
import type { Engine, Store } from '../../src/store/store.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../helpers/stores.js';
import { parseCsvRecord } from '../../src/providers/aws/billing/local-files.js';
import { clockAt, differences, exportLocation, s3Client, storedDaily, truthDaily } from './harness.js';

/**
 * Each kind of bad input fails its own period with a diagnostic naming the S3 key, keeps that period's
 * previous data, and lets the other periods load. The files are damaged in the simulator's storage after a
 * first clean load, and their manifests rewritten as a new refresh would be.
 */

let sim: Simulator;
let s3: S3Client;
const dbs = new Map<Engine, { db: TestDatabase; store: Store; billing: AwsBillingService; dir: string }>();
const results = new Map<Engine, Record<string, SyncExportResult>>();
const EXPORTS = ['small-cur2', 'small-parquet', 'small-legacy'];

const bucketDir = () => path.join(sim.dataDir, 'buckets', 'small-cur');
const file = (key: string) => path.join(bucketDir(), ...key.split('/'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

function manifestOf(exportName: string, period: string): { path: string; json: Record<string, unknown> } {
  const compact = period.replace('-', '');
  const p = filesUnder(bucketDir()).find(
    (f) =>
      f.endsWith(`${exportName}-Manifest.json`) &&
      (f.includes(`BILLING_PERIOD=${period}`) || f.includes(`${compact}01-`)),
  );
  if (!p) throw new Error(`no manifest for ${exportName} ${period}`);
  return { path: p, json: JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown> };
}

/** Rewrites a manifest as AWS does on a refresh (new identity), optionally changing it. */
function refresh(
  exportName: string,
  period: string,
  change: (m: Record<string, unknown>) => void = () => {},
) {
  const m = manifestOf(exportName, period);
  change(m.json);
  m.json.refreshedBy = 'bad-input-test';
  writeFileSync(m.path, JSON.stringify(m.json, null, 2));
  return m.json;
}

const keyOf = (ref: string) => ref.replace(/^s3:\/\/[^/]+\//, '');
const dataKeys = (m: Record<string, unknown>) => ((m.dataFiles ?? m.reportKeys) as string[]).map(keyOf);

const bad: Record<string, { exportName: string; period: string; code: string; key: string }> = {};

beforeAll(async () => {
  sim = await startSimulator('small');
  s3 = s3Client(sim);
  for (const engine of ENGINES) {
    const db = await createTestDatabase(engine);
    const store = await db.open();
    const dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-billing-bad-'));
    const billing = createAwsBillingService({ store, clock: clockAt(sim), tmpDir: dir });
    dbs.set(engine, { db, store, billing, dir });
    for (const name of EXPORTS) {
      const r = await syncOn(engine, name);
      expect(r.periods.every((p) => p.status === 'loaded')).toBe(true);
    }
  }

  // CUR 2.0 CSV, 2025-03: a corrupt gzip stream.
  {
    const m = refresh('small-cur2', '2025-03');
    const key = dataKeys(m)[0];
    const bytes = readFileSync(file(key));
    for (let i = Math.floor(bytes.length / 3); i < Math.floor(bytes.length / 3) + 64; i++) bytes[i] ^= 0x5a;
    writeFileSync(file(key), bytes);
    bad.gzip = { exportName: 'small-cur2', period: '2025-03', code: 'billing_file_corrupt', key };
  }
  // CUR 2.0 CSV, 2025-02: a value of the wrong type in a cost column.
  {
    const m = refresh('small-cur2', '2025-02');
    const key = dataKeys(m)[0];
    const lines = gunzipSync(readFileSync(file(key)))
      .toString('utf8')
      .split('\n');
    const col = parseCsvRecord(lines[0]).indexOf('line_item_unblended_cost');
    const fields = parseCsvRecord(lines[5]);
    fields[col] = 'twelve dollars';
    lines[5] = fields.map((f) => (/[",]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
    writeFileSync(file(key), gzipSync(lines.join('\n')));
    bad.type = { exportName: 'small-cur2', period: '2025-02', code: 'billing_column_type', key };
  }
  // CUR 2.0 Parquet, 2025-03: a truncated file.
  {
    const m = refresh('small-parquet', '2025-03');
    const key = dataKeys(m)[0];
    truncateSync(file(key), Math.floor(readFileSync(file(key)).length / 2));
    bad.parquet = { exportName: 'small-parquet', period: '2025-03', code: 'billing_file_corrupt', key };
  }
  // Legacy CUR, 2025-03: the manifest lists a file that is not there.
  {
    const m = refresh('small-legacy', '2025-03', (j) => {
      const keys = j.reportKeys as string[];
      j.reportKeys = [...keys, keys[0].replace(/[^/]+$/, 'small-legacy-99.csv.gz')];
    });
    const keys = dataKeys(m);
    bad.missing = {
      exportName: 'small-legacy',
      period: '2025-03',
      code: 'billing_file_missing',
      key: keys.at(-1)!,
    };
  }
  // Legacy CUR, 2025-02: an empty export (the manifest lists no data).
  {
    const m = refresh('small-legacy', '2025-02', (j) => {
      j.reportKeys = [];
    });
    const key = String(manifestOf('small-legacy', '2025-02').path.slice(bucketDir().length + 1));
    void m;
    bad.empty = { exportName: 'small-legacy', period: '2025-02', code: 'billing_export_empty', key };
  }
  // CUR 2.0 Parquet, 2025-02: a good refresh between two bad periods loads.
  refresh('small-parquet', '2025-02');
  // CUR 2.0 Parquet, 2025-01: data delivered but no manifest.
  {
    const dataDir = path.join(bucketDir(), 'small-parquet', 'data', 'BILLING_PERIOD=2025-01');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'small-parquet-00001.snappy.parquet'), 'partial');
    bad.noManifest = {
      exportName: 'small-parquet',
      period: '2025-01',
      code: 'billing_manifest_missing',
      key: 'small-parquet/metadata/BILLING_PERIOD=2025-01/',
    };
  }
  for (const engine of ENGINES) {
    const r: Record<string, SyncExportResult> = {};
    for (const name of EXPORTS) r[name] = await syncOn(engine, name);
    results.set(engine, r);
  }
}, 240_000);

afterAll(async () => {
  for (const { store, db, dir } of dbs.values()) {
    await store.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  s3?.destroy();
  await sim?.close();
});

function syncOn(engine: Engine, name: string): Promise<SyncExportResult> {
  const { billing } = dbs.get(engine)!;
  return billing.syncExport({
    orgId: 'org-1',
    cloudAccountId: `ca-${name}`,
    awsAccountId: sim.world.payerAccountId,
    export: exportLocation(sim, name),
    edp: true,
    memberImport: 'all',
    connectedAccountIds: [],
    s3,
  });
}

describe.each(ENGINES)('bad billing input on %s', (engine) => {
  it.each(['gzip', 'type', 'parquet', 'missing', 'empty', 'noManifest'])(
    '%s: the period fails with a diagnostic naming the S3 key',
    (kind) => {
      const b = bad[kind];
      const r = results.get(engine)![b.exportName].periods.find((p) => p.period === b.period);
      expect(r?.status).toBe('failed');
      expect(r?.diagnostic?.code).toBe(b.code);
      expect(r?.diagnostic?.key).toBe(b.key);
      expect(r?.diagnostic?.message).toContain(b.key);
      expect(r?.diagnostic?.remediation).toBeTruthy();
    },
  );

  it('does not stop the other periods', () => {
    const parquet = results.get(engine)!['small-parquet'].periods.map((p) => `${p.period}:${p.status}`);
    expect(parquet).toEqual(['2025-01:failed', '2025-02:loaded', '2025-03:failed']);
  });

  it('keeps the previous data of failed periods and records the failure', async () => {
    const { store } = dbs.get(engine)!;
    for (const name of EXPORTS) {
      for (const basis of ['billed', 'netAmortized'] as const) {
        expect(
          differences(
            await storedDaily(store, `ca-${name}`, basis),
            truthDaily(sim.truth.exports[name], basis),
          ),
          `${name} ${basis}`,
        ).toEqual([]);
      }
    }
    const failed = await store.query<{ p: string; state: string; error: string }>(
      `SELECT CAST(billing_period AS VARCHAR) AS p, state, error FROM billing_periods
       WHERE cloud_account_id = 'ca-small-cur2' ORDER BY billing_period`,
    );
    expect(failed.map((f) => f.state)).toEqual(['failed', 'failed']);
    expect((JSON.parse(failed[0].error) as { code: string }).code).toBe('billing_column_type');
  });

  it('leaves no temporary files behind', () => {
    expect(readdirSync(dbs.get(engine)!.dir)).toEqual([]);
  });
});
