/**
 * Query results to files. DuckDB writes the file itself (COPY … TO); from PostgreSQL the rows come part by part
 * into a CSV file (memory stays flat whatever the range) and an in-process DuckDB turns that into Parquet.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { csvLine, type CsvValue } from '../lib/csv.js';
import type { Queryable, QueryExport } from './store.js';

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** DuckDB: one COPY of the whole query. */
export async function exportInEngine(q: Queryable, e: QueryExport): Promise<void> {
  const options = e.format === 'csv' ? '(FORMAT csv, HEADER true)' : '(FORMAT parquet, COMPRESSION zstd)';
  await q.execute(`COPY (${e.whole.sql}) TO ${sqlString(e.file)} ${options}`, e.whole.params);
}

async function writeCsvByParts(q: Queryable, e: QueryExport, file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(csvLine(e.columns.map((c) => c.name)));
  for (const part of e.parts()) {
    const rows = await q.query(part.sql, part.params);
    let buf = '';
    for (const r of rows) buf += csvLine(e.columns.map((c) => r[c.name] as CsvValue));
    if (buf) await write(buf);
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Streaming engines: the parts as CSV; for Parquet, the CSV goes beside the target and `toParquet` (a scratch
 * DuckDB statement runner) converts it with the columns' types.
 */
export async function exportByParts(
  q: Queryable,
  e: QueryExport,
  toParquet: (sql: string) => Promise<void>,
): Promise<void> {
  if (e.format === 'csv') return writeCsvByParts(q, e, e.file);
  const csv = path.join(path.dirname(e.file), `${path.basename(e.file, path.extname(e.file))}.csv`);
  await writeCsvByParts(q, e, csv);
  const columns = e.columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
  await toParquet(
    `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = true, columns = {${columns}})) TO ${sqlString(e.file)} (FORMAT parquet, COMPRESSION zstd)`,
  );
}
