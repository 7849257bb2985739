/**
 * Billing ingest benchmark. Generates a month of BENCH_ROWS line items into the simulator, written three ways
 * (CUR 2.0 Parquet, CUR 2.0 gzip CSV, legacy CUR gzip CSV), runs the real sync path (S3 download through the
 * simulator included) into a fresh DuckDB store, and times in the same run three DuckDB baselines over the same
 * local files, each into a fresh DuckDB file: the same normalizing SELECT the sync runs (the fair baseline: the
 * sync's own overhead is what lies above it), an 11-column normalizing load (the floor), and a raw load of every
 * source column. Then: the same month into PostgreSQL (with the server's version and settings printed), and
 * peak memory while loading BENCH_MEMORY_ROWS line items.
 *
 *   BENCH_ROWS=5000000 BENCH_MEMORY_ROWS=10000000 node --import tsx bench/ingest/run.ts
 *
 * Sizes can be made small (BENCH_ROWS=200000 BENCH_MEMORY_ROWS=400000); BENCH_PG=0 or BENCH_MEMORY_ROWS=0
 * skip a part. Generated months are kept in bench/out/ and reused by later runs of the same size.
 *
 * The memory month is, by default, the generated Parquet month listed K = BENCH_MEMORY_ROWS / BENCH_ROWS
 * times in a manifest of its own (hard links under new keys): the same real sync path over K× the rows,
 * without generating them again (the generator takes far longer than the load on 2 cores).
 * BENCH_MEMORY_FROM=generate generates that month with the simulator instead. BENCH_PARTS=duckdb,postgres,memory
 * picks parts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPostgresDatabase } from '../../test/helpers/stores.js';
import { BENCH_FORMATS, type BenchFormat } from './scenario.js';

const formatLabel = (f: BenchFormat) => (f === 'legacy' ? 'legacy-csv' : `cur2-${f}`);

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CHILD = path.join(here, 'child.ts');
const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const MEMORY_ROWS = Number(process.env.BENCH_MEMORY_ROWS ?? 10_000_000);
const WITH_PG = process.env.BENCH_PG !== '0';
const MEMORY_FROM = process.env.BENCH_MEMORY_FROM ?? 'replicate';
/** Parts to run: duckdb (both formats vs the baseline), postgres, memory. */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'duckdb,postgres,memory').split(','));
const ADMIN_PG_URL = process.env.CLOUDTALLY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = path.join(root, 'bench', 'out', 'ingest');

interface SimInfo {
  url: string;
  dataDir: string;
  generateMs: number;
  credentials: { accessKeyId: string; secretAccessKey: string };
  payer: string;
  exports: Record<string, { periods: Record<string, { rows: number; billed: number }> }>;
}
interface SyncResult {
  ms: number;
  /** Time of the second sync after the month was restated (PostgreSQL part only). */
  reloadMs?: number;
  rows: number;
  billed: number;
  bytes: number;
  /** Bytes the store holds for the line items (and rollup) after the load. */
  storedBytes: number;
  peakRssMiB: number;
  periods: { period: string; status: string; diagnostic?: { message: string } }[];
}
interface BaselineResult {
  ms: number;
  rows: number;
  peakRssMiB: number;
}

const lines: string[] = [];
function bench(name: string, value: string, target: string, met: boolean): void {
  const line = `BENCH ${name} | ${value} | ${target} | ${met ? 'met' : 'not met'}`;
  lines.push(line);
  process.stdout.write(`${line}\n`);
}
const log = (msg: string) => process.stdout.write(`# ${msg}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function startChild(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

function waitForLine(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (b: Buffer) => {
      buf += b.toString();
      const line = buf.split('\n').find((l) => l.startsWith(prefix));
      if (line) {
        child.stdout?.off('data', onData);
        resolve(line.slice(prefix.length));
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${prefix.trim()} never came (exit ${code})`)));
  });
}

async function runChild<T>(args: string[], env: Record<string, string>): Promise<T> {
  const child = startChild(args, env);
  child.stdin?.end();
  return JSON.parse(await waitForLine(child, 'RESULT ')) as T;
}

async function startSim(
  rows: number,
  formats: string,
): Promise<{ info: SimInfo; stop: () => Promise<void> }> {
  const dataDir = path.join(OUT, `${rows}-${formats.replaceAll(',', '-')}`);
  mkdirSync(dataDir, { recursive: true });
  log(`generating ${fmt(rows)} line items (${formats}) in ${path.relative(root, dataDir)} …`);
  const child = startChild(['sim', String(rows), formats, dataDir]);
  const info = JSON.parse(await waitForLine(child, 'READY ')) as SimInfo;
  log(`simulator ready in ${(info.generateMs / 1000).toFixed(1)} s at ${info.url}`);
  return {
    info,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin?.end();
      }),
  };
}

function simEnv(info: SimInfo): Record<string, string> {
  return {
    SIM_URL: info.url,
    SIM_CREDENTIALS: JSON.stringify(info.credentials),
    SIM_PAYER: info.payer,
    SIM_DATA_DIR: info.dataDir,
    BENCH_PERIOD_FOLDER: 'BILLING_PERIOD=2025-03',
  };
}

function check(info: SimInfo, format: BenchFormat, r: SyncResult, factor = 1): void {
  const t = info.exports[`bench-${format}`].periods['2025-03'];
  const truth = { rows: t.rows * factor, billed: t.billed * factor };
  const failed = r.periods.filter((p) => p.status !== 'loaded');
  if (failed.length > 0) throw new Error(`sync of ${format} failed: ${JSON.stringify(failed)}`);
  if (r.rows !== truth.rows || Math.abs(r.billed - truth.billed) > 0.005 * factor) {
    throw new Error(
      `sync of ${format} loaded ${r.rows} rows / ${r.billed} but the truth is ${truth.rows} / ${truth.billed}`,
    );
  }
}

/** A manifest listing the Parquet month's files `factor` times (hard links under new keys). */
function replicateMonth(info: SimInfo, factor: number): string {
  const name = `bench-x${factor}`;
  const bucket = path.join(info.dataDir, 'buckets', 'small-cur');
  const source = JSON.parse(
    readFileSync(
      path.join(
        bucket,
        'bench',
        'bench-parquet',
        'metadata',
        'BILLING_PERIOD=2025-03',
        'bench-parquet-Manifest.json',
      ),
      'utf8',
    ),
  ) as Record<string, unknown> & { dataFiles: string[] };
  const root = path.join(bucket, 'bench', name);
  rmSync(root, { recursive: true, force: true });
  const keys: string[] = [];
  for (let k = 0; k < factor; k++) {
    for (const [i, ref] of source.dataFiles.entries()) {
      const from = path.join(bucket, ...ref.replace(/^s3:\/\/[^/]+\//, '').split('/'));
      const key = `bench/${name}/data/BILLING_PERIOD=2025-03/${name}-${k}-${i}.snappy.parquet`;
      const to = path.join(bucket, ...key.split('/'));
      mkdirSync(path.dirname(to), { recursive: true });
      linkSync(from, to);
      keys.push(`s3://small-cur/${key}`);
    }
  }
  const manifestDir = path.join(root, 'metadata', 'BILLING_PERIOD=2025-03');
  mkdirSync(manifestDir, { recursive: true });
  writeFileSync(
    path.join(manifestDir, `${name}-Manifest.json`),
    JSON.stringify({ ...source, exportName: name, dataFiles: keys }),
  );
  return name;
}

async function memoryRun(info: SimInfo, exportName: string | undefined, factor: number): Promise<void> {
  const r = await runChild<SyncResult>(['sync', 'duckdb', 'parquet'], {
    ...simEnv(info),
    ...(exportName ? { BENCH_EXPORT: exportName } : {}),
  });
  check(info, 'parquet', r, factor);
  const label = `${(r.rows / 1e6).toFixed(1)}M`;
  log(`memory: ${fmt(r.rows)} rows in ${(r.ms / 1000).toFixed(1)} s`);
  bench(
    `ingest cur2-parquet ${label} peak RSS`,
    `${fmt(r.peakRssMiB)} MiB`,
    '< 1024 MiB',
    r.peakRssMiB < GIB,
  );
  if (rssAtRows !== undefined) {
    const growth = r.peakRssMiB / rssAtRows;
    bench(
      `ingest peak RSS growth ${fmt(ROWS)} → ${fmt(r.rows)} rows`,
      `${growth.toFixed(2)} x`,
      '<= 1.25 x (flat)',
      growth <= 1.25,
    );
  }
}

const GIB = 1024;

/** The PostgreSQL server's version and the settings that bear on a bulk load, to print beside its figures. */
async function postgresSettings(): Promise<string> {
  const client = new pg.Client({ connectionString: ADMIN_PG_URL });
  await client.connect();
  try {
    const names = [
      'server_version',
      'shared_buffers',
      'work_mem',
      'maintenance_work_mem',
      'synchronous_commit',
      'wal_level',
      'max_wal_size',
      'checkpoint_timeout',
      'fsync',
    ];
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name',
      [names],
    );
    return rows.map((r) => `${r.name}=${r.setting}${r.unit ? ` ${r.unit}` : ''}`).join(', ');
  } finally {
    await client.end();
  }
}
let rssAtRows: number | undefined;
const main = await startSim(ROWS, BENCH_FORMATS.join(','));
try {
  const label = `${(ROWS / 1e6).toFixed(ROWS % 1e6 === 0 ? 0 : 1)}M`;
  const rowsPerSecond: Partial<Record<BenchFormat, number>> = {};
  for (const format of PARTS.has('duckdb') ? BENCH_FORMATS : []) {
    const name = formatLabel(format);
    const base: Record<string, BaselineResult> = {};
    for (const kind of ['raw', 'same-select', 'floor']) {
      base[kind] = await runChild<BaselineResult>(['baseline', kind, format], simEnv(main.info));
      log(`${name}: ${kind} baseline ${fmt(base[kind].rows)} rows in ${(base[kind].ms / 1000).toFixed(1)} s`);
    }
    const ours = await runChild<SyncResult>(['sync', 'duckdb', format], simEnv(main.info));
    check(main.info, format, ours);
    log(
      `${name}: Cloudtally sync ${fmt(ours.rows)} rows, ${fmt(ours.bytes / 1048576)} MiB downloaded, in ${(ours.ms / 1000).toFixed(1)} s`,
    );
    rowsPerSecond[format] = (ours.rows / ours.ms) * 1000;
    bench(`ingest ${name} ${label} rows/s (DuckDB store)`, `${fmt(rowsPerSecond[format])} rows/s`, '-', true);
    const sameSelect = ours.ms / base['same-select'].ms;
    bench(
      `ingest ${name} ${label} time vs same-SELECT baseline`,
      `${sameSelect.toFixed(2)} x`,
      '<= 1.3 x',
      sameSelect <= 1.3,
    );
    bench(
      `ingest ${name} ${label} time vs 11-column floor`,
      `${(ours.ms / base.floor.ms).toFixed(2)} x`,
      '-',
      true,
    );
    bench(
      `ingest ${name} ${label} time vs raw DuckDB load of every column`,
      `${(ours.ms / base.raw.ms).toFixed(2)} x`,
      '-',
      true,
    );
    bench(
      `ingest ${name} ${label} peak RSS`,
      `${fmt(ours.peakRssMiB)} MiB`,
      '< 1024 MiB',
      ours.peakRssMiB < GIB,
    );
    if (format === 'parquet') {
      rssAtRows = ours.peakRssMiB;
      bench(
        `ingest ${name} ${label} stored bytes per line item (DuckDB store)`,
        `${fmt(ours.storedBytes / ours.rows)} B`,
        '-',
        true,
      );
    }
  }
  if (rowsPerSecond.csv !== undefined && rowsPerSecond.legacy !== undefined) {
    // Time per row: legacy CUR gzip CSV against CUR 2.0 gzip CSV of the same bill.
    const ratio = rowsPerSecond.csv / rowsPerSecond.legacy;
    bench(`ingest legacy-csv time per row vs cur2-csv`, `${ratio.toFixed(2)} x`, '<= 1.3 x', ratio <= 1.3);
  }
  if (WITH_PG && PARTS.has('postgres')) {
    try {
      log(`postgres: ${await postgresSettings()}`);
      const r = await withPostgresDatabase({ adminUrl: ADMIN_PG_URL, prefix: 'cloudtally_bench' }, (url) =>
        runChild<SyncResult>(['sync', 'postgres', 'parquet'], {
          ...simEnv(main.info),
          BENCH_PG_DATABASE_URL: url,
          BENCH_RELOAD: '1',
        }),
      );
      check(main.info, 'parquet', r);
      const rate = (r.rows / r.ms) * 1000;
      log(`postgres: ${fmt(r.rows)} rows in ${(r.ms / 1000).toFixed(1)} s`);
      bench(
        `ingest cur2-parquet ${label} stored bytes per line item (PostgreSQL, with indexes)`,
        `${fmt(r.storedBytes / r.rows)} B`,
        '-',
        true,
      );
      bench(
        `ingest cur2-parquet ${label} into PostgreSQL`,
        `${fmt(rate)} rows/s`,
        '>= 100,000 rows/s',
        rate >= 100_000,
      );
      if (r.reloadMs !== undefined) {
        const reloadRate = (r.rows / r.reloadMs) * 1000;
        log(`postgres: restated month reloaded (old rows replaced) in ${(r.reloadMs / 1000).toFixed(1)} s`);
        bench(
          `ingest cur2-parquet ${label} restated into PostgreSQL`,
          `${fmt(reloadRate)} rows/s`,
          '>= 100,000 rows/s',
          reloadRate >= 100_000,
        );
      }
    } catch (err) {
      log(`postgres: ${(err as Error).message}`);
      bench(`ingest cur2-parquet ${label} into PostgreSQL`, 'failed', '>= 100,000 rows/s', false);
    }
  }
  if (MEMORY_ROWS > 0 && PARTS.has('memory') && MEMORY_FROM === 'replicate') {
    if (rssAtRows === undefined) {
      const one = await runChild<SyncResult>(['sync', 'duckdb', 'parquet'], simEnv(main.info));
      check(main.info, 'parquet', one);
      rssAtRows = one.peakRssMiB;
      log(`memory reference: ${fmt(one.rows)} rows, peak RSS ${fmt(one.peakRssMiB)} MiB`);
    }
    const factor = Math.max(1, Math.round(MEMORY_ROWS / ROWS));
    await memoryRun(main.info, replicateMonth(main.info, factor), factor);
  }
} finally {
  await main.stop();
}

if (MEMORY_ROWS > 0 && PARTS.has('memory') && MEMORY_FROM !== 'replicate') {
  const mem = await startSim(MEMORY_ROWS, 'parquet');
  try {
    await memoryRun(mem.info, undefined, 1);
  } finally {
    await mem.stop();
  }
}

process.stdout.write(`\n${lines.join('\n')}\n`);
