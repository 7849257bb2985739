/**
 * One measured step of the ingest benchmark, each in its own process so that its peak memory is its own:
 *   sim ROWS FORMATS DATA_DIR        start the simulator with a generated month; prints READY {...}
 *   sync ENGINE FORMAT               the real sync path into a fresh store; prints RESULT {...}
 *                                    (BENCH_RELOAD=1: then once more after the month is restated)
 *   baseline KIND FORMAT             DuckDB over the same local files into a fresh DuckDB file; RESULT {...}
 *                                    KIND: raw (every source column as DuckDB reads it), same-select (the
 *                                    normalizing SELECT the sync runs), floor (an 11-column normalizing load)
 * Settings come from the environment the orchestrator (run.ts) sets.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
import { sourceRelation, type LocalFile } from '../../src/providers/aws/billing/local-files.js';
import { buildFocusSelect } from '../../src/providers/aws/billing/focus-mapping.js';
import { BENCH_BUCKET, BENCH_NOW, benchScenario, type BenchFormat } from './scenario.js';

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`missing environment variable ${k}`);
  return v;
};
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;
const result = (value: Record<string, unknown>) => process.stdout.write(`RESULT ${JSON.stringify(value)}\n`);

async function sim(rows: number, formats: BenchFormat[], dataDir: string): Promise<void> {
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
        type: format === 'legacy' ? 'legacy' : 'cur2',
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
    const manifest = manifestPath(format, exportName);
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
  // Bytes the store holds for the line items and their rollup (PostgreSQL: tables with their indexes and
  // TOAST; DuckDB: the whole database file after the store's checkpoint on close).
  let storedBytes: number;
  if (engine === 'postgres') {
    const [size] = await store.query<{ b: number }>(
      `SELECT pg_total_relation_size('cost_line_items') + pg_total_relation_size('cost_daily') AS b`,
    );
    storedBytes = Number(size.b);
  }
  s3.destroy();
  await store.close();
  storedBytes ??= statSync(path.join(dir, 'cloudtally.duckdb')).size;
  rmSync(dir, { recursive: true, force: true });
  result({
    ms,
    storedBytes,
    rows: Number(totals.n),
    billed: Number(totals.b),
    bytes,
    reloadMs,
    periods: r.periods,
    peakRssMiB: peakRssMiB(),
  });
}

/** The local path of an export's manifest for the benchmark month. */
function manifestPath(format: string, exportName: string): string {
  const exportRoot = path.join(env('SIM_DATA_DIR'), 'buckets', BENCH_BUCKET, 'bench', exportName);
  return format === 'legacy'
    ? path.join(exportRoot, '20250301-20250401', `${exportName}-Manifest.json`)
    : path.join(exportRoot, 'metadata', env('BENCH_PERIOD_FOLDER'), `${exportName}-Manifest.json`);
}

/** The month's data files (the simulator's own copies: local files, no download). */
function localFiles(format: BenchFormat): LocalFile[] {
  const manifest = JSON.parse(readFileSync(manifestPath(format, `bench-${format}`), 'utf8')) as {
    dataFiles?: string[];
    reportKeys?: string[];
  };
  const keys = (manifest.dataFiles ?? manifest.reportKeys ?? []).map((f) => f.replace(/^s3:\/\/[^/]+\//, ''));
  return keys.map((key) => ({
    key,
    path: path.join(env('SIM_DATA_DIR'), 'buckets', BENCH_BUCKET, ...key.split('/')),
    format: key.endsWith('.parquet') ? 'parquet' : 'csv',
    compression: key.endsWith('.gz') ? 'gzip' : 'none',
  }));
}

/**
 * The floor: an 11-column normalizing load (account, service, region, usage day, charge category, usage
 * amount, billed cost, resource, line item type, billing period, organization) over the same files.
 */
function floorSelect(relation: string, legacy: boolean): string {
  const c = (cur2: string, old: string) => (legacy ? old : cur2);
  return `SELECT 'bench' AS org_id,
      line_item_usage_account_id AS sub_account_id,
      line_item_product_code AS service_code,
      ${c('product_region_code', 'product_region')} AS region,
      CAST(CAST(line_item_usage_start_date AS TIMESTAMPTZ) AS DATE) AS usage_date,
      line_item_line_item_type AS line_item_type,
      CASE WHEN line_item_line_item_type = 'Tax' THEN 'Tax' ELSE 'Usage' END AS charge_category,
      CAST(line_item_usage_amount AS DECIMAL(38, 10)) AS usage_quantity,
      CAST(line_item_unblended_cost AS DECIMAL(38, 10)) AS billed_cost,
      line_item_resource_id AS resource_id,
      DATE '2025-03-01' AS billing_period
    FROM (${relation})`;
}

async function baseline(kind: string, format: BenchFormat): Promise<void> {
  const files = localFiles(format);
  const dir = mkdtempSync(path.join(process.env.BENCH_TMP ?? tmpdir(), 'cloudtally-bench-baseline-'));
  const instance = await DuckDBInstance.create(path.join(dir, 'baseline.duckdb'), {
    memory_limit: process.env.BENCH_DUCKDB_MEMORY ?? '512MB',
  });
  const db = await instance.connect();
  await db.run(`SET TimeZone = 'UTC'`);
  const started = Date.now();
  if (kind === 'raw') {
    const list = `[${files.map((f) => `'${f.path}'`).join(', ')}]`;
    const reader = format === 'parquet' ? `read_parquet(${list})` : `read_csv(${list})`;
    await db.run(`CREATE TABLE raw AS SELECT * FROM ${reader}`);
  } else {
    // The relation the sync reads (canonical names, CSV as text), then its SELECT or the floor's.
    const rel = await sourceRelation(db, files);
    const sql =
      kind === 'same-select'
        ? buildFocusSelect(rel.sql, rel.columns, {
            orgId: 'bench',
            cloudAccountId: `bench-${format}`,
            billingPeriod: '2025-03-01',
            edp: true,
          }).sql
        : floorSelect(rel.sql, format === 'legacy');
    await db.run(`CREATE TABLE raw AS ${sql}`);
  }
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
if (mode === 'sim') await sim(Number(a), b.split(',') as BenchFormat[], c);
else if (mode === 'sync') await sync(a, b);
else if (mode === 'baseline') await baseline(a, b as BenchFormat);
else throw new Error(`unknown mode ${mode}`);
