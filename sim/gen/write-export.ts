import { mkdirSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ScenarioExport } from '../scenario/schema.js';
import { uuidFrom, hexId } from '../world/ids.js';
import {
  cur2Columns,
  dimsTableSql,
  DIM_KEY,
  legacyColumns,
  selectList,
  type RenderContext,
} from './render.js';
import {
  cur2DataFolder,
  cur2FileName,
  cur2ManifestKey,
  legacyDataKey,
  legacyManifestKey,
  legacyStamp,
  refreshFolderName,
} from './layout.js';
import { sqlString } from './lineitems.js';

/** `li` is sorted once when a period is built (see sortLineItems); a single-threaded scan keeps that order. */
const ORDER = '';

export interface ExportPeriodJob {
  exp: ScenarioExport;
  period: string;
  p0: number;
  p1: number;
  cutEnd: number;
  revision: number;
  ctx: RenderContext;
  bucketsDir: string;
  rowsPerFile: number;
}

/** Rows of an export: on-line discounts drop the EdpDiscount rows (the discount sits on each line). */
export function exportFilter(exp: ScenarioExport): string {
  return exp.discounts === 'on-line' ? `line_type <> 'EdpDiscount'` : 'true';
}

function bucketPath(bucketsDir: string, bucket: string, key: string): string {
  return path.join(bucketsDir, bucket, ...key.split('/'));
}

async function copyFiles(
  conn: DuckDBConnection,
  select: string,
  where: string,
  files: string[],
  format: 'parquet' | 'csv',
): Promise<void> {
  const n = files.length;
  for (let k = 0; k < n; k++) {
    mkdirSync(path.dirname(files[k]), { recursive: true });
    const part = n > 1 ? ` AND meter_id % ${n} = ${k}` : '';
    const opts =
      format === 'parquet'
        ? `(FORMAT parquet, COMPRESSION snappy)`
        : `(FORMAT csv, HEADER, COMPRESSION gzip)`;
    await conn.run(
      `COPY (SELECT ${select} FROM li JOIN dims ON dims.dim_key = ${DIM_KEY('li')} WHERE ${where}${part} ${ORDER}) TO ${sqlString(files[k])} ${opts}`,
    );
  }
}

async function countRows(conn: DuckDBConnection, where: string): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT count(*) AS n FROM li WHERE ${where}`);
  return Number(r.getRowObjectsJS()[0].n);
}

/** Filters of the stale refreshes: earlier cuts of the month, before tax was added. */
function staleWhere(job: ExportPeriodJob, k: number): { where: string; asOf: number } {
  const asOf = Math.max(job.p0, job.cutEnd - k * 2 * 86_400);
  return { where: `${exportFilter(job.exp)} AND ts0 < ${asOf} AND line_type <> 'Tax'`, asOf };
}

/** Writes one period of one export: data files, stale refreshes, and the manifest last (as AWS does). */
export async function writeExportPeriod(conn: DuckDBConnection, job: ExportPeriodJob): Promise<string[]> {
  return job.exp.type === 'cur2' ? writeCur2(conn, job) : writeLegacy(conn, job);
}

async function writeCur2(conn: DuckDBConnection, job: ExportPeriodJob): Promise<string[]> {
  const { exp, period } = job;
  const csv = exp.format === 'csv';
  const cols = cur2Columns(job.ctx, csv);
  const select = selectList(cols);
  await conn.run(dimsTableSql(cols));
  const refreshes: Array<{ where: string; asOf: number; rev: string }> = [];
  if (exp.mode === 'create-new') {
    for (let k = exp.staleRefreshes; k >= 1; k--)
      refreshes.push({ ...staleWhere(job, k), rev: `${job.revision}-stale-${k}` });
  }
  refreshes.push({ where: exportFilter(exp), asOf: job.cutEnd, rev: `${job.revision}` });
  let currentKeys: string[] = [];
  let executionId = '';
  for (const r of refreshes) {
    executionId = uuidFrom(job.ctx.seed, exp.name, period, r.rev);
    const folder = exp.mode === 'create-new' ? refreshFolderName(r.asOf + 5 * 3600, executionId) : undefined;
    const dataFolder = cur2DataFolder(exp, period, folder);
    if (exp.mode === 'overwrite') {
      // Overwrite mode replaces the period's files; leftovers from a bigger earlier refresh must not linger.
      const dir = bucketPath(job.bucketsDir, exp.bucket, dataFolder);
      if (existsSync(dir)) {
        for (const f of readdirSync(dir)) if (f.startsWith(`${exp.name}-`)) rmSync(path.join(dir, f));
      }
    }
    const n = Math.max(1, Math.ceil((await countRows(conn, r.where)) / job.rowsPerFile));
    const keys = Array.from({ length: n }, (_, i) => `${dataFolder}/${cur2FileName(exp, i + 1)}`);
    await copyFiles(
      conn,
      select,
      r.where,
      keys.map((k) => bucketPath(job.bucketsDir, exp.bucket, k)),
      exp.format,
    );
    currentKeys = keys;
  }
  const manifest = {
    executionId,
    exportArn: `arn:aws:bcm-data-exports:us-east-1:${exp.payerAccountId}:export/${exp.name}-${uuidFrom(job.ctx.seed, 'export', exp.name)}`,
    exportName: exp.name,
    billingPeriod: {
      start: new Date(job.p0 * 1000).toISOString(),
      end: new Date(job.p1 * 1000).toISOString(),
    },
    dataFiles: currentKeys.map((k) => `s3://${exp.bucket}/${k}`),
    columns: cols.map((c) => ({ name: c.name, type: c.type })),
    totalRowCount: await countRows(conn, exportFilter(exp)),
  };
  writeJson(bucketPath(job.bucketsDir, exp.bucket, cur2ManifestKey(exp, period)), manifest);
  return currentKeys;
}

async function writeLegacy(conn: DuckDBConnection, job: ExportPeriodJob): Promise<string[]> {
  const { exp, period } = job;
  const cols = legacyColumns(job.ctx);
  const select = selectList(cols);
  await conn.run(dimsTableSql(cols));
  const refreshes: Array<{ where: string; rev: string }> = [];
  for (let k = exp.staleRefreshes; k >= 1; k--)
    refreshes.push({ where: staleWhere(job, k).where, rev: `${job.revision}-stale-${k}` });
  refreshes.push({ where: exportFilter(exp), rev: `${job.revision}` });
  let keys: string[] = [];
  let assemblyId = '';
  for (const r of refreshes) {
    assemblyId = uuidFrom(job.ctx.seed, exp.name, period, 'assembly', r.rev);
    const n = Math.max(1, Math.ceil((await countRows(conn, r.where)) / job.rowsPerFile));
    keys = Array.from({ length: n }, (_, i) => legacyDataKey(exp, job.p0, job.p1, assemblyId, i + 1));
    await copyFiles(
      conn,
      select,
      r.where,
      keys.map((k) => bucketPath(job.bucketsDir, exp.bucket, k)),
      'csv',
    );
  }
  const manifest = {
    assemblyId,
    account: exp.payerAccountId,
    columns: cols.map((c) => ({ category: c.category, name: c.short, type: c.type })),
    charset: 'UTF-8',
    compression: 'GZIP',
    contentType: 'text/csv',
    reportId: hexId(job.ctx.seed, 'report', exp.name).slice(0, 64),
    reportName: exp.name,
    billingPeriod: { start: legacyStamp(job.p0), end: legacyStamp(job.p1) },
    bucket: exp.bucket,
    reportKeys: keys,
    additionalArtifactKeys: [],
  };
  writeJson(bucketPath(job.bucketsDir, exp.bucket, legacyManifestKey(exp, job.p0, job.p1)), manifest);
  return keys;
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
