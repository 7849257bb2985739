/**
 * One measured step of the ingest benchmark, each in its own process so that its peak memory is its own:
 *   sim ROWS FORMATS DATA_DIR        start the simulator with a generated month; prints READY {...}
 *   sync ENGINE FORMAT               the real sync path into a fresh store; prints RESULT {...}
 *                                    (BENCH_RELOAD=1: then once more after the month is restated)
 *   baseline FORMAT                  DuckDB loading the same local files straight into a table; RESULT {...}
 * Settings come from the environment the orchestrator (run.ts) sets.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { S3Client } from '@aws-sdk/client-s3';
import { startSimulator } from '../../sim/index.js';
import { createAwsBillingService } from '../../src/providers/aws/billing/aws-billing.js';
import { DuckDbStore } from '../../src/store/duckdb-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import { BENCH_BUCKET, BENCH_NOW, benchScenario } from './scenario.js';

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`missing environment variable ${k}`);
  return v;
};
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;
const result = (value: Record<string, unknown>) => process.stdout.write(`RESULT ${JSON.stringify(value)}\n`);

async function sim(rows: number, formats: ('parquet' | 'csv')[], dataDir: string): Promise<void> {
  const started = Date.now();
  const s = await startSimulator(benchScenario(rows, formats), { dataDir, now: new Date(BENCH_NOW) });
  const user = s.scenario.users.find((u) => u.accountId === s.world.payerAccountId)!;
  const exports = Object.fromEntries(
    Object.entries(s.truth.exports).map(([name, t]) => [
      name,
      { periods: t.periods, memberAccounts: t.memberAccounts },
    ]),
  );
  process.stdout.write(
    `READY ${JSON.stringify({
      url: s.url,
      dataDir,
      generateMs: Date.now() - started,
      credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
      payer: s.world.payerAccountId,
      exports,
    })}\n`,
  );
  const stop = async () => {
    await s.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

async function openStore(engine: string, dir: string): Promise<Store> {
  const store =
    engine === 'postgres'
      ? await PostgresStore.open(env('BENCH_PG_DATABASE_URL'))
      : await DuckDbStore.open({
          path: path.join(dir, 'cloudtally.duckdb'),
          memoryLimit: process.env.BENCH_DUCKDB_MEMORY ?? '512MB',
        });
  await migrate(store);
  return store;
}

async function sync(engine: string, format: string): Promise<void> {
  const exportName = process.env.BENCH_EXPORT ?? `bench-${format}`;
  const dir = mkdtempSync(path.join(process.env.BENCH_TMP ?? tmpdir(), 'cloudtally-bench-ingest-'));
  const store = await openStore(engine, dir);
  const s3 = new S3Client({
    endpoint: env('SIM_URL'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: JSON.parse(env('SIM_CREDENTIALS')) as { accessKeyId: string; secretAccessKey: string },
  });
  const billing = createAwsBillingService({
    store,
    clock: { now: () => new Date(BENCH_NOW) },
    tmpDir: dir,
    log: createLog(process.env.BENCH_LOG_LEVEL ?? 'info'),
  });
  let bytes = 0;
  const syncOnce = () =>
    billing.syncExport({
      orgId: 'bench',
      cloudAccountId: exportName,
      awsAccountId: env('SIM_PAYER'),
      export: {
        type: 'cur2',
        name: exportName,
        bucket: BENCH_BUCKET,
        prefix: 'bench',
        region: 'us-east-1',
      },
      edp: true,
      memberImport: 'all',
      connectedAccountIds: [],
      s3,
      onProgress: (p) => {
        bytes = p.bytes;
      },
    });
  const started = Date.now();
  const r = await syncOnce();
  const ms = Date.now() - started;
  // BENCH_RELOAD=1: AWS restates the month (its manifest changes), so the next sync replaces the period's
  // rows: the steady state of the current month. The manifest is put back afterwards.
  let reloadMs: number | undefined;
  if (process.env.BENCH_RELOAD === '1') {
    const manifest = path.join(
      env('SIM_DATA_DIR'),
      'buckets',
      BENCH_BUCKET,
      'bench',
      exportName,
      'metadata',
      env('BENCH_PERIOD_FOLDER'),
      `${exportName}-Manifest.json`,
    );
    const original = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(original), benchRestatedAt: Date.now() }));
    try {
      const again = Date.now();
      const r2 = await syncOnce();
      reloadMs = Date.now() - again;
      const failed = r2.periods.filter((p) => p.status !== 'loaded');
      if (failed.length > 0) throw new Error(`reload failed: ${JSON.stringify(failed)}`);
    } finally {
      writeFileSync(manifest, original);
    }
  }
  const [totals] = await store.query<{ n: number; b: number }>(
    `SELECT count(*) AS n, sum(billed_cost) AS b FROM cost_line_items WHERE cloud_account_id = $1`,
    [exportName],
  );
  s3.destroy();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  result({
    ms,
    rows: Number(totals.n),
    billed: Number(totals.b),
    bytes,
    reloadMs,
    periods: r.periods,
    peakRssMiB: peakRssMiB(),
  });
}

async function baseline(format: string): Promise<void> {
  const dataDir = env('SIM_DATA_DIR');
  const manifestPath = path.join(
    dataDir,
    'buckets',
    BENCH_BUCKET,
    'bench',
    `bench-${format}`,
    'metadata',
    env('BENCH_PERIOD_FOLDER'),
    `bench-${format}-Manifest.json`,
  );
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dataFiles: string[] };
  const files = manifest.dataFiles.map((f) =>
    path.join(dataDir, 'buckets', BENCH_BUCKET, ...f.replace(/^s3:\/\/[^/]+\//, '').split('/')),
  );
  const dir = mkdtempSync(path.join(process.env.BENCH_TMP ?? tmpdir(), 'cloudtally-bench-baseline-'));
  const instance = await DuckDBInstance.create(path.join(dir, 'baseline.duckdb'), {
    memory_limit: process.env.BENCH_DUCKDB_MEMORY ?? '512MB',
  });
  const db = await instance.connect();
  const list = `[${files.map((f) => `'${f}'`).join(', ')}]`;
  const started = Date.now();
  const reader = format === 'parquet' ? `read_parquet(${list})` : `read_csv(${list})`;
  await db.run(`CREATE TABLE raw AS SELECT * FROM ${reader}`);
  await db.run('CHECKPOINT');
  const ms = Date.now() - started;
  const counted = await db.runAndReadAll('SELECT count(*) AS n FROM raw');
  const rows = Number(counted.getRowObjectsJS()[0].n);
  db.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
  result({ ms, rows, peakRssMiB: peakRssMiB() });
}

const [mode, a, b, c] = process.argv.slice(2);
if (mode === 'sim') await sim(Number(a), b.split(',') as ('parquet' | 'csv')[], c);
else if (mode === 'sync') await sync(a, b);
else if (mode === 'baseline') await baseline(a);
else throw new Error(`unknown mode ${mode}`);
