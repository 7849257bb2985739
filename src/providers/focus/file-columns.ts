/**
 * The columns of a billing data file in an object store (a connection check's header step): FOCUS exports from any
 * store and Azure cost exports read their first file's header this way.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ObjectStore } from '../object-store/object-store.js';
import { relationOf } from './focus-source.js';

/** How much of a CSV file the header check reads: its header line is far shorter. */
const CSV_HEAD_BYTES = 1 << 20;
/** A gzip CSV's first MiB unpacks to at most this much (a bound on what a crafted file can make it hold). */
const CSV_HEAD_UNPACKED_MAX = 64 << 20;
/** A Parquet file keeps its schema at its end, so the check downloads it whole, up to this size. */
export const PARQUET_HEADER_MAX_BYTES = 256 << 20;

/**
 * The columns of a data file, read by DuckDB from a local copy: of a CSV only its first lines (a ranged read, never
 * the whole file), of a Parquet file the whole file (callers keep it under PARQUET_HEADER_MAX_BYTES).
 */
export async function fileColumns(
  objects: ObjectStore,
  file: { key: string; format: 'csv' | 'parquet' },
  signal?: AbortSignal,
): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cloudtally-header-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    let local: string;
    if (file.format === 'csv') {
      const read = await objects.readStart(file.key, CSV_HEAD_BYTES, signal);
      const head = /\.gz$/i.test(file.key)
        ? gunzipSync(read, {
            finishFlush: zlibConstants.Z_SYNC_FLUSH,
            maxOutputLength: CSV_HEAD_UNPACKED_MAX,
          })
        : read;
      // Whole lines only: when the read stopped short of the file's end, its last line may be cut.
      const end = read.length >= CSV_HEAD_BYTES ? head.lastIndexOf(0x0a) : -1;
      local = path.join(dir, 'head.csv');
      await writeFile(local, end > 0 ? head.subarray(0, end + 1) : head);
    } else {
      local = path.join(dir, path.basename(file.key).replace(/[^A-Za-z0-9._-]/g, '_'));
      await objects.download(file.key, local, signal);
    }
    const reader = await db.runAndReadAll(`DESCRIBE ${relationOf([local], file.format)}`);
    return (reader.getRowObjectsJson() as { column_name: string }[]).map((r) => r.column_name);
  } finally {
    db.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
