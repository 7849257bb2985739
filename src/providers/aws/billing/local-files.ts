/**
 * Local copies of a period's data files, and the DuckDB relation that reads them with canonical column
 * names (see column-names.ts). CSV is read as text with the header given explicitly, so that account IDs
 * keep their leading zeros and a value of the wrong type fails the load instead of being guessed.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflateRaw } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { canonicalColumnName, ident, literal } from './column-names.js';
import { BillingLoadError, errorMessage, loadError, readDiagnostic } from '../../../billing/diagnostics.js';

export interface LocalFile {
  /** The S3 key, for diagnostics. */
  key: string;
  path: string;
  format: 'parquet' | 'csv';
  /** Compression of the local copy (zip archives are extracted on arrival, gzip may be too). */
  compression: 'gzip' | 'none';
}

export interface SourceRelation {
  /** SQL (a SELECT) producing the rows of every file with canonical column names. */
  sql: string;
  /** Canonical column name → DuckDB type. */
  columns: Map<string, string>;
  /** Files that hold no data at all (zero bytes or no header); they are left out of `sql`. */
  emptyFiles: string[];
}

/** Splits one CSV record (RFC 4180 quoting) into fields. */
export function parseCsvRecord(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(cur);
      cur = '';
    } else cur += ch;
  }
  fields.push(cur);
  return fields;
}

/** The header row of a (possibly gzip) CSV file; undefined for an empty file. */
export async function readCsvHeader(file: LocalFile): Promise<string[] | undefined> {
  const raw = createReadStream(file.path);
  const source = file.compression === 'gzip' ? raw.pipe(createGunzip()) : raw;
  let text = '';
  try {
    for await (const chunk of source) {
      text += (chunk as Buffer).toString('utf8');
      if (text.includes('\n') || text.length > 4_000_000) break;
    }
  } catch (err) {
    throw loadError(
      'billing_file_corrupt',
      `${file.key} is corrupt or truncated (${errorMessage(err)})`,
      file.key,
    );
  } finally {
    raw.destroy();
    source.destroy();
  }
  const line = text
    .split('\n')[0]
    .replace(/\r$/, '')
    .replace(/^\uFEFF/, '');
  if (line.trim() === '') return undefined;
  return parseCsvRecord(line);
}

/** Canonical names for a header, made unique (a repeated column is kept under a suffixed name). */
function canonicalNames(headers: readonly string[], costCategoryNames?: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return headers.map((h) => {
    const name = canonicalColumnName(h.trim(), costCategoryNames);
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n === 0 ? name : `${name}__dup${n}`;
  });
}

const pathList = (files: readonly LocalFile[]) => `[${files.map((f) => literal(f.path)).join(', ')}]`;

async function csvRelation(files: LocalFile[]): Promise<SourceRelation> {
  const groups = new Map<string, { names: string[]; files: LocalFile[] }>();
  const emptyFiles: string[] = [];
  for (const f of files) {
    const header = await readCsvHeader(f);
    if (!header) {
      emptyFiles.push(f.key);
      continue;
    }
    const names = canonicalNames(header);
    const sig = `${f.compression}|${names.join('\u0001')}`;
    const g = groups.get(sig) ?? { names, files: [] };
    g.files.push(f);
    groups.set(sig, g);
  }
  const columns = new Map<string, string>();
  const selects: string[] = [];
  for (const g of groups.values()) {
    for (const n of g.names) columns.set(n, 'VARCHAR');
    const cols = g.names.map((n) => `${literal(n)}: 'VARCHAR'`).join(', ');
    selects.push(
      `SELECT * FROM read_csv(${pathList(g.files)}, header = true, auto_detect = false, columns = {${cols}}, ` +
        `delim = ',', quote = '"', escape = '"', compression = '${g.files[0].compression}', ` +
        `strict_mode = true)`,
    );
  }
  return { sql: selects.join(' UNION ALL BY NAME '), columns, emptyFiles };
}

async function parquetRelation(
  db: DuckDBConnection,
  files: LocalFile[],
  costCategoryNames?: readonly string[],
): Promise<SourceRelation> {
  // Each file's footer is read on its own so that a truncated file is named in the diagnostic.
  const emptyFiles: string[] = [];
  const readable: LocalFile[] = [];
  for (const f of files) {
    const { size } = await stat(f.path);
    if (size === 0) {
      emptyFiles.push(f.key);
      continue;
    }
    try {
      await db.run(`SELECT count(*) FROM parquet_metadata(${literal(f.path)})`);
    } catch (err) {
      throw new BillingLoadError(readDiagnostic(err, f.key));
    }
    readable.push(f);
  }
  if (readable.length === 0) return { sql: '', columns: new Map(), emptyFiles };
  const reader = `read_parquet(${pathList(readable)}, union_by_name = true)`;
  const described = await db.runAndReadAll(`DESCRIBE SELECT * FROM ${reader}`);
  const rows = described.getRowObjectsJson() as { column_name: string; column_type: string }[];
  const names = canonicalNames(
    rows.map((r) => r.column_name),
    costCategoryNames,
  );
  const columns = new Map<string, string>();
  const select = rows.map((r, i) => {
    columns.set(names[i], r.column_type);
    return `${ident(r.column_name)} AS ${ident(names[i])}`;
  });
  return { sql: `SELECT ${select.join(', ')} FROM ${reader}`, columns, emptyFiles };
}

/**
 * The relation over a period's local files, using `db` (a scratch DuckDB connection) to inspect Parquet.
 * `costCategoryNames` (from a legacy manifest) give Athena-named cost category columns back their spelling.
 */
export async function sourceRelation(
  db: DuckDBConnection,
  files: LocalFile[],
  costCategoryNames?: readonly string[],
): Promise<SourceRelation> {
  const parquet = files.filter((f) => f.format === 'parquet');
  const csv = files.filter((f) => f.format === 'csv');
  if (parquet.length > 0 && csv.length > 0) {
    const [p, c] = await Promise.all([parquetRelation(db, parquet, costCategoryNames), csvRelation(csv)]);
    const columns = new Map([...c.columns, ...p.columns]);
    const parts = [p.sql, c.sql].filter((s) => s !== '');
    return {
      sql: parts.join(' UNION ALL BY NAME '),
      columns,
      emptyFiles: [...p.emptyFiles, ...c.emptyFiles],
    };
  }
  return parquet.length > 0 ? parquetRelation(db, parquet, costCategoryNames) : csvRelation(csv);
}

/**
 * Extracts the first file of a zip archive (legacy CUR `compression: ZIP`) to `outPath`. Reads the central
 * directory, so sizes written after the data (streaming zips) and zip64 archives are handled.
 */
export async function unzipFirstEntry(zipPath: string, outPath: string, key: string): Promise<void> {
  const fh = await open(zipPath, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65_557 + 20);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error('no end of central directory record');
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff) {
      const locator = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]));
      if (locator < 0) throw new Error('zip64 locator missing');
      const eocd64Offset = Number(tail.readBigUInt64LE(locator + 8));
      const rec = Buffer.alloc(56);
      await fh.read(rec, 0, 56, eocd64Offset);
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    const cd = Buffer.alloc(46 + 65_535 * 3);
    const { bytesRead } = await fh.read(cd, 0, cd.length, cdOffset);
    if (bytesRead < 46 || cd.readUInt32LE(0) !== 0x02014b50) throw new Error('bad central directory');
    const method = cd.readUInt16LE(10);
    let compressed = cd.readUInt32LE(20);
    const nameLen = cd.readUInt16LE(28);
    const extraLen = cd.readUInt16LE(30);
    let localOffset = cd.readUInt32LE(42);
    if (compressed === 0xffffffff || localOffset === 0xffffffff) {
      // zip64 extra field: uncompressed, compressed, offset (only those saturated, in this order).
      let p = 46 + nameLen;
      const end = p + extraLen;
      while (p + 4 <= end) {
        const id = cd.readUInt16LE(p);
        const len = cd.readUInt16LE(p + 2);
        if (id === 0x0001) {
          let q = p + 4;
          if (cd.readUInt32LE(24) === 0xffffffff) q += 8;
          if (compressed === 0xffffffff) {
            compressed = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (localOffset === 0xffffffff) localOffset = Number(cd.readBigUInt64LE(q));
        }
        p += 4 + len;
      }
    }
    const local = Buffer.alloc(30);
    await fh.read(local, 0, 30, localOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new Error('bad local file header');
    const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataStart + compressed > size) throw new Error('archive is truncated');
    const input = createReadStream(zipPath, { start: dataStart, end: dataStart + compressed - 1 });
    if (method === 0) await pipeline(input, createWriteStream(outPath));
    else if (method === 8) await pipeline(input, createInflateRaw(), createWriteStream(outPath));
    else throw new Error(`unsupported zip compression method ${method}`);
  } catch (err) {
    throw loadError(
      'billing_file_corrupt',
      `${key} is not a readable zip archive (${errorMessage(err)})`,
      key,
    );
  } finally {
    await fh.close();
  }
}
