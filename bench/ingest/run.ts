/**
 * Billing ingest benchmark. Generates a CUR 2.0 month of BENCH_ROWS line items (Parquet and gzip CSV) into
 * the simulator, runs the real sync path (S3 download through the simulator included) into a fresh DuckDB
 * store, and times in the same run a DuckDB baseline loading the same local files straight into a table.
 * Then: the same month into PostgreSQL, and peak memory while loading BENCH_MEMORY_ROWS line items.
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
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPostgresDatabase } from '../../test/helpers/stores.js';

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
  const dataDir = path.join(OUT, `${rows}-${formats.replace(',', '-')}`);
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

function check(info: SimInfo, format: string, r: SyncResult, factor = 1): void {
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
let rssAtRows: number | undefined;
const main = await startSim(ROWS, 'parquet,csv');
try {
  const label = `${(ROWS / 1e6).toFixed(ROWS % 1e6 === 0 ? 0 : 1)}M`;
  for (const format of PARTS.has('duckdb') ? ['parquet', 'csv'] : []) {
    const base = await runChild<BaselineResult>(['baseline', format], simEnv(main.info));
    log(`${format}: DuckDB baseline ${fmt(base.rows)} rows in ${(base.ms / 1000).toFixed(1)} s`);
    const ours = await runChild<SyncResult>(['sync', 'duckdb', format], simEnv(main.info));
    check(main.info, format, ours);
    log(
      `${format}: Cloudtally sync ${fmt(ours.rows)} rows, ${fmt(ours.bytes / 1048576)} MiB downloaded, in ${(ours.ms / 1000).toFixed(1)} s`,
    );
    const ratio = ours.ms / base.ms;
    bench(
      `ingest cur2-${format} ${label} rows/s (DuckDB store)`,
      `${fmt((ours.rows / ours.ms) * 1000)} rows/s`,
      '-',
      true,
    );
    bench(
      `ingest cur2-${format} ${label} time vs DuckDB baseline`,
      `${ratio.toFixed(2)} x`,
      '<= 1.5 x',
      ratio <= 1.5,
    );
    bench(
      `ingest cur2-${format} ${label} peak RSS`,
      `${fmt(ours.peakRssMiB)} MiB`,
      '< 1024 MiB',
      ours.peakRssMiB < GIB,
    );
    if (format === 'parquet') rssAtRows = ours.peakRssMiB;
  }
  if (WITH_PG && PARTS.has('postgres')) {
    try {
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
